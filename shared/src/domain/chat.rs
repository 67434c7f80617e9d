//! Rules of a group's chat and membership: what a message may hold, whom it may mention, who may
//! remove whom. Pure functions; the use cases in `groups` apply them.

use crate::domain::model::{Member, Mention, Side};
use crate::error::AppError;
use crate::ids::{AppId, OpenId};

/// Longest message, in characters (Lark's own text messages allow far more, but a support chat
/// message longer than this belongs in a ticket description or an attachment).
pub const MAX_MESSAGE_CHARS: usize = 4000;
/// Most people one message may mention.
pub const MAX_MENTIONS: usize = 20;
/// Characters of a message quoted in a notification card.
pub const EXCERPT_CHARS: usize = 140;

/// A mention as the composer sends it: the member's app and open_id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct MentionRef {
    pub app_id: AppId,
    pub open_id: OpenId,
}

/// Checks a message as typed. It is stored exactly as typed (not trimmed, not rewritten).
pub fn validate_text(text: &str) -> Result<(), AppError> {
    if text.trim().is_empty() {
        return Err(AppError::BadRequest(
            "Write a message before sending.".into(),
        ));
    }
    let chars = text.chars().count();
    if chars > MAX_MESSAGE_CHARS {
        return Err(AppError::Unprocessable(format!(
            "Messages can be at most {MAX_MESSAGE_CHARS} characters; this one has {chars}."
        )));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(AppError::BadRequest(
            "The message contains control characters.".into(),
        ));
    }
    Ok(())
}

/// Resolves the composer's mentions against the group's members: each must be a member of this
/// group, duplicates collapse, and the author mentioning themselves notifies nobody.
pub fn resolve_mentions(
    requested: &[MentionRef],
    members: &[Member],
    author: (&AppId, &OpenId),
) -> Result<Vec<Mention>, AppError> {
    if requested.len() > MAX_MENTIONS {
        return Err(AppError::Unprocessable(format!(
            "A message can mention at most {MAX_MENTIONS} people."
        )));
    }
    let mut out: Vec<Mention> = Vec::new();
    for r in requested {
        let member = members
            .iter()
            .find(|m| m.app_id == r.app_id && m.open_id == r.open_id)
            .ok_or_else(|| {
                AppError::Unprocessable(
                    "You can only mention members of this group. Add them with Add People first."
                        .into(),
                )
            })?;
        let is_author = (&member.app_id, &member.open_id) == author;
        let seen = out
            .iter()
            .any(|m| m.app_id == member.app_id && m.open_id == member.open_id);
        if !is_author && !seen {
            out.push(Mention {
                app_id: member.app_id.clone(),
                open_id: member.open_id.clone(),
                name: member.name.clone(),
            });
        }
    }
    Ok(out)
}

