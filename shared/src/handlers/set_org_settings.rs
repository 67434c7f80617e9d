//! `POST /lark/{appId}/api/customers/{customerAppId}/settings` (provider app): the TAM (or a
//! manager or admin who serves it) changes an organisation's settings. Only the fields sent
//! change; all of them are checked first, and nothing is written if any is wrong. They take
//! effect on the next request.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::domain::audit::{AuditActor, AuditEntry, AuditKind};
use crate::domain::tickets::SlaTargets;
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::msg;
use crate::web;

/// Most products (or categories) an organisation offers on its ticket form.
pub const MAX_CHOICES: usize = 20;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    /// The language its people see until they choose (it starts as the app's primary language).
    #[serde(default, deserialize_with = "crate::json::not_null")]
    lang: Option<String>,
    /// Ask a ticket's creator to rate the support once it is resolved.
    #[serde(default, deserialize_with = "crate::json::not_null")]
    csat: Option<bool>,
    /// The name on its people's workbench; empty: Lark's name again.
    #[serde(default, deserialize_with = "crate::json::not_null")]
    display_name: Option<String>,
    /// Colleagues join the service group when they sign in (off: by invitation only).
    #[serde(default, deserialize_with = "crate::json::not_null")]
    auto_join: Option<bool>,
    /// Only the TAM (or a manager or admin) makes Add People links.
    #[serde(default, deserialize_with = "crate::json::not_null")]
    invite_only: Option<bool>,
    #[serde(default, deserialize_with = "crate::json::not_null")]
    products: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::json::not_null")]
    categories: Option<Vec<String>>,
    /// First-response targets in minutes per severity.
    #[serde(default, deserialize_with = "crate::json::not_null")]
    first_response_minutes: Option<SlaTargets>,
    /// Resolution targets in minutes per severity (paused while a ticket waits on the customer).
    #[serde(default, deserialize_with = "crate::json::not_null")]
    resolution_minutes: Option<SlaTargets>,
}

fn bad(m: Msg) -> AppError {
    AppError::BadRequest(m.into())
}

/// One line of at most 100 characters, trimmed.
fn one_line(raw: &str, what: &'static str) -> AppResult<String> {
    let v = raw.trim();
    if v.chars().count() > 100 || v.chars().any(char::is_control) {
        return Err(bad(msg!("error-setting-line", what = what)));
    }
    Ok(v.to_owned())
}

/// A list offered on the ticket form: at most 20, each one line and not blank, no repeats.
fn choices(raw: &[String], what: &'static str) -> AppResult<Vec<String>> {
    if raw.len() > MAX_CHOICES {
        return Err(bad(msg!(
            "error-setting-choices-many",
            what = what,
            max = MAX_CHOICES
        )));
    }
    let mut out: Vec<String> = Vec::new();
    for item in raw {
        let v = one_line(item, what)?;
        if v.is_empty() {
            return Err(bad(msg!("error-setting-line", what = what)));
        }
        if out.iter().any(|o| o.to_lowercase() == v.to_lowercase()) {
            // Allowed by the schema (which cannot compare case), refused as a meaning.
            return Err(AppError::Unprocessable(
                msg!("error-setting-choices-twice", item = &v).into(),
            ));
        }
        out.push(v);
    }
    Ok(out)
}

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let staff = super::require_customer_manager(ctx, &req).await?;
    let input: Input = web::json_body(&req)?;
    // Everything is checked before anything is read or written.
    let lang = match &input.lang {
        None => None,
        Some(raw) => Some(
            Lang::ALL
                .into_iter()
                .find(|l| l.tag() == raw)
                .ok_or_else(|| {
                    bad(msg!(
                        "error-lang-unknown",
                        given = raw.chars().take(20).collect::<String>()
                    ))
                })?,
        ),
    };
    let display_name = input
        .display_name
        .as_deref()
        .map(|d| one_line(d, "display_name"))
        .transpose()?;
    let products = input
        .products
        .as_deref()
        .map(|p| choices(p, "products"))
        .transpose()?;
    let categories = input
        .categories
        .as_deref()
        .map(|c| choices(c, "categories"))
        .transpose()?;
    if let Some(sla) = &input.first_response_minutes {
        sla.validate()
            .map_err(|e| AppError::Unprocessable(e.into()))?;
    }
    if let Some(targets) = &input.resolution_minutes {
        targets
            .validate_resolution()
            .map_err(|e| AppError::Unprocessable(e.into()))?;
    }
    let mut tenant = super::served_customer(ctx, &req, &staff).await?;
    let before = tenant.clone();
    let mut fields = Vec::new();
    if let Some(lang) = lang {
        tenant.lang = Some(lang);
        fields.push("lang");
    }
    if let Some(csat) = input.csat {
        tenant.csat = csat;
        fields.push("csat");
    }
    if let Some(name) = display_name {
        tenant.display_name = (!name.is_empty()).then_some(name);
        fields.push("display_name");
    }
    if let Some(auto_join) = input.auto_join {
        tenant.auto_join = auto_join;
        fields.push("auto_join");
    }
    if let Some(invite_only) = input.invite_only {
        tenant.invite_only = invite_only;
        fields.push("invite_only");
    }
    if let Some(products) = products {
        tenant.products = products;
        fields.push("products");
    }
    if let Some(categories) = categories {
        tenant.categories = categories;
        fields.push("categories");
    }
    if let Some(sla) = input.first_response_minutes {
        tenant.sla = sla;
        fields.push("sla");
    }
    if let Some(targets) = input.resolution_minutes {
        tenant.resolution = targets;
        fields.push("resolution");
    }
    if fields.is_empty() {
        return Err(bad(msg!("error-settings-empty")));
    }
    let audit = AuditEntry::new(
        &tenant.app_id,
        ctx.now(),
        AuditActor::staff(&ctx.settings.provider_app_id, &staff),
        AuditKind::SettingsChanged,
    )
    .change_json("lang", &before.lang, &tenant.lang)
    .change_json("csat", &before.csat, &tenant.csat)
    .change_json("display_name", &before.display_name, &tenant.display_name)
    .change_json("auto_join", &before.auto_join, &tenant.auto_join)
    .change_json("invite_only", &before.invite_only, &tenant.invite_only)
    .change_json("products", &before.products, &tenant.products)
    .change_json("categories", &before.categories, &tenant.categories)
    .change_json("first_response_minutes", &before.sla, &tenant.sla)
    .change_json("resolution_minutes", &before.resolution, &tenant.resolution);
    ctx.store
        .update_tenant_audited(&tenant, &fields, &audit)
        .await?;
    tracing::info!(app_id = %tenant.app_id, ?fields, by = %staff.open_id, "organisation settings changed");
    Ok(web::json(
        StatusCode::OK,
        &crate::pages::TenantView::new(ctx, &tenant, web::lang(&req, None)),
    ))
}
