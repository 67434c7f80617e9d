//! `POST /lark/{appId}/api/customers/{customerAppId}/plan`: the organisation's Lark plan and
//! tamlink's share of its monthly API calls (see `notifier::budget`), and the first-response
//! targets of its support plan.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::notifier::budget::{Plan, PlanKind, FREE_PLAN_CALLS};
use crate::web;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanInput {
    kind: PlanKind,
    monthly_calls: Option<u32>,
    share_percent: u8,
    /// First-response targets of the support plan, in minutes (unchanged when absent).
    first_response_minutes: Option<crate::domain::tickets::SlaTargets>,
}

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let input: PlanInput = web::json_body(&req)?;
    let staff = super::require_customer_manager(ctx, &req).await?;
    let mut tenant = super::served_customer(ctx, &req, &staff).await?;
    let plan = Plan {
        kind: input.kind,
        monthly_calls: input.monthly_calls.unwrap_or(FREE_PLAN_CALLS),
        share_percent: input.share_percent,
    };
    plan.validate().map_err(AppError::Unprocessable)?;
    if let Some(sla) = input.first_response_minutes {
        sla.validate().map_err(AppError::Unprocessable)?;
        tenant.sla = sla;
    }
    tenant.plan = plan;
    ctx.store.save_tenant(&tenant).await?;
    tracing::info!(app_id = %tenant.app_id, by = %staff.open_id, ?plan, "plan set");
    Ok(web::json(
        StatusCode::OK,
        &crate::pages::TenantView::new(ctx, &tenant),
    ))
}
