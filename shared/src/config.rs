//! Settings, read once per cold start from the environment (Lambda) or set by the local stack.

use crate::ids::AppId;
use std::fmt;

#[derive(Clone)]
pub struct Settings {
    /// Public base URL of the deployment, e.g. `https://support.example.com` (no trailing slash).
    pub base_url: String,
    /// Both brands' hosts. On AWS always Lark's and Feishu's own (each organisation's brand picks
    /// one); a local stack points them at the sandbox with `LARK_SANDBOX_URLS`.
    pub lark_endpoints: crate::domain::brand::Endpoints,
    pub table_name: String,
    pub queue_url: String,
    /// Emergency pages' own queue (`PAGE_QUEUE_URL`), read by `PagerFunction`: nothing waiting on
    /// the notification queue delays a page.
    pub page_queue_url: String,
    pub kms_key_id: String,
    /// Overrides AWS endpoints (the local moto server); `None` on AWS.
    pub aws_endpoint_url: Option<String>,
    pub aws_region: String,
    /// The Secrets Manager secret holding the HMAC keys for sessions, OAuth state and invitation
    /// links (`SIGNING_KEY_SECRET_ARN`): set only on the functions that sign or verify (`keys`).
    pub signing_key_secret: Option<String>,
    /// The provider's own Lark app: its users are staff.
    pub provider_app_id: AppId,
    /// First retry delay of a failed Lark send, doubling per attempt (`NOTIFIER_RETRY_BASE_SECONDS`).
    pub retry_base_seconds: u64,
    /// The Secrets Manager secret holding the provider's on-call custom-bot webhook and its
    /// signing secret (`ONCALL_SECRET_ARN`): set only on the notifier, which posts emergencies.
    pub oncall_secret: Option<String>,
    /// Where pages open their chat socket (`SOCKET_URL`, the WebSocket API's `wss://` URL);
    /// without it pages poll.
    pub socket_url: Option<String>,
    /// The WebSocket API's Management API (`SOCKET_ENDPOINT`, `https://{api}.execute-api…/{stage}`):
    /// set only on the functions that push to or close connections.
    pub socket_endpoint: Option<String>,
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

/// Read from JSON (a request body, Lark's answer, a stored item) straight into the type that
/// cannot print it.
impl<'de> serde::Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self)
    }
}

impl SecretString {
    /// For the one place a secret is written on purpose (a stored token's item):
    /// `#[serde(serialize_with = "crate::config::SecretString::serialize_exposed")]`. The type
    /// has no `Serialize` of its own, so it cannot end up in a response or a log by accident.
    pub fn serialize_exposed<S: serde::Serializer>(
        s: &SecretString,
        ser: S,
    ) -> Result<S::Ok, S::Error> {
        ser.serialize_str(&s.0)
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("base_url", &self.base_url)
            .field("lark_endpoints", &self.lark_endpoints)
            .field("table_name", &self.table_name)
            .field("queue_url", &self.queue_url)
            .field("page_queue_url", &self.page_queue_url)
            .field("kms_key_id", &self.kms_key_id)
            .field("aws_endpoint_url", &self.aws_endpoint_url)
            .field("provider_app_id", &self.provider_app_id)
            .field("signing_key_secret", &self.signing_key_secret)
            .field("oncall_secret", &self.oncall_secret)
            .finish()
    }
}

/// A setting that is missing or wrong. The message names the setting and never its value, so it
/// can be reported to Lambda's init error endpoint and logged as it is.
#[derive(Debug, thiserror::Error)]
#[error("missing or invalid setting {name}: {why}")]
pub struct ConfigError {
    pub name: &'static str,
    pub why: String,
}

impl ConfigError {
    pub fn new(name: &'static str, why: impl Into<String>) -> Self {
        Self {
            name,
            why: why.into(),
        }
    }
}

/// `lark=URL,feishu=URL`: the local sandbox's listener per brand (never set on AWS).
fn sandbox_urls(v: &str) -> Result<crate::domain::brand::Endpoints, ConfigError> {
    let bad = || ConfigError::new("LARK_SANDBOX_URLS", "expected lark=URL,feishu=URL");
    let mut lark = None;
    let mut feishu = None;
    for part in v.split(',') {
        let (brand, u) = part.split_once('=').ok_or_else(bad)?;
        url::Url::parse(u.trim()).map_err(|_| bad())?;
        match brand.trim() {
            "lark" => lark = Some(u.trim()),
            "feishu" => feishu = Some(u.trim()),
            _ => return Err(bad()),
        }
    }
    Ok(crate::domain::brand::Endpoints::local(
        lark.ok_or_else(bad)?,
        feishu.ok_or_else(bad)?,
    ))
}

