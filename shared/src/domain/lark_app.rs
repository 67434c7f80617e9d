//! What Lark reports about a customer's app and its tenant: the facts the registration
//! checklist judges. Plain data (the Lark client reads them from Lark's answers).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct TenantInfo {
    pub name: String,
    #[serde(default)]
    pub display_id: String,
    #[serde(default)]
    pub tenant_tag: i64,
    pub tenant_key: String,
    #[serde(default)]
    pub avatar: TenantAvatar,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TenantAvatar {
    #[serde(default)]
    pub avatar_240: String,
    #[serde(default)]
    pub avatar_origin: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AppInfo {
    pub app_id: String,
    #[serde(default)]
    pub app_name: String,
    #[serde(default)]
    pub status: i64,
    #[serde(default)]
    pub redirect_urls: Vec<String>,
    #[serde(default)]
    pub online_version_id: String,
    #[serde(default)]
    pub scopes: Vec<AppScope>,
    /// Events & Callbacks' callback configuration, where Lark reports it (docs/lark.md §4.1 says
    /// newer SDK types declare it; whether Lark returns it for every custom app is unconfirmed).
    #[serde(default, alias = "callback_info")]
    pub callback: Option<CallbackInfo>,
    /// The app's main language (`zh_cn`, `en_us`, `ja_jp`): the organisation's first default.
    #[serde(default)]
    pub primary_language: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CallbackInfo {
    #[serde(default)]
    pub request_url: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AppScope {
    pub scope: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AppVersion {
    #[serde(default)]
    pub ability: Ability,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Ability {
    pub web_app: Option<WebApp>,
    pub bot: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct WebApp {
    #[serde(default)]
    pub pc_url: String,
    #[serde(default)]
    pub mobile_url: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ScopeGrant {
    pub scope_name: String,
    pub grant_status: i64,
}
