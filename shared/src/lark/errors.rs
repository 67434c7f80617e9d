//! What Lark's errors mean, in one place: the error type of every Lark call, and what each code
//! means for the caller (bad credentials, an expired token, a card entity that is gone, and for a
//! send: retry later, back off, quota spent, or a recipient that cannot be reached).

/// Codes Lark uses for a wrong App ID / App Secret or an app that cannot get a token.
const BAD_CREDENTIAL_CODES: [i64; 5] = [10014, 10015, 99991543, 20002, 10003];
const TOKEN_INVALID_CODES: [i64; 3] = [99991663, 99991665, 99991671];

#[derive(Debug, thiserror::Error)]
pub enum LarkError {
    #[error("Lark API error {code}: {msg}")]
    Api {
        code: i64,
        msg: String,
        status: u16,
        retry_after: Option<u64>,
    },
    #[error("Lark answered HTTP {0} without a Lark body")]
    Http(u16),
    #[error("could not reach Lark: {0}")]
    Transport(String),
    #[error("unexpected Lark response: {0}")]
    Decode(String),
}

impl LarkError {
    pub fn code(&self) -> Option<i64> {
        match self {
            LarkError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    pub fn is_bad_credentials(&self) -> bool {
        self.code()
            .is_some_and(|c| BAD_CREDENTIAL_CODES.contains(&c))
    }

    /// CardKit no longer has the card entity: send a fresh card instead of updating it.
    pub fn is_card_gone(&self) -> bool {
        self.code().is_some_and(|c| CARD_GONE_CODES.contains(&c))
    }

    /// Lark says the tenant token is invalid or expired: fetch a fresh one and retry once.
    pub fn is_token_invalid(&self) -> bool {
        self.code()
            .is_some_and(|c| TOKEN_INVALID_CODES.contains(&c))
    }
}

/// CardKit codes for a card entity that no longer exists or has expired (14 days).
const CARD_GONE_CODES: [i64; 3] = [200740, 200750, 300311];

/// What to do after a failed send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendFailure {
    /// Lark is limiting us: try again after this many seconds.
    RateLimited(u64),
    /// Lark or the network failed: back off and retry.
    Transient,
    /// The tenant's monthly quota is spent.
    QuotaExhausted,
    /// The recipient cannot get this app's messages (not in its availability range, left the
    /// company, blocked the bot, bot disabled...): record it, never retry.
    Undeliverable { code: Option<i64>, reason: String },
}

/// Recipient and content errors of `im/v1/messages` that no retry will fix (docs/lark.md §5.1).
const PERMANENT: [i64; 16] = [
    230001, 230002, 230006, 230013, 230017, 230018, 230025, 230027, 230028, 230029, 230034, 230035,
    230038, 230053, 99992351, 99992361,
];

impl LarkError {
    /// What a failed send means for the notifier (docs/lark.md §5.1, §10).
    pub fn meaning(&self) -> SendFailure {
        match self {
            LarkError::Api {
                code: 99991400 | 230020,
                retry_after,
                ..
            } => SendFailure::RateLimited(retry_after.unwrap_or(1).max(1)),
            LarkError::Api { code: 99991403, .. } => SendFailure::QuotaExhausted,
            LarkError::Api { code, msg, .. }
                if PERMANENT.contains(code) || *code == 230099 || *code == 99991672 =>
            {
                SendFailure::Undeliverable {
                    code: Some(*code),
                    reason: msg.clone(),
                }
            }
            LarkError::Api { status, .. } if *status >= 500 => SendFailure::Transient,
            LarkError::Api {
                code, msg, status, ..
            } if *status == 400 && !is_server_side(*code) => SendFailure::Undeliverable {
                code: Some(*code),
                reason: msg.clone(),
            },
            LarkError::Http(status) if *status < 500 && *status != 429 => {
                SendFailure::Undeliverable {
                    code: None,
                    reason: format!("Lark answered HTTP {status}"),
                }
            }
            _ => SendFailure::Transient,
        }
    }
}

/// Lark's generic "internal error" codes (§10): retryable even when sent with HTTP 400.
fn is_server_side(code: i64) -> bool {
    matches!(code, 2200 | 5000 | 1500 | 230049)
}

/// An error that may be Lark's "tenant token invalid or expired".
pub trait TokenFailure {
    fn is_token_invalid(&self) -> bool;
}

impl TokenFailure for LarkError {
    fn is_token_invalid(&self) -> bool {
        LarkError::is_token_invalid(self)
    }
}

/// Lark's rule for a tenant token it calls invalid or expired (99991663…): `renew` drops it and
/// gets a fresh one, and the call is made once more — never more than once. Every caller that
/// holds a tenant token goes through here.
pub async fn with_fresh_token_on_expiry<Tok, T, E, Call, CallFut, Renew, RenewFut>(
    token: Tok,
    call: Call,
    renew: Renew,
) -> Result<T, E>
where
    Tok: Clone,
    E: TokenFailure,
    Call: Fn(Tok) -> CallFut,
    CallFut: std::future::Future<Output = Result<T, E>>,
    Renew: FnOnce(Tok) -> RenewFut,
    RenewFut: std::future::Future<Output = Result<Tok, E>>,
{
    match call(token.clone()).await {
        Err(e) if e.is_token_invalid() => {
            let fresh = renew(token).await?;
            call(fresh).await
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SecretString;

    fn meaning(e: &LarkError) -> SendFailure {
        e.meaning()
    }

    fn api(code: i64, status: u16, retry_after: Option<u64>) -> LarkError {
        LarkError::Api {
            code,
            msg: "m".into(),
            status,
            retry_after,
        }
    }

    #[test]
    fn rate_limits_wait_for_the_reset_header() {
        assert_eq!(
            meaning(&api(99991400, 429, Some(7))),
            SendFailure::RateLimited(7)
        );
        assert_eq!(
            meaning(&api(99991400, 429, None)),
            SendFailure::RateLimited(1)
        );
        assert_eq!(
            meaning(&api(230020, 400, None)),
            SendFailure::RateLimited(1)
        );
    }

    #[test]
    fn server_errors_and_network_failures_are_retried() {
        assert_eq!(meaning(&api(2200, 500, None)), SendFailure::Transient);
        assert_eq!(meaning(&api(2200, 400, None)), SendFailure::Transient);
        assert_eq!(meaning(&LarkError::Http(503)), SendFailure::Transient);
        assert_eq!(
            meaning(&LarkError::Transport("reset".into())),
            SendFailure::Transient
        );
    }

    #[test]
    fn recipient_errors_are_undeliverable_not_retried() {
        for code in [230013, 230029, 230053, 230006, 99992351] {
            assert!(
                matches!(
                    meaning(&api(code, 400, None)),
                    SendFailure::Undeliverable { .. }
                ),
                "{code}"
            );
        }
        assert_eq!(
            meaning(&api(99991403, 429, None)),
            SendFailure::QuotaExhausted
        );
    }

    #[test]
    fn a_gone_card_entity_is_recognised() {
        assert!(api(200740, 400, None).is_card_gone());
        assert!(!api(230013, 400, None).is_card_gone());
    }

    #[tokio::test]
    async fn an_expired_token_is_renewed_once_and_the_call_made_once_more() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let calls = AtomicUsize::new(0);
        let renewals = AtomicUsize::new(0);
        // Lark refuses every token: the call is made twice (stale, fresh) and the second error
        // is the answer — no loop.
        let out: Result<(), LarkError> = with_fresh_token_on_expiry(
            SecretString::new("stale"),
            |_t| {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Err(api(99991663, 400, None)) }
            },
            |stale| {
                renewals.fetch_add(1, Ordering::SeqCst);
                assert_eq!(stale.expose(), "stale");
                async { Ok(SecretString::new("fresh")) }
            },
        )
        .await;
        assert!(out.unwrap_err().is_token_invalid());
        assert_eq!(
            (
                calls.load(Ordering::SeqCst),
                renewals.load(Ordering::SeqCst)
            ),
            (2, 1)
        );
        // Any other failure is not retried.
        let out: Result<(), LarkError> = with_fresh_token_on_expiry(
            SecretString::new("t"),
            |_t| async { Err(api(230013, 400, None)) },
            |_| async { panic!("no renewal for a recipient error") },
        )
        .await;
        assert_eq!(out.unwrap_err().code(), Some(230013));
    }
}
