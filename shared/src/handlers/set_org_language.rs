//! `POST /lark/{appId}/api/customers/{customerAppId}/language` (provider app): the TAM (or a
//! manager or admin) sets the language an organisation's people see until they choose one. It
//! starts as the app's `primary_language` at registration.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::web;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    lang: String,
}

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let staff = super::require_customer_manager(ctx, &req).await?;
    let input: Input = web::json_body(&req)?;
    let lang = Lang::ALL
        .into_iter()
        .find(|l| l.tag() == input.lang)
        .ok_or_else(|| {
            AppError::BadRequest(
                crate::msg!(
                    "error-lang-unknown",
                    given = input.lang.chars().take(20).collect::<String>()
                )
                .into(),
            )
        })?;
    let mut tenant = super::served_customer(ctx, &req, &staff).await?;
    tenant.lang = Some(lang);
    ctx.store.update_tenant(&tenant, &["lang"]).await?;
    tracing::info!(app_id = %tenant.app_id, lang = lang.tag(), by = %staff.open_id, "organisation language set");
    Ok(web::json(
        StatusCode::OK,
        &crate::pages::TenantView::new(ctx, &tenant, web::lang(&req, None)),
    ))
}
