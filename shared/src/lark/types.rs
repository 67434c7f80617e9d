//! Response types, one per call, with only the fields tamlink reads.

use serde::Deserialize;

use crate::config::SecretString;

use crate::domain::lark_app::{AppInfo, AppVersion, ScopeGrant, TenantInfo};

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
    pub open_id: crate::ids::OpenId,
    #[serde(default)]
    pub union_id: String,
    pub tenant_key: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct TenantEnvelope {
    pub tenant: TenantInfo,
}

#[derive(Debug, Deserialize)]
pub(super) struct AppEnvelope {
    pub app: AppInfo,
}

#[derive(Debug, Deserialize)]
pub(super) struct AppVersionEnvelope {
    pub app_version: AppVersion,
}

#[derive(Debug, Deserialize)]
pub(super) struct ScopesEnvelope {
    #[serde(default)]
    pub scopes: Vec<ScopeGrant>,
}

/// The part of a created message the notifier keeps.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SentMessage {
    pub message_id: String,
}
