//! The Lark Open API client: one method per call, `{code, msg, data}` checked in one place
//! (`code != 0` is a failure even on HTTP 200), tenant tokens cached per app and refreshed by
//! Lark's 30-minute rule. Every call goes to the app's brand (Lark or Feishu): its credentials
//! carry the brand, and a token is only ever sent to the brand it came from. Tests point both
//! brands at the sandbox's two listeners (`Endpoints`).

pub mod callback;
mod errors;
mod types;

use crate::domain::lark_app::{AppInfo, AppVersion, ScopeGrant, TenantInfo};
pub use errors::{with_fresh_token_on_expiry, LarkError, SendFailure, TokenFailure};
use types::{AppEnvelope, AppVersionEnvelope, ScopesEnvelope, TenantEnvelope, TenantTokenResponse};
pub use types::{SentMessage, UserInfo, UserToken};

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::clock::{Clock, Epoch};
use crate::config::SecretString;
pub use crate::domain::brand::{Brand, Endpoints, Hosts};
use crate::ids::AppId;

/// Lark re-issues the same tenant token while ≥ 30 minutes remain; refreshing below that gets a
/// fresh one, so cached tokens are used until then.
const REFRESH_BELOW: i64 = 30 * 60;

impl From<LarkError> for crate::error::AppError {
    fn from(e: LarkError) -> Self {
        crate::error::AppError::Lark(Box::new(e))
    }
}

impl LarkError {
    /// The Lark error inside an `AppError`, if that is what it is.
    pub fn of(e: &crate::error::AppError) -> Option<&LarkError> {
        match e {
            crate::error::AppError::Lark(cause) => cause.downcast_ref::<LarkError>(),
            _ => None,
        }
    }
}

/// An app's credentials for one call. The secret is only ever sent to Lark.
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    pub app_id: &'a AppId,
    pub app_secret: &'a str,
    pub brand: Brand,
}

impl std::fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("app_id", &self.app_id)
            .field("app_secret", &"[redacted]")
            .field("brand", &self.brand)
            .finish()
    }
}

#[derive(Clone, Debug)]
struct CachedToken {
    token: SecretString,
    expires_at: Epoch,
}

/// A tenant token and the brand that issued it: it goes nowhere else.
#[derive(Clone, Debug)]
pub struct AppToken {
    pub token: SecretString,
    pub brand: Brand,
}

#[derive(Clone)]
pub struct LarkClient {
    http: reqwest::Client,
    endpoints: Endpoints,
    clock: Arc<dyn Clock>,
    tokens: Arc<Mutex<HashMap<AppId, CachedToken>>>,
}

