//! `POST /lark/{appId}/api/customers/{customerAppId}/settings` (provider app): the TAM (or a
//! manager or admin who serves it) changes an organisation's settings: the language its people
//! see until they choose (it starts as the app's `primary_language`) and whether they are asked
//! to rate resolved tickets. Only the fields sent change; each is checked first, and nothing is
//! written if any is wrong.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::web;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    #[serde(default, deserialize_with = "crate::json::not_null")]
    lang: Option<String>,
    /// Ask the ticket's creator to rate the support once it is resolved.
    #[serde(default, deserialize_with = "crate::json::not_null")]
    csat: Option<bool>,
}

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let staff = super::require_customer_manager(ctx, &req).await?;
    let input: Input = web::json_body(&req)?;
    if input.lang.is_none() && input.csat.is_none() {
        return Err(AppError::BadRequest(
            crate::msg!("error-settings-empty").into(),
        ));
    }
    let lang = match &input.lang {
        None => None,
        Some(raw) => Some(
            Lang::ALL
                .into_iter()
                .find(|l| l.tag() == raw)
                .ok_or_else(|| {
                    AppError::BadRequest(
                        crate::msg!(
                            "error-lang-unknown",
                            given = raw.chars().take(20).collect::<String>()
                        )
                        .into(),
                    )
                })?,
        ),
    };
    let mut tenant = super::served_customer(ctx, &req, &staff).await?;
    let mut fields = Vec::new();
    if let Some(lang) = lang {
        tenant.lang = Some(lang);
        fields.push("lang");
    }
    if let Some(csat) = input.csat {
        tenant.csat = csat;
        fields.push("csat");
    }
    ctx.store.update_tenant(&tenant, &fields).await?;
    tracing::info!(app_id = %tenant.app_id, ?fields, by = %staff.open_id, "organisation settings changed");
    Ok(web::json(
        StatusCode::OK,
        &crate::pages::TenantView::new(ctx, &tenant, web::lang(&req, None)),
    ))
}