impl Settings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let optional = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let required =
            |name: &'static str| optional(name).ok_or_else(|| ConfigError::new(name, "not set"));
        let url = |name: &'static str, default: &str| -> Result<String, ConfigError> {
            let v = get(name).unwrap_or_else(|| default.to_owned());
            url::Url::parse(&v).map_err(|_| ConfigError::new(name, "not a URL"))?;
            Ok(v.trim_end_matches('/').to_owned())
        };
        Ok(Self {
            base_url: url("TAMLINK_BASE_URL", "")?,
            lark_endpoints: match optional("LARK_SANDBOX_URLS") {
                None => crate::domain::brand::Endpoints::official(),
                Some(v) => sandbox_urls(&v)?,
            },
            table_name: required("TABLE_NAME")?,
            queue_url: required("QUEUE_URL")?,
            page_queue_url: required("PAGE_QUEUE_URL")?,
            kms_key_id: required("KMS_KEY_ID")?,
            aws_endpoint_url: get("AWS_ENDPOINT_URL").filter(|v| !v.is_empty()),
            aws_region: get("AWS_REGION").unwrap_or_else(|| "us-east-1".into()),
            signing_key_secret: optional("SIGNING_KEY_SECRET_ARN"),
            provider_app_id: AppId::parse(&required("PROVIDER_APP_ID")?)
                .map_err(|_| ConfigError::new("PROVIDER_APP_ID", "not a Lark App ID (cli_…)"))?,
            retry_base_seconds: match get("NOTIFIER_RETRY_BASE_SECONDS") {
                Some(v) => v.parse().map_err(|_| {
                    ConfigError::new("NOTIFIER_RETRY_BASE_SECONDS", "not a whole number")
                })?,
                None => 10,
            },
            oncall_secret: optional("ONCALL_SECRET_ARN"),
            socket_url: optional("SOCKET_URL")
                .map(|v| {
                    url::Url::parse(&v)
                        .ok()
                        .filter(|u| matches!(u.scheme(), "wss" | "ws"))
                        .map(|_| v.trim_end_matches('/').to_owned())
                        .ok_or_else(|| ConfigError::new("SOCKET_URL", "not a wss:// URL"))
                })
                .transpose()?,
            socket_endpoint: optional("SOCKET_ENDPOINT")
                .map(|v| {
                    url::Url::parse(&v)
                        .map(|_| v.trim_end_matches('/').to_owned())
                        .map_err(|_| ConfigError::new("SOCKET_ENDPOINT", "not a URL"))
                })
                .transpose()?,
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
            ("PAGE_QUEUE_URL", "p".into()),
            ("KMS_KEY_ID", "k".into()),
            (
                "SIGNING_KEY_SECRET_ARN",
                "arn:aws:secretsmanager:us-east-1:1:secret:k".into(),
            ),
            ("PROVIDER_APP_ID", "cli_provider".into()),
        ])
    }

    #[test]
    fn reads_settings_and_trims_trailing_slash() {
        let e = env();
        let s = Settings::from_lookup(|k| e.get(k).cloned()).unwrap();
        assert_eq!(s.base_url, "https://support.example.com");
        assert_eq!(
            s.lark_endpoints,
            crate::domain::brand::Endpoints::official()
        );
        assert_eq!(s.lark_endpoints.feishu.open, "https://open.feishu.cn");
        assert!(s.secure_cookies());
    }

    #[test]
    fn a_local_stack_names_one_sandbox_listener_per_brand() {
        let mut e = env();
        e.insert(
            "LARK_SANDBOX_URLS",
            "lark=http://127.0.0.1:1/,feishu=http://127.0.0.1:2".into(),
        );
        let s = Settings::from_lookup(|k| e.get(k).cloned()).unwrap();
        assert_eq!(s.lark_endpoints.lark.accounts, "http://127.0.0.1:1");
        assert_eq!(s.lark_endpoints.feishu.open, "http://127.0.0.1:2");
        e.insert("LARK_SANDBOX_URLS", "lark=http://127.0.0.1:1".into());
        let err = Settings::from_lookup(|k| e.get(k).cloned()).unwrap_err();
        assert_eq!(err.name, "LARK_SANDBOX_URLS");
    }

    #[test]
    fn a_missing_setting_is_named() {
        let mut e = env();
        e.remove("TABLE_NAME");
        let err = Settings::from_lookup(|k| e.get(k).cloned()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "missing or invalid setting TABLE_NAME: not set"
        );
    }

    #[test]
    fn no_secret_is_read_from_the_environment() {
        // A key left in the environment by an old deployment is ignored, never used.
        let mut e = env();
        e.insert("TAMLINK_SIGNING_KEY", "s".repeat(40));
        let s = Settings::from_lookup(|k| e.get(k).cloned()).unwrap();
        assert!(!format!("{s:?}").contains(&"s".repeat(40)));
        assert!(s.signing_key_secret.unwrap().starts_with("arn:"));
    }

    #[test]
    fn secret_string_debug_prints_no_value() {
        assert_eq!(format!("{:?}", SecretString::new("hunter2")), "[redacted]");
    }
}
