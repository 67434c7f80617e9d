//! The exact values of the customer's integration guide, for one App ID.

use serde::Serialize;

pub const REQUIRED_SCOPES: [&str; 4] = [
    "application:application:self_manage",
    "cardkit:card:write",
    "im:message:send_as_bot",
    "tenant:tenant:readonly",
];

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SetupValues {
    pub app_id: String,
    /// Lark or Feishu: whose developer console the steps are taken in.
    pub brand: super::brand::Brand,
    /// The app's page in that console.
    pub console_url: String,
    pub homepage_url: String,
    pub redirect_urls: Vec<String>,
    pub trusted_domain: String,
    pub scopes_json: String,
    /// Optional: Events & Callbacks → Callback Configuration's request URL, so people can act
    /// from the app's cards (`POST /lark/{appId}/callback`).
    pub callback_url: String,
}

pub fn homepage_url(base: &str, app_id: &str) -> String {
    format!("{base}/lark/{app_id}/workbench")
}

/// Where Lark sends the app's card callbacks.
pub fn card_callback_url(base: &str, app_id: &str) -> String {
    format!("{base}/lark/{app_id}/callback")
}

pub fn callback_url(base: &str, app_id: &str) -> String {
    format!("{base}/thirdparty/lark/{app_id}/oauth2/callback")
}

pub fn redirect_urls(base: &str, app_id: &str) -> Vec<String> {
    vec![
        format!("{base}/lark/{app_id}"),
        homepage_url(base, app_id),
        format!("{base}/thirdparty/lark/{app_id}/login"),
        callback_url(base, app_id),
        format!("{base}/lark/{app_id}/person/inviteToGroup"),
    ]
}

/// The scheme and host of the deployment: what goes into "H5 trusted domains".
pub fn trusted_domain(base: &str) -> String {
    match url::Url::parse(base) {
        Ok(u) => u.origin().ascii_serialization(),
        Err(_) => base.to_owned(),
    }
}

pub fn scopes_json() -> String {
    let doc = serde_json::json!({"scopes": {"tenant": REQUIRED_SCOPES, "user": []}});
    serde_json::to_string_pretty(&doc).expect("static JSON")
}

pub fn setup_values(base: &str, app_id: &str, brand: super::brand::Brand) -> SetupValues {
    SetupValues {
        app_id: app_id.to_owned(),
        brand,
        console_url: brand.console_url(app_id),
        homepage_url: homepage_url(base, app_id),
        redirect_urls: redirect_urls(base, app_id),
        trusted_domain: trusted_domain(base),
        scopes_json: scopes_json(),
        callback_url: card_callback_url(base, app_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_match_the_guide_for_an_app_id() {
        let v = setup_values(
            "https://ailink.gts.work",
            "cli_abc",
            super::super::brand::Brand::Feishu,
        );
        assert_eq!(v.console_url, "https://open.feishu.cn/app/cli_abc");
        assert_eq!(
            v.homepage_url,
            "https://ailink.gts.work/lark/cli_abc/workbench"
        );
        assert_eq!(
            v.redirect_urls,
            [
                "https://ailink.gts.work/lark/cli_abc",
                "https://ailink.gts.work/lark/cli_abc/workbench",
                "https://ailink.gts.work/thirdparty/lark/cli_abc/login",
                "https://ailink.gts.work/thirdparty/lark/cli_abc/oauth2/callback",
                "https://ailink.gts.work/lark/cli_abc/person/inviteToGroup",
            ]
        );
        assert_eq!(v.trusted_domain, "https://ailink.gts.work");
    }

    #[test]
    fn scopes_json_is_the_batch_import_document() {
        let doc: serde_json::Value = serde_json::from_str(&scopes_json()).unwrap();
        assert_eq!(doc["scopes"]["tenant"].as_array().unwrap().len(), 4);
        assert_eq!(doc["scopes"]["user"], serde_json::json!([]));
    }
}
