//! `POST /lark/{appId}/api/customers/{customerAppId}/callback-keys` (provider app): a TAM,
//! manager or admin serving the organisation sets (or replaces) its app's Events & Callbacks keys,
//! so its people can act from tamlink's cards. Stored KMS-sealed like the App Secret; never shown.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;
use crate::orgs::CallbackInput;
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let input: CallbackInput = web::json_body(&req)?;
    let staff = super::require_customer_manager(ctx, &req).await?;
    let mut tenant = super::served_customer(ctx, &req, &staff).await?;
    tenant.callback = Some(crate::orgs::seal_callback_keys(ctx, &tenant.app_id, &input).await?);
    ctx.store.update_tenant(&tenant, &["callback"]).await?;
    tracing::info!(app_id = %tenant.app_id, by = %staff.open_id, "callback keys set");
    Ok(web::json(
        StatusCode::OK,
        &crate::pages::TenantView::new(ctx, &tenant, web::lang(&req, None)),
    ))
}
