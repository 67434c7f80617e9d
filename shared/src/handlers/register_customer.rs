//! `POST /lark/{appId}/api/customers` (provider app): a TAM registers a customer organisation.
//! Lark is asked first; wrong credentials are refused and nothing is stored.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;
use crate::orgs::{self, Registration};
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let staff = super::require_customer_manager(ctx, &req).await?;
    let registration: Registration = web::json_body(&req)?;
    let tenant = orgs::register_customer(ctx, &registration, &staff).await?;
    Ok(web::json(
        StatusCode::CREATED,
        &crate::pages::TenantView::new(ctx, &tenant, web::lang(&req, None)),
    ))
}