impl LarkClient {
    pub fn new(endpoints: Endpoints, clock: Arc<dyn Clock>) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(3))
            .build()
            .expect("static reqwest configuration");
        Self {
            http,
            endpoints,
            clock,
            tokens: Arc::default(),
        }
    }

    /// The browser URL of Lark's authorize page (§2.1).
    pub fn authorize_url(
        &self,
        brand: Brand,
        app_id: &str,
        redirect_uri: &str,
        state: &str,
    ) -> String {
        let accounts = &self.endpoints.of(brand).accounts;
        let mut url = url::Url::parse(&format!("{accounts}/open-apis/authen/v1/authorize"))
            .expect("accounts base is a URL");
        url.query_pairs_mut()
            .append_pair("client_id", app_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("response_type", "code")
            .append_pair("state", state);
        url.into()
    }

    // ----- tokens (§1) --------------------------------------------------------------------------

    /// A tenant_access_token for the app, from the cache while it has ≥ 30 minutes left.
    pub async fn tenant_token(&self, creds: Credentials<'_>) -> Result<SecretString, LarkError> {
        let now = self.clock.now();
        if let Some(cached) = self.tokens.lock().expect("token cache").get(creds.app_id) {
            if cached.expires_at - now >= REFRESH_BELOW {
                return Ok(cached.token.clone());
            }
        }
        self.fetch_tenant_token(creds).await
    }

    /// Proves the App ID and App Secret with a token call of their own, never from the cache: a
    /// cached token only says the secret was right when it was fetched. The token then serves
    /// the calls that follow. A refused secret also drops the app's cached token.
    pub async fn prove_credentials(
        &self,
        creds: Credentials<'_>,
    ) -> Result<SecretString, LarkError> {
        let fetched = self.fetch_tenant_token(creds).await;
        if fetched.as_ref().is_err_and(LarkError::is_bad_credentials) {
            self.forget_token(creds.app_id);
        }
        fetched
    }

    async fn fetch_tenant_token(&self, creds: Credentials<'_>) -> Result<SecretString, LarkError> {
        let body = json!({"app_id": creds.app_id, "app_secret": creds.app_secret});
        let resp: TenantTokenResponse = self
            .send(
                self.http
                    .post(self.url(
                        creds.brand,
                        "/open-apis/auth/v3/tenant_access_token/internal",
                    ))
                    .json(&body),
            )
            .await?;
        let cached = CachedToken {
            token: resp.tenant_access_token,
            expires_at: self.clock.now() + resp.expire,
        };
        self.tokens
            .lock()
            .expect("token cache")
            .insert(creds.app_id.clone(), cached.clone());
        Ok(cached.token)
    }

    pub fn forget_token(&self, app_id: &AppId) {
        self.tokens.lock().expect("token cache").remove(app_id);
    }

    /// The in-process token of an app while it has ≥ 30 minutes left.
    pub fn cached_token(&self, app_id: &AppId) -> Option<(SecretString, Epoch)> {
        let now = self.clock.now();
        self.tokens
            .lock()
            .expect("token cache")
            .get(app_id)
            .filter(|c| c.expires_at - now >= REFRESH_BELOW)
            .map(|c| (c.token.clone(), c.expires_at))
    }

    /// Adopts a token another invocation fetched (kept in DynamoDB), if it is fresh enough.
    pub fn adopt_token(&self, app_id: &AppId, token: &SecretString, expires_at: Epoch) -> bool {
        if expires_at - self.clock.now() < REFRESH_BELOW {
            return false;
        }
        self.tokens.lock().expect("token cache").insert(
            app_id.clone(),
            CachedToken {
                token: token.to_owned(),
                expires_at,
            },
        );
        true
    }

    /// Fetches a new tenant token (ignoring the cache) and caches it; returns it with its expiry.
    pub async fn refresh_tenant_token(
        &self,
        creds: Credentials<'_>,
    ) -> Result<(SecretString, Epoch), LarkError> {
        self.forget_token(creds.app_id);
        let token = self.fetch_tenant_token(creds).await?;
        let expires_at = self
            .tokens
            .lock()
            .expect("token cache")
            .get(creds.app_id)
            .map_or(0, |c| c.expires_at);
        Ok((token, expires_at))
    }

    // ----- custom bot webhook (§14) -------------------------------------------------------------

    /// Posts a card to a group's custom bot. Signed as §14 says: `sign` = base64 of
    /// HMAC-SHA256 keyed with `"{timestamp}\n{secret}"` over an empty message. Not metered.
    pub async fn post_webhook(
        &self,
        url: &str,
        secret: &str,
        card: &Value,
    ) -> Result<(), LarkError> {
        use base64::Engine;
        use hmac::{Hmac, Mac};
        let timestamp = self.clock.now().to_string();
        let mut body = json!({"msg_type": "interactive", "card": card});
        if !secret.is_empty() {
            let key = format!("{timestamp}\n{secret}");
            let mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes())
                .expect("HMAC takes any key length");
            let sign =
                base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
            body["timestamp"] = json!(timestamp);
            body["sign"] = json!(sign);
        }
        let resp = self
            .http
            .post(url)
            .json(&body)
            .send()
            .await
            .map_err(|e| LarkError::Transport(without_url(e)))?;
        let status = resp.status().as_u16();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| LarkError::Transport(without_url(e)))?;
        // Older deployments answer {"StatusCode": 0, "StatusMessage": "success"} instead.
        let legacy: Option<Value> = serde_json::from_slice(&bytes).ok();
        match legacy
            .as_ref()
            .and_then(|v| v.get("StatusCode"))
            .and_then(Value::as_i64)
        {
            Some(0) => Ok(()),
            Some(code) => Err(LarkError::Api {
                code,
                msg: legacy
                    .as_ref()
                    .and_then(|v| v["StatusMessage"].as_str())
                    .unwrap_or_default()
                    .to_owned(),
                status,
                retry_after: None,
            }),
            None => check_envelope(status, None, &bytes).map(|_| ()),
        }
    }

    // ----- CardKit (§6.3) ------------------------------------------------------------------------

    /// Creates a card entity (JSON 2.0) to send once and update in place later.
    pub async fn create_card(&self, token: &AppToken, card: &Value) -> Result<String, LarkError> {
        #[derive(serde::Deserialize)]
        struct Created {
            card_id: String,
        }
        let body = json!({"type": "card_json", "data": card.to_string()});
        let created: Created = self
            .send_data(
                self.http
                    .post(self.url(token.brand, "/open-apis/cardkit/v1/cards"))
                    .bearer_auth(token.token.expose())
                    .json(&body),
            )
            .await?;
        Ok(created.card_id)
    }

    /// Replaces a card entity's content; `sequence` must grow with every operation on it.
    pub async fn update_card(
        &self,
        token: &AppToken,
        card_id: &str,
        card: &Value,
        sequence: i64,
        uuid: &str,
    ) -> Result<(), LarkError> {
        let body = json!({
            "card": {"type": "card_json", "data": card.to_string()},
            "sequence": sequence,
            "uuid": uuid,
        });
        let _: Value = self
            .send_data(
                self.http
                    .put(self.url(
                        token.brand,
                        &format!("/open-apis/cardkit/v1/cards/{card_id}"),
                    ))
                    .bearer_auth(token.token.expose())
                    .json(&body),
            )
            .await?;
        Ok(())
    }

    // ----- messages (§5) ------------------------------------------------------------------------

    /// Sends an interactive card to a person by open_id. `uuid` (≤ 50 chars) makes a repeated
    /// send within an hour a no-op at Lark, so a retry after a crash never doubles the DM.
    pub async fn send_card(
        &self,
        token: &AppToken,
        open_id: &str,
        card: &Value,
        uuid: &str,
    ) -> Result<SentMessage, LarkError> {
        self.send_interactive(token, open_id, card.to_string(), uuid)
            .await
    }

    /// Sends a CardKit card entity (it can be sent once; later it is updated in place).
    pub async fn send_card_entity(
        &self,
        token: &AppToken,
        open_id: &str,
        card_id: &str,
        uuid: &str,
    ) -> Result<SentMessage, LarkError> {
        let content = json!({"type": "card", "data": {"card_id": card_id}}).to_string();
        self.send_interactive(token, open_id, content, uuid).await
    }

    async fn send_interactive(
        &self,
        token: &AppToken,
        open_id: &str,
        content: String,
        uuid: &str,
    ) -> Result<SentMessage, LarkError> {
        let body = json!({
            "receive_id": open_id,
            "msg_type": "interactive",
            "content": content,
            "uuid": uuid,
        });
        self.send_data(
            self.http
                .post(self.url(
                    token.brand,
                    "/open-apis/im/v1/messages?receive_id_type=open_id",
                ))
                .bearer_auth(token.token.expose())
                .json(&body),
        )
        .await
    }

    /// Runs a call with the app's tenant token; if Lark says the token is invalid or expired,
    /// fetches a fresh one and retries exactly once.
    async fn with_tenant_token<T: DeserializeOwned>(
        &self,
        creds: Credentials<'_>,
        build: impl Fn(&str) -> reqwest::RequestBuilder,
    ) -> Result<T, LarkError> {
        let token = self.tenant_token(creds).await?;
        with_fresh_token_on_expiry(
            token,
            |t| self.send_data(build(&self.url(creds.brand, "")).bearer_auth(t.expose())),
            |_stale| async move {
                self.forget_token(creds.app_id);
                self.fetch_tenant_token(creds).await
            },
        )
        .await
    }

    // ----- sign-in (§2) -------------------------------------------------------------------------

    /// Exchanges an authorization code for a user_access_token (OAuth v2, §2.2).
    pub async fn exchange_code(
        &self,
        creds: Credentials<'_>,
        code: &str,
        redirect_uri: &str,
    ) -> Result<UserToken, LarkError> {
        let body = json!({
            "grant_type": "authorization_code",
            "client_id": creds.app_id,
            "client_secret": creds.app_secret,
            "code": code,
            "redirect_uri": redirect_uri,
        });
        self.send(
            self.http
                .post(self.url(creds.brand, "/open-apis/authen/v2/oauth/token"))
                .json(&body),
        )
        .await
    }

    pub async fn user_info(
        &self,
        brand: Brand,
        user_token: &SecretString,
    ) -> Result<UserInfo, LarkError> {
        self.send_data(
            self.http
                .get(self.url(brand, "/open-apis/authen/v1/user_info"))
                .bearer_auth(user_token.expose()),
        )
        .await
    }

    // ----- tenant and app introspection (§3, §4) ------------------------------------------------

    pub async fn tenant(&self, creds: Credentials<'_>) -> Result<TenantInfo, LarkError> {
        let resp: TenantEnvelope = self
            .with_tenant_token(creds, |base| {
                self.http
                    .get(format!("{base}/open-apis/tenant/v2/tenant/query"))
            })
            .await?;
        Ok(resp.tenant)
    }

    pub async fn application(&self, creds: Credentials<'_>) -> Result<AppInfo, LarkError> {
        let resp: AppEnvelope = self
            .with_tenant_token(creds, |base| {
                self.http
                    .get(format!("{base}/open-apis/application/v6/applications/me"))
                    .query(&[("lang", "en_us")])
            })
            .await?;
        Ok(resp.app)
    }

    pub async fn app_version(
        &self,
        creds: Credentials<'_>,
        version_id: &str,
    ) -> Result<AppVersion, LarkError> {
        let path = format!(
            "/open-apis/application/v6/applications/{}/app_versions/{version_id}",
            creds.app_id
        );
        let resp: AppVersionEnvelope = self
            .with_tenant_token(creds, |base| {
                self.http
                    .get(format!("{base}{path}"))
                    .query(&[("lang", "en_us")])
            })
            .await?;
        Ok(resp.app_version)
    }

    pub async fn scope_grants(&self, creds: Credentials<'_>) -> Result<Vec<ScopeGrant>, LarkError> {
        let resp: ScopesEnvelope = self
            .with_tenant_token(creds, |base| {
                self.http
                    .get(format!("{base}/open-apis/application/v6/scopes"))
            })
            .await?;
        Ok(resp.scopes)
    }

    // ----- transport ----------------------------------------------------------------------------

    fn url(&self, brand: Brand, path: &str) -> String {
        format!("{}{path}", self.endpoints.of(brand).open)
    }

    /// Sends and decodes a flat response (token endpoints have no `data` wrapper).
    async fn send<T: DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<T, LarkError> {
        let value = self.send_checked(req).await?;
        serde_json::from_value(value).map_err(|e| LarkError::Decode(e.to_string()))
    }

    /// Sends and decodes the `data` of a `{code, msg, data}` envelope.
    async fn send_data<T: DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<T, LarkError> {
        let mut value = self.send_checked(req).await?;
        let data = value
            .get_mut("data")
            .map(Value::take)
            .unwrap_or(Value::Object(Default::default()));
        serde_json::from_value(data).map_err(|e| LarkError::Decode(e.to_string()))
    }

    async fn send_checked(&self, req: reqwest::RequestBuilder) -> Result<Value, LarkError> {
        let resp = req
            .send()
            .await
            .map_err(|e| LarkError::Transport(without_url(e)))?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("x-ogw-ratelimit-reset")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| LarkError::Transport(without_url(e)))?;
        check_envelope(status, retry_after, &bytes)
    }
}

