//! The one error type of the HTTP boundary. Clients get a status and a readable message; logs get
//! the whole cause chain. Mapping to HTTP statuses happens here and nowhere else.

use http::StatusCode;

use crate::i18n::Lang;
pub use crate::i18n::Text;

/// An adapter's own error, kept whole for the log. The adapters convert their errors into
/// `AppError` themselves, so this module depends on none of them (nor they on each other).
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(Text),
    #[error("{0}")]
    Unauthorized(Text),
    #[error("{0}")]
    Forbidden(Text),
    #[error("{0}")]
    NotFound(Text),
    #[error("{0}")]
    Conflict(Text),
    #[error("{0}")]
    Unprocessable(Text),
    /// Allowed again later (a reminder inside its cooldown); the message says when.
    #[error("{0}")]
    TooSoon(Text),
    /// Over an open route's fair share (`domain::limits`): `Retry-After` says when to come back.
    #[error("{text}")]
    Throttled { text: Text, retry_after: i64 },
    /// Something that existed and has ended: an expired or revoked link.
    #[error("{0}")]
    Gone(Text),
    #[error("The request body is larger than {0} bytes.")]
    TooLarge(usize),
    /// Lark failed (`lark::LarkError`, converted in `lark`, read back with `LarkError::of`).
    #[error("Lark could not be reached or answered with an error; please try again shortly.")]
    Lark(#[source] Cause),
    /// DynamoDB failed (`store::StoreError`, converted in `store`).
    #[error("The service is having trouble storing data; please try again shortly.")]
    Store(#[source] Cause),
    /// KMS failed (`secrets::SecretsError`, converted in `secrets`).
    #[error("Encryption service failure; please try again shortly.")]
    Secrets(#[source] Cause),
    /// A dependency (the queue, the database) failed; the detail is logged, not shown.
    #[error("The service is busy; please try again shortly.")]
    Unavailable(String),
    #[error("Something went wrong on our side.")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::TooSoon(_) | AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Lark(_) => StatusCode::BAD_GATEWAY,
            AppError::Store(_) | AppError::Secrets(_) | AppError::Unavailable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A short title for error pages.
    pub fn title(&self, lang: Lang) -> String {
        let key = match self.status() {
            StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => "error-title-bad-request",
            StatusCode::UNAUTHORIZED => "error-title-sign-in",
            StatusCode::FORBIDDEN => "error-title-forbidden",
            StatusCode::NOT_FOUND => "error-title-not-found",
            StatusCode::CONFLICT => "error-title-conflict",
            StatusCode::GONE => "error-title-gone",
            StatusCode::TOO_MANY_REQUESTS => "error-title-too-soon",
            StatusCode::PAYLOAD_TOO_LARGE => "error-title-too-large",
            _ => "error-title-unavailable",
        };
        crate::i18n::t(lang, key)
    }

    /// What the reader is told, in their language.
    pub fn message(&self, lang: Lang) -> String {
        self.text().in_lang(lang)
    }

    /// What the reader is told, in every language (a toast carries them all).
    pub fn text(&self) -> Text {
        match self {
            AppError::BadRequest(t)
            | AppError::Unauthorized(t)
            | AppError::Forbidden(t)
            | AppError::NotFound(t)
            | AppError::Conflict(t)
            | AppError::Unprocessable(t)
            | AppError::TooSoon(t)
            | AppError::Gone(t)
            | AppError::Throttled { text: t, .. } => t.clone(),
            AppError::TooLarge(n) => crate::msg!("error-too-large", bytes = *n).into(),
            AppError::Lark(_) => crate::msg!("error-lark").into(),
            AppError::Store(_) => crate::msg!("error-store").into(),
            AppError::Secrets(_) => crate::msg!("error-secrets").into(),
            AppError::Unavailable(_) => crate::msg!("error-unavailable").into(),
            AppError::Internal(_) => crate::msg!("error-internal").into(),
        }
    }

    /// Seconds after which the request may be made again, for a `Retry-After` header.
    pub fn retry_after(&self) -> Option<i64> {
        match self {
            AppError::Throttled { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }

    /// Logs server-side failures with their cause chain; client errors are routine.
    pub fn log(&self) {
        if self.status().is_server_error() {
            let mut chain = format!("{self:?}");
            let mut source = std::error::Error::source(self);
            while let Some(cause) = source {
                chain.push_str(&format!(" <- {cause}"));
                source = cause.source();
            }
            tracing::error!(error = %chain, "request failed");
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_map_to_4xx_and_keep_their_message() {
        let e = AppError::BadRequest("Title is required.".into());
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
        assert_eq!(e.to_string(), "Title is required.");
        assert_eq!(
            AppError::NotFound("x".into()).status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            AppError::TooLarge(10).status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
    }

    #[test]
    fn internal_errors_hide_their_detail() {
        let e = AppError::Internal("stack trace with secrets".into());
        assert_eq!(e.to_string(), "Something went wrong on our side.");
    }
}
