//! Settings, read once per cold start from the environment (Lambda) or set by the local stack.

use std::fmt;

#[derive(Clone)]
pub struct Settings {
    /// Public base URL of the deployment, e.g. `https://support.example.com` (no trailing slash).
    pub base_url: String,
    /// Lark Open API base, e.g. `https://open.larksuite.com`.
    pub lark_base_url: String,
    /// Lark accounts base for the OAuth authorize page, e.g. `https://accounts.larksuite.com`.
    pub lark_accounts_url: String,
    pub table_name: String,
    pub queue_url: String,
    pub kms_key_id: String,
    /// Overrides AWS endpoints (the local moto server); `None` on AWS.
    pub aws_endpoint_url: Option<String>,
    pub aws_region: String,
    /// HMAC key for sessions and OAuth state. Never printed.
    pub signing_key: SecretString,
    /// The provider's own Lark app: its users are staff.
    pub provider_app_id: String,
    /// First retry delay of a failed Lark send, doubling per attempt (`NOTIFIER_RETRY_BASE_SECONDS`).
    pub retry_base_seconds: u64,
    /// The provider's on-call channel: a Lark custom-bot webhook and its signing secret
    /// (`ONCALL_WEBHOOK_URL`, `ONCALL_WEBHOOK_SECRET`); emergencies are posted there.
    pub oncall_webhook: Option<(String, SecretString)>,
}

/// A string that never prints itself.
#[derive(Clone)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("base_url", &self.base_url)
            .field("lark_base_url", &self.lark_base_url)
            .field("lark_accounts_url", &self.lark_accounts_url)
            .field("table_name", &self.table_name)
            .field("queue_url", &self.queue_url)
            .field("kms_key_id", &self.kms_key_id)
            .field("aws_endpoint_url", &self.aws_endpoint_url)
            .field("provider_app_id", &self.provider_app_id)
            .field("signing_key", &self.signing_key)
            .field(
                "oncall_webhook",
                &self.oncall_webhook.as_ref().map(|_| "[configured]"),
            )
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("missing or invalid setting {name}: {why}")]
pub struct ConfigError {
    pub name: &'static str,
    pub why: &'static str,
}

impl Settings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let required = |name: &'static str| {
            get(name)
                .filter(|v| !v.trim().is_empty())
                .ok_or(ConfigError {
                    name,
                    why: "not set",
                })
        };
        let url = |name: &'static str, default: &str| -> Result<String, ConfigError> {
            let v = get(name).unwrap_or_else(|| default.to_owned());
            url::Url::parse(&v).map_err(|_| ConfigError {
                name,
                why: "not a URL",
            })?;
            Ok(v.trim_end_matches('/').to_owned())
        };
        let signing_key = required("TAMLINK_SIGNING_KEY")?;
        if signing_key.len() < 32 {
            return Err(ConfigError {
                name: "TAMLINK_SIGNING_KEY",
                why: "must be at least 32 characters",
            });
        }
        Ok(Self {
            base_url: url("TAMLINK_BASE_URL", "")?,
            lark_base_url: url("LARK_BASE_URL", "https://open.larksuite.com")?,
            lark_accounts_url: url("LARK_ACCOUNTS_URL", "https://accounts.larksuite.com")?,
            table_name: required("TABLE_NAME")?,
            queue_url: required("QUEUE_URL")?,
            kms_key_id: required("KMS_KEY_ID")?,
            aws_endpoint_url: get("AWS_ENDPOINT_URL").filter(|v| !v.is_empty()),
            aws_region: get("AWS_REGION").unwrap_or_else(|| "us-east-1".into()),
            signing_key: SecretString::new(signing_key),
            provider_app_id: required("PROVIDER_APP_ID")?,
            retry_base_seconds: match get("NOTIFIER_RETRY_BASE_SECONDS") {
                Some(v) => v.parse().map_err(|_| ConfigError {
                    name: "NOTIFIER_RETRY_BASE_SECONDS",
                    why: "not a whole number",
                })?,
                None => 10,
            },
            oncall_webhook: match get("ONCALL_WEBHOOK_URL").filter(|v| !v.trim().is_empty()) {
                Some(url) => {
                    url::Url::parse(&url).map_err(|_| ConfigError {
                        name: "ONCALL_WEBHOOK_URL",
                        why: "not a URL",
                    })?;
                    let secret = get("ONCALL_WEBHOOK_SECRET").unwrap_or_default();
                    Some((url, SecretString::new(secret)))
                }
                None => None,
            },
        })
    }

    /// Whether cookies may carry `Secure` (not on the plain-HTTP local stack).
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env() -> HashMap<&'static str, String> {
        HashMap::from([
            (
                "TAMLINK_BASE_URL",
                "https://support.example.com/".to_string(),
            ),
            ("TABLE_NAME", "t".into()),
            ("QUEUE_URL", "q".into()),
            ("KMS_KEY_ID", "k".into()),
            ("TAMLINK_SIGNING_KEY", "s".repeat(40)),
            ("PROVIDER_APP_ID", "cli_provider".into()),
        ])
    }

    #[test]
    fn reads_settings_and_trims_trailing_slash() {
        let e = env();
        let s = Settings::from_lookup(|k| e.get(k).cloned()).unwrap();
        assert_eq!(s.base_url, "https://support.example.com");
        assert_eq!(s.lark_base_url, "https://open.larksuite.com");
        assert!(s.secure_cookies());
    }

    #[test]
    fn debug_output_never_contains_the_signing_key() {
        let e = env();
        let s = Settings::from_lookup(|k| e.get(k).cloned()).unwrap();
        assert!(!format!("{s:?}").contains(&"s".repeat(40)));
    }

    #[test]
    fn short_signing_key_is_refused() {
        let mut e = env();
        e.insert("TAMLINK_SIGNING_KEY", "short".into());
        let err = Settings::from_lookup(|k| e.get(k).cloned()).unwrap_err();
        assert_eq!(err.name, "TAMLINK_SIGNING_KEY");
    }
}