/// reqwest errors name the URL, which for the OAuth and token calls is harmless but for other
/// hosts may carry query strings; keep only the kind of failure.
fn without_url(e: reqwest::Error) -> String {
    e.without_url().to_string()
}

/// The single place where a Lark answer is judged: JSON with `code == 0` succeeds, anything else
/// is an error carrying Lark's code, message, HTTP status and rate-limit reset.
pub fn check_envelope(
    status: u16,
    retry_after: Option<u64>,
    body: &[u8],
) -> Result<Value, LarkError> {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) if !(200..300).contains(&status) => return Err(LarkError::Http(status)),
        Err(e) => return Err(LarkError::Decode(e.to_string())),
    };
    match value.get("code").and_then(Value::as_i64) {
        Some(0) => Ok(value),
        Some(code) => {
            let msg = value
                .get("msg")
                .or_else(|| value.get("error_description"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            Err(LarkError::Api {
                code,
                msg,
                status,
                retry_after,
            })
        }
        None if (200..300).contains(&status) => {
            Err(LarkError::Decode("no code in response".into()))
        }
        None => Err(LarkError::Http(status)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The repository's Lark reference has every section the code cites (`docs/lark.md §7.6`).
    #[test]
    fn every_section_of_the_lark_reference_the_code_cites_is_there() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let reference = std::fs::read_to_string(root.join("docs/lark.md")).unwrap();
        let headings: Vec<String> = reference
            .lines()
            .filter(|l| l.starts_with('#'))
            .filter_map(|l| l.trim_start_matches('#').split_whitespace().next())
            .map(|n| n.trim_end_matches('.').to_owned())
            .collect();
        let mut cited = 0;
        let mut todo = vec![root.join("shared"), root.join("infra"), root.join("tests")];
        while let Some(dir) = todo.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                if path.is_dir() {
                    if !["node_modules", "target", ".venv", "__pycache__"].contains(&name.as_str())
                    {
                        todo.push(path);
                    }
                    continue;
                }
                if !(name.ends_with(".rs") || name.ends_with(".py")) {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for (i, _) in text.match_indices("docs/lark.md §") {
                    let section: String = text[i + "docs/lark.md §".len()..]
                        .chars()
                        .take_while(|c| c.is_ascii_digit() || *c == '.')
                        .collect();
                    let section = section.trim_end_matches('.');
                    if section.is_empty() {
                        continue; // this test's own words
                    }
                    assert!(
                        headings.iter().any(|h| h == section),
                        "{}: docs/lark.md has no §{section}",
                        path.display()
                    );
                    cited += 1;
                }
            }
        }
        assert!(cited > 10, "{cited} citations found");
    }

    #[test]
    fn tokens_and_credentials_never_print_their_values() {
        let creds = Credentials {
            app_id: &AppId::from("cli_a"),
            app_secret: "app-secret-value",
            brand: Brand::Feishu,
        };
        assert!(!format!("{creds:?}").contains("app-secret-value"));
        let cached = CachedToken {
            token: SecretString::new("t-tenant-token"),
            expires_at: 1,
        };
        assert!(!format!("{cached:?}").contains("t-tenant-token"));
        let user: UserToken =
            serde_json::from_str(r#"{"access_token":"u-user-token","expires_in":7200}"#).unwrap();
        assert!(!format!("{user:?}").contains("u-user-token"));
        let tenant: types::TenantTokenResponse =
            serde_json::from_str(r#"{"tenant_access_token":"t-from-lark","expire":7200}"#).unwrap();
        assert!(!format!("{tenant:?}").contains("t-from-lark"));
        assert_eq!(tenant.tenant_access_token.expose(), "t-from-lark");
    }

    #[test]
    fn code_zero_is_success() {
        let v = check_envelope(200, None, br#"{"code":0,"msg":"ok","data":{"x":1}}"#).unwrap();
        assert_eq!(v["data"]["x"], 1);
    }

    #[test]
    fn non_zero_code_fails_even_on_http_200() {
        let e =
            check_envelope(200, None, br#"{"code":20005,"msg":"invalid user token"}"#).unwrap_err();
        assert_eq!(e.code(), Some(20005));
    }

    #[test]
    fn rate_limit_keeps_reset_seconds() {
        let e = check_envelope(429, Some(3), br#"{"code":99991400,"msg":"limit"}"#).unwrap_err();
        assert!(matches!(
            e,
            LarkError::Api {
                status: 429,
                retry_after: Some(3),
                ..
            }
        ));
    }

    #[test]
    fn oauth_v2_errors_use_error_description() {
        let e = check_envelope(
            400,
            None,
            br#"{"code":20003,"error":"invalid_grant","error_description":"used"}"#,
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "Lark API error 20003: used");
    }

    #[test]
    fn html_error_pages_are_http_errors() {
        assert!(matches!(
            check_envelope(502, None, b"<html>bad gateway</html>"),
            Err(LarkError::Http(502))
        ));
    }

    #[test]
    fn wrong_secret_codes_are_bad_credentials() {
        for code in [10014, 10015, 99991543] {
            let e = LarkError::Api {
                code,
                msg: String::new(),
                status: 400,
                retry_after: None,
            };
            assert!(e.is_bad_credentials());
        }
    }
}