/// The start of a message for a notification card, cut at a character boundary.
pub fn excerpt(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= EXCERPT_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(EXCERPT_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

/// Who is asking to remove a member.
#[derive(Debug, Clone, Copy)]
pub struct Remover<'a> {
    pub app_id: &'a AppId,
    pub open_id: &'a OpenId,
    pub side: Side,
    /// A TAM, manager or admin who serves the group's organisation.
    pub manages_org: bool,
}

/// The membership rules:
/// - anyone on the colleague side may leave;
/// - a colleague who added someone may remove them again;
/// - the org's TAM, a manager or an admin serving the org may remove any colleague;
/// - the service team is not removed from here: who serves an organisation is decided in the
///   staff console, and a group without its TAM or engineer would leave the customer alone.
pub fn may_remove(by: Remover<'_>, target: &Member) -> Result<(), AppError> {
    if target.side == Side::Service {
        return Err(AppError::Forbidden(
            "Service team members are assigned from the staff console, not removed from the group."
                .into(),
        ));
    }
    let is_self = &target.app_id == by.app_id && &target.open_id == by.open_id;
    let added_them = by.side == Side::Colleague && target.added_by == by.open_id.as_str();
    if is_self || added_them || (by.side == Side::Service && by.manages_org) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "You can leave a group, or remove colleagues you added; your TAM can remove others."
                .into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::JoinedVia;

    fn member(app: &str, open_id: &str, side: Side, added_by: &str) -> Member {
        Member {
            group_id: "g_1".into(),
            side,
            app_id: app.into(),
            open_id: open_id.into(),
            name: format!("Name of {open_id}"),
            avatar: String::new(),
            role: None,
            added_by: added_by.into(),
            added_at: 0,
            via: JoinedVia::Invitation,
        }
    }

    fn mention(app: &str, open_id: &str) -> MentionRef {
        MentionRef {
            app_id: app.into(),
            open_id: open_id.into(),
        }
    }

    #[test]
    fn messages_must_have_text_and_stay_under_the_limit() {
        assert!(validate_text("hello").is_ok());
        assert!(validate_text("line one\nline two\ttab").is_ok());
        assert_eq!(
            validate_text("   \n ").unwrap_err().status(),
            http::StatusCode::BAD_REQUEST
        );
        let long = "é".repeat(MAX_MESSAGE_CHARS);
        assert!(
            validate_text(&long).is_ok(),
            "the limit counts characters, not bytes"
        );
        let err = validate_text(&format!("{long}x")).unwrap_err();
        assert!(err.to_string().contains("4001"), "{err}");
        assert!(validate_text("bell\u{7}").is_err());
    }

    #[test]
    fn mentions_resolve_to_members_of_this_group_only() {
        let members = vec![
            member("cli_c", "ou_ana", Side::Colleague, "ou_ana"),
            member("cli_p", "ou_tara", Side::Service, "ou_tara"),
        ];
        let got = resolve_mentions(
            &[
                mention("cli_p", "ou_tara"),
                mention(&AppId::from("cli_c"), &OpenId::from("ou_ana")),
            ],
            &members,
            (&AppId::from("cli_c"), &OpenId::from("ou_ben")),
        )
        .unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].name, "Name of ou_tara");

        let stranger = resolve_mentions(
            &[mention("cli_c", "ou_x")],
            &members,
            (&AppId::from("cli_c"), &OpenId::from("ou_ana")),
        );
        assert_eq!(
            stranger.unwrap_err().status(),
            http::StatusCode::UNPROCESSABLE_ENTITY
        );
        // The same open_id through another app is another person.
        assert!(resolve_mentions(
            &[mention("cli_c", "ou_tara")],
            &members,
            (&AppId::from("cli_c"), &OpenId::from("ou_ana"))
        )
        .is_err());
    }

    #[test]
    fn duplicate_and_self_mentions_notify_once_and_never_the_author() {
        let members = vec![
            member("cli_c", "ou_ana", Side::Colleague, "ou_ana"),
            member("cli_c", "ou_ben", Side::Colleague, "ou_ana"),
        ];
        let got = resolve_mentions(
            &[
                mention(&AppId::from("cli_c"), &OpenId::from("ou_ben")),
                mention(&AppId::from("cli_c"), &OpenId::from("ou_ben")),
                mention(&AppId::from("cli_c"), &OpenId::from("ou_ana")),
            ],
            &members,
            (&AppId::from("cli_c"), &OpenId::from("ou_ana")),
        )
        .unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].open_id, "ou_ben");
        let too_many =
            vec![mention(&AppId::from("cli_c"), &OpenId::from("ou_ben")); MAX_MENTIONS + 1];
        assert!(resolve_mentions(
            &too_many,
            &members,
            (&AppId::from("cli_c"), &OpenId::from("ou_ana"))
        )
        .is_err());
    }

    #[test]
    fn excerpts_are_short_single_line_and_cut_on_characters() {
        assert_eq!(excerpt("hi\n  there"), "hi there");
        let long = "数".repeat(500);
        let e = excerpt(&long);
        assert_eq!(e.chars().count(), EXCERPT_CHARS);
        assert!(e.ends_with('…'));
    }

    #[test]
    fn removal_rules() {
        let ana = member("cli_c", "ou_ana", Side::Colleague, "ou_ana");
        let ben = member("cli_c", "ou_ben", Side::Colleague, "ou_ana");
        let cara = member("cli_c", "ou_cara", Side::Colleague, "ou_cara");
        let eli = member("cli_p", "ou_eli", Side::Service, "ou_tara");
        let (cli_c, cli_p) = (AppId::from("cli_c"), AppId::from("cli_p"));
        let ids: Vec<OpenId> = ["ou_ana", "ou_ben", "ou_cara", "ou_tara", "ou_eli"]
            .map(OpenId::from)
            .to_vec();
        let id = |s: &str| ids.iter().find(|i| **i == s).unwrap();
        let as_colleague = |open_id: &str| Remover {
            app_id: &cli_c,
            open_id: id(open_id),
            side: Side::Colleague,
            manages_org: false,
        };
        let tam = Remover {
            app_id: &cli_p,
            open_id: id("ou_tara"),
            side: Side::Service,
            manages_org: true,
        };
        let engineer = Remover {
            manages_org: false,
            open_id: id("ou_eli"),
            ..tam
        };
        assert!(
            may_remove(as_colleague("ou_cara"), &cara).is_ok(),
            "anyone may leave"
        );
        assert!(
            may_remove(as_colleague("ou_ana"), &ben).is_ok(),
            "Ana added Ben"
        );
        assert!(may_remove(as_colleague("ou_ben"), &ana).is_err());
        assert!(may_remove(as_colleague("ou_ana"), &cara).is_err());
        assert!(may_remove(tam, &cara).is_ok());
        assert!(may_remove(engineer, &cara).is_err());
        assert!(
            may_remove(tam, &eli).is_err(),
            "service team is not removed here"
        );
        assert!(
            may_remove(engineer, &eli).is_err(),
            "not even by themselves"
        );
    }
}
