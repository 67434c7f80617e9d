//! Identifiers from Lark and from users, parsed once at the edge.

use crate::error::AppError;
use std::fmt;

macro_rules! id_type {
    ($name:ident, $what:literal, $valid:expr) => {
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, AppError> {
                let valid: fn(&str) -> bool = $valid;
                if valid(raw) {
                    Ok(Self(raw.to_owned()))
                } else {
                    Err(AppError::BadRequest(crate::msg!("error-invalid-id", value = shorten(raw), what = $what).into()))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = AppError;
            fn try_from(raw: String) -> Result<Self, AppError> {
                Self::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        // Unit tests write ids as literals; the literal must still be valid.
        #[cfg(test)]
        impl From<&str> for $name {
            fn from(raw: &str) -> Self {
                Self::parse(raw).expect("a valid id literal")
            }
        }

        impl From<&$name> for String {
            fn from(id: &$name) -> String {
                id.0.clone()
            }
        }

        // Read access as text (formatting, keys, comparisons); building one still needs `parse`.
        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

fn token_chars(s: &str, prefix: &str, max: usize) -> bool {
    s.len() > prefix.len()
        && s.len() <= max
        && s.starts_with(prefix)
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

id_type!(AppId, "app_id", |s| { token_chars(s, "cli_", 64) });
id_type!(OpenId, "open_id", |s| token_chars(s, "ou_", 80));
id_type!(GroupId, "group_id", |s| token_chars(s, "g_", 40));
// API Gateway's connection ids are short base64 (`L0SM9cOFvHcCIhw=`); the local gateway's too.
id_type!(ConnectionId, "connection_id", |s| !s.is_empty()
    && s.len() <= 64
    && s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"=+/_-".contains(&b)));
// 128 random bits, base64url without padding (`InvitationId::generate`).
id_type!(InvitationId, "invitation_id", |s| s.len() == 22
    && s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'));

impl GroupId {
    /// A fresh group id: `g_` and a lower-case ULID (sortable by creation, unguessable enough).
    pub fn generate() -> Self {
        Self(format!(
            "g_{}",
            ulid::Ulid::new().to_string().to_lowercase()
        ))
    }
}

impl InvitationId {
    /// A fresh link id: 128 random bits, base64url without padding.
    pub fn generate() -> Self {
        use base64::Engine;
        let bytes: [u8; 16] = rand::random();
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// A ticket, as routes and links name it: `{organisation's app}.{number}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketId {
    pub app: AppId,
    pub number: u64,
}

impl TicketId {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let bad = || {
            AppError::BadRequest(
                crate::msg!("error-invalid-id", value = shorten(raw), what = "ticket_id").into(),
            )
        };
        let (app, number) = raw.rsplit_once('.').ok_or_else(bad)?;
        Ok(Self {
            app: AppId::parse(app)?,
            number: number.parse().map_err(|_| bad())?,
        })
    }

    pub fn new(app: AppId, number: u64) -> Self {
        Self { app, number }
    }
}

impl fmt::Display for TicketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.app, self.number)
    }
}

/// Quotes user input in error messages without echoing a wall of text back.
fn shorten(raw: &str) -> String {
    let mut out: String = raw.chars().take(40).collect();
    if raw.chars().count() > 40 {
        out.push('…');
    }
    if out.is_empty() {
        "An empty value".into()
    } else {
        format!("“{out}”")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_ids_are_22_url_safe_characters() {
        let id = InvitationId::generate();
        assert_eq!(InvitationId::parse(&id).unwrap(), id);
        assert_ne!(InvitationId::generate(), id);
        assert!(InvitationId::parse("short").is_err());
        assert!(InvitationId::parse("aaaaaaaaaaaaaaaaaaaaa/").is_err());
    }

    #[test]
    fn ticket_ids_are_app_dot_number() {
        let id = TicketId::parse("cli_acme01.12").unwrap();
        assert_eq!((id.app.as_str(), id.number), ("cli_acme01", 12));
        assert_eq!(id.to_string(), "cli_acme01.12");
        assert!(TicketId::parse("cli_acme01").is_err());
        assert!(TicketId::parse("cli_acme01.x").is_err());
        assert!(TicketId::parse("nope.3").is_err());
    }

    #[test]
    fn app_ids_must_look_like_lark_app_ids() {
        assert!(AppId::parse("cli_a1b2c3").is_ok());
        for bad in [
            "",
            "cli_",
            "abc",
            "cli_a/b",
            "cli_<script>",
            &format!("cli_{}", "a".repeat(80)),
        ] {
            assert!(AppId::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn ids_are_stored_as_plain_strings_and_checked_when_read() {
        // The storage format did not change when the fields became typed: a plain string.
        let member = serde_json::json!({"app_id": "cli_a1", "open_id": "ou_1", "group_id": "g_1"});
        #[derive(serde::Deserialize, serde::Serialize)]
        struct Ids {
            app_id: AppId,
            open_id: OpenId,
            group_id: GroupId,
        }
        let ids: Ids = serde_json::from_value(member.clone()).unwrap();
        assert_eq!(serde_json::to_value(&ids).unwrap(), member);
        // An id that is not one fails where it is read, with the readable message.
        let err = serde_json::from_value::<Ids>(
            serde_json::json!({"app_id": "cli_a1", "open_id": "x<script>", "group_id": "g_1"}),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(err.contains("not a valid Lark open_id"), "{err}");
    }

    #[test]
    fn generated_group_ids_parse() {
        let id = GroupId::generate();
        assert_eq!(GroupId::parse(&id).unwrap(), id);
    }

    #[test]
    fn error_quotes_a_short_version_of_the_input() {
        let err = AppId::parse(&"x".repeat(100)).unwrap_err().to_string();
        assert!(err.contains('…') && err.len() < 150, "{err}");
    }
}
