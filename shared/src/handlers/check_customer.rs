//! `POST /lark/{appId}/api/customers/{customerAppId}/check`: re-runs the checklist against Lark.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let staff = super::require_customer_manager(ctx, &req).await?;
    let tenant = super::served_customer(ctx, &req, &staff).await?;
    let by = crate::domain::audit::AuditActor::staff(&crate::web::app_id(&req)?, &staff);
    let tenant = crate::orgs::recheck(ctx, &tenant.app_id, by).await?;
    Ok(web::json(
        StatusCode::OK,
        &crate::pages::TenantView::new(ctx, &tenant, web::lang(&req, None)),
    ))
}
