//! Demo data for the local stack, built through the same use cases as the console and the CLI:
//! the provider app with its TAM, engineers and manager, and one customer registered and active.

use serde_json::Value;
use tamlink::config::SecretString;
use tamlink::domain::roles::StaffRole;
use tamlink::ids::OpenId;
use tamlink::orgs::{self, CallbackInput, Registration};
use tamlink::store::Staff;

use crate::local::{LocalStack, PROVIDER_APP_ID};

pub const CUSTOMER_APP_ID: &str = "cli_acmerobotics01";
pub const MISCONFIGURED_APP_ID: &str = "cli_globexsupport1";

/// Sandbox-only credentials, from `infra/sandbox/seed.json`.
/// The sandbox's Feishu organisation (莲花半导体), served on the sandbox's Feishu listener.
pub const FEISHU_APP_ID: &str = "cli_lotussemicon01";

pub fn sandbox_secret(app_id: &str) -> &'static str {
    match app_id {
        PROVIDER_APP_ID => "sandbox-secret-nimbus-provider",
        CUSTOMER_APP_ID => "sandbox-secret-acme-robotics",
        MISCONFIGURED_APP_ID => "sandbox-secret-globex-support",
        "cli_initechsupport1" => "sandbox-secret-initech-support",
        FEISHU_APP_ID => "sandbox-secret-lotus-semiconductor",
        _ => "",
    }
}

/// Sandbox-only Events & Callbacks keys (`infra/sandbox/seed.json`): the provider app encrypts
/// and signs its callbacks, Acme's sends them plain with its Verification Token.
pub fn sandbox_callback(app_id: &str) -> Option<CallbackInput> {
    let (encrypt_key, token) = match app_id {
        PROVIDER_APP_ID => (Some("sandbox-encrypt-nimbus"), "sandbox-token-nimbus"),
        CUSTOMER_APP_ID => (None, "sandbox-token-acme"),
        FEISHU_APP_ID => (None, "sandbox-token-lotus"),
        _ => return None,
    };
    Some(CallbackInput {
        encrypt_key: encrypt_key.map(SecretString::new),
        verification_token: SecretString::new(token),
    })
}

/// The open_id a sandbox user has in an app, asked of the sandbox.
pub async fn open_id(stack: &LocalStack, app_id: &str, user_id: &str) -> Result<String, String> {
    let url = format!("{}/_sandbox/users?app_id={app_id}", stack.sandbox_url);
    let body: Value = reqwest::get(&url)
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    body["users"]
        .as_array()
        .and_then(|users| users.iter().find(|u| u["user_id"] == user_id))
        .and_then(|u| u["open_id"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("sandbox has no user {user_id}"))
}

pub const STAFF: [(&str, &str, StaffRole); 4] = [
    ("tara", "Tara Lin", StaffRole::Tam),
    ("eli", "Eli Novak", StaffRole::Engineer),
    ("erin", "Erin Park", StaffRole::Engineer),
    ("mo", "Mo Haddad", StaffRole::Manager),
];

/// Registers the provider app and its staff (everything the admin CLI bootstraps).
pub async fn seed_provider(stack: &LocalStack) -> Result<Vec<Staff>, String> {
    let ctx = &stack.ctx;
    let reg = Registration {
        org_name: "Nimbus Cloud".into(),
        app_id: PROVIDER_APP_ID.into(),
        app_secret: SecretString::new(sandbox_secret(PROVIDER_APP_ID)),
        tam: None,
        engineers: None,
        brand: None,
        callback: sandbox_callback(PROVIDER_APP_ID),
    };
    orgs::register_provider(ctx, &reg)
        .await
        .map_err(|e| e.to_string())?;
    let mut staff = Vec::new();
    for (user, name, role) in STAFF {
        let s = Staff {
            open_id: OpenId::parse(&open_id(stack, PROVIDER_APP_ID, user).await?)
                .map_err(|e| e.to_string())?,
            name: name.into(),
            avatar: format!("{}/_sandbox/avatar/{user}.svg", stack.sandbox_url),
            role,
            on_duty: true,
            created_at: ctx.now(),
            open_tickets: 0,
        };
        ctx.store
            .save_staff(&ctx.settings.provider_app_id, &s)
            .await
            .map_err(|e| e.to_string())?;
        staff.push(s);
    }
    Ok(staff)
}

/// Provider, staff, and Acme Robotics registered by its TAM and activated.
pub async fn seed(stack: &LocalStack) -> Result<(), String> {
    let staff = seed_provider(stack).await?;
    let tam = &staff[0];
    let reg = Registration {
        org_name: "Acme Robotics".into(),
        app_id: CUSTOMER_APP_ID.into(),
        app_secret: SecretString::new(sandbox_secret(CUSTOMER_APP_ID)),
        tam: None,
        engineers: None,
        brand: None,
        callback: sandbox_callback(CUSTOMER_APP_ID),
    };
    orgs::register_customer(&stack.ctx, &reg, tam)
        .await
        .map_err(|e| e.to_string())?;
    let app = tamlink::ids::AppId::parse(CUSTOMER_APP_ID).map_err(|e| e.to_string())?;
    orgs::activate(&stack.ctx, &app, tam)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// 莲花半导体, a Feishu organisation, registered (its brand found by asking) and activated: the
/// dev stack serves a Lark and a Feishu organisation side by side.
pub async fn seed_feishu(stack: &LocalStack) -> Result<(), String> {
    let ctx = &stack.ctx;
    let tam = ctx
        .store
        .all_staff(&ctx.settings.provider_app_id)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|s| s.role == StaffRole::Tam)
        .ok_or("no TAM to register the Feishu organisation")?;
    let reg = Registration {
        org_name: "莲花半导体".into(),
        app_id: FEISHU_APP_ID.into(),
        app_secret: SecretString::new(sandbox_secret(FEISHU_APP_ID)),
        tam: None,
        engineers: None,
        brand: None,
        callback: sandbox_callback(FEISHU_APP_ID),
    };
    orgs::register_customer(ctx, &reg, &tam)
        .await
        .map_err(|e| e.to_string())?;
    let app = tamlink::ids::AppId::parse(FEISHU_APP_ID).map_err(|e| e.to_string())?;
    orgs::activate(ctx, &app, &tam)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}
