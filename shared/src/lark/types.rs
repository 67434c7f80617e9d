//! Response types, one per call, with only the fields tamlink reads.

use serde::Deserialize;

use crate::config::SecretString;

#[derive(Debug, Deserialize)]
pub(super) struct TenantTokenResponse {
    pub tenant_access_token: SecretString,
    pub expire: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct UserToken {
    pub access_token: SecretString,
    #[serde(default)]
    pub expires_in: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct UserInfo {
    pub name: String,
    #[serde(default)]
    pub avatar_url: String,
    pub open_id: String,
    #[serde(default)]
    pub union_id: String,
    pub tenant_key: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct TenantEnvelope {
    pub tenant: TenantInfo,
}

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

#[derive(Debug, Deserialize)]
pub(super) struct AppEnvelope {
    pub app: AppInfo,
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
}

#[derive(Debug, Clone, Deserialize)]
pub struct AppScope {
    pub scope: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct AppVersionEnvelope {
    pub app_version: AppVersion,
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

#[derive(Debug, Deserialize)]
pub(super) struct ScopesEnvelope {
    #[serde(default)]
    pub scopes: Vec<ScopeGrant>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ScopeGrant {
    pub scope_name: String,
    pub grant_status: i64,
}

/// The part of a created message the notifier keeps.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SentMessage {
    pub message_id: String,
}
