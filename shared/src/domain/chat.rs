//! Rules of a group's chat and membership: what a message may hold, whom it may mention, who may
//! remove whom. Pure functions; the use cases in `groups` apply them.

use crate::clock::Epoch;
use crate::domain::model::{Member, Mention, Message, MessageKind, Side};
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
            crate::msg!("error-message-empty").into(),
        ));
    }
    let chars = text.chars().count();
    if chars > MAX_MESSAGE_CHARS {
        return Err(AppError::Unprocessable(
            crate::msg!("error-message-long", max = MAX_MESSAGE_CHARS, chars = chars).into(),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(AppError::BadRequest(
            crate::msg!("error-message-control").into(),
        ));
    }
    Ok(())
}

/// How long a reader waits at a message number that was given out but not written yet before
/// taking it as never coming. A post writes its message milliseconds after taking the number;
/// only a function that died in between leaves it empty, and no function runs longer than its
/// 15 s timeout (`template.yaml` Globals), so 30 s is past any writer still alive.
pub const HOLE_GRACE: Epoch = 30;

/// What a reader may be shown of `messages` (ascending numbers, read after `after` when polling)
/// and the cursor to poll from next. Numbers are taken before messages are written, so message
/// n+1 can land a moment before n: a reader must not move its cursor past n while n may still
/// come, or it would never see it. So the page stops at the first missing number whose
/// successor is younger than `HOLE_GRACE`; older holes are skipped. Void numbers are never
/// shown but move the cursor on.
pub fn settled(
    messages: Vec<Message>,
    after: Option<u64>,
    now: Epoch,
) -> (Vec<Message>, u64, bool) {
    let mut expected = after.map(|a| a + 1);
    let mut cursor = after.unwrap_or(0);
    let mut shown = Vec::new();
    for m in messages {
        if expected.is_some_and(|e| m.seq > e) && now - m.created_at < HOLE_GRACE {
            return (shown, cursor, true);
        }
        expected = Some(m.seq + 1);
        cursor = m.seq;
        if m.kind != MessageKind::Void {
            shown.push(m);
        }
    }
    (shown, cursor, false)
}

/// Resolves the composer's mentions against the group's members: each must be a member of this
/// group, duplicates collapse, and the author mentioning themselves notifies nobody.
/// Refuses a post naming more people than a message may mention (before anyone is looked up).
pub fn check_mention_count(requested: &[MentionRef]) -> Result<(), AppError> {
    if requested.len() > MAX_MENTIONS {
        return Err(AppError::Unprocessable(
            crate::msg!("error-mentions-many", max = MAX_MENTIONS).into(),
        ));
    }
    Ok(())
}

pub fn resolve_mentions(
    requested: &[MentionRef],
    members: &[Member],
    author: (&AppId, &OpenId),
) -> Result<Vec<Mention>, AppError> {
    check_mention_count(requested)?;
    let mut out: Vec<Mention> = Vec::new();
    for r in requested {
        let member = members
            .iter()
            .find(|m| m.app_id == r.app_id && m.open_id == r.open_id)
            .ok_or_else(|| {
                AppError::Unprocessable(crate::msg!("error-mention-nonmember").into())
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
            crate::msg!("error-remove-service").into(),
        ));
    }
    let is_self = &target.app_id == by.app_id && &target.open_id == by.open_id;
    let added_them = by.side == Side::Colleague && target.added_by == by.open_id.as_str();
    if is_self || added_them || (by.side == Side::Service && by.manages_org) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            crate::msg!("error-remove-not-allowed").into(),
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

    fn line(seq: u64, at: Epoch) -> Message {
        Message::system_line(
            &"g_1".into(),
            seq,
            crate::msg!("line-left", who = format!("p{seq}")),
            at,
        )
    }

    #[test]
    fn readers_wait_at_a_number_not_written_yet_and_skip_old_holes_and_voids() {
        let seqs = |v: &[Message]| v.iter().map(|m| m.seq).collect::<Vec<_>>();
        // 5 and 6 arrived, 4 is still being written: the poll stops at 3 and says there is more.
        let (shown, cursor, held) = settled(vec![line(5, 100), line(6, 100)], Some(3), 110);
        assert_eq!((seqs(&shown), cursor, held), (vec![], 3, true));
        // The same hole long after: its writer is gone, so it is passed.
        let (shown, cursor, held) = settled(vec![line(5, 100), line(6, 100)], Some(3), 200);
        assert_eq!((seqs(&shown), cursor, held), (vec![5, 6], 6, false));
        // A hole in the middle of the newest page: shown up to it.
        let (shown, cursor, _) = settled(vec![line(1, 100), line(2, 100), line(4, 100)], None, 101);
        assert_eq!((seqs(&shown), cursor), (vec![1, 2], 2));
        // A voided number is never shown but is not a hole.
        let (shown, cursor, held) = settled(
            vec![
                line(4, 100),
                Message::void(&"g_1".into(), 5, 100),
                line(6, 100),
            ],
            Some(3),
            101,
        );
        assert_eq!((seqs(&shown), cursor, held), (vec![4, 6], 6, false));
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
