//! The one error type of the HTTP boundary. Clients get a status and a readable message; logs get
//! the whole cause chain. Mapping to HTTP statuses happens here and nowhere else.

use http::StatusCode;

/// An adapter's own error, kept whole for the log. The adapters convert their errors into
/// `AppError` themselves, so this module depends on none of them (nor they on each other).
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unprocessable(String),
    /// Allowed again later (a reminder inside its cooldown); the message says when.
    #[error("{0}")]
    TooSoon(String),
    /// Something that existed and has ended: an expired or revoked link.
    #[error("{0}")]
    Gone(String),
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
            AppError::TooSoon(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Lark(_) => StatusCode::BAD_GATEWAY,
            AppError::Store(_) | AppError::Secrets(_) | AppError::Unavailable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A short title for error pages.
    pub fn title(&self) -> &'static str {
        match self.status() {
            StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => {
                "That request could not be used"
            }
            StatusCode::UNAUTHORIZED => "Please sign in",
            StatusCode::FORBIDDEN => "You do not have access",
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::CONFLICT => "Already done",
            StatusCode::GONE => "This link has ended",
            StatusCode::TOO_MANY_REQUESTS => "Not yet",
            StatusCode::PAYLOAD_TOO_LARGE => "Too large",
            _ => "Temporarily unavailable",
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
