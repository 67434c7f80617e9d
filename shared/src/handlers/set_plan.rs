//! `POST /lark/{appId}/api/customers/{customerAppId}/plan`: the organisation's Lark plan and
//! tamlink's share of its monthly API calls (see `notifier::budget`), and the first-response
//! targets of its support plan.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::domain::audit::{AuditActor, AuditEntry, AuditKind};
use crate::error::{AppError, AppResult};
use crate::notifier::budget::{Plan, PlanKind, FREE_PLAN_CALLS};
use crate::web;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanInput {
    kind: PlanKind,
    /// `null` is refused rather than read as "the free plan's number".
    #[serde(default, deserialize_with = "crate::json::present")]
    monthly_calls: Option<Option<u32>>,
    share_percent: u8,
    /// First-response targets of the support plan, in minutes (unchanged when absent; `null`
    /// is refused rather than read as "absent").
    #[serde(default, deserialize_with = "crate::json::present")]
    first_response_minutes: Option<Option<crate::domain::tickets::SlaTargets>>,
}

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let input: PlanInput = web::json_body(&req)?;
    let staff = super::require_customer_manager(ctx, &req).await?;
    let mut tenant = super::served_customer(ctx, &req, &staff).await?;
    let before = tenant.clone();
    let monthly_calls = match input.monthly_calls {
        Some(None) => {
            return Err(AppError::BadRequest(
                crate::msg!("error-monthly-calls-number").into(),
            ))
        }
        Some(Some(n)) => Some(n),
        None => None,
    };
    if monthly_calls == Some(0) {
        return Err(AppError::Unprocessable(
            crate::msg!("error-monthly-calls-min").into(),
        ));
    }
    let plan = Plan {
        kind: input.kind,
        monthly_calls: monthly_calls.unwrap_or(FREE_PLAN_CALLS),
        share_percent: input.share_percent,
    };
    plan.validate()
        .map_err(|e| AppError::Unprocessable(e.into()))?;
    match input.first_response_minutes {
        Some(None) => {
            return Err(AppError::Unprocessable(
                crate::msg!("error-first-response-four").into(),
            ))
        }
        Some(Some(sla)) => {
            sla.validate()
                .map_err(|e| AppError::Unprocessable(e.into()))?;
            tenant.sla = sla;
        }
        None => {}
    }
    tenant.plan = plan;
    let provider = &ctx.settings.provider_app_id;
    let audit = AuditEntry::new(
        &tenant.app_id,
        ctx.now(),
        AuditActor::staff(provider, &staff),
        AuditKind::PlanChanged,
    )
    .change_json("plan", &before.plan, &tenant.plan)
    .change_json("first_response_minutes", &before.sla, &tenant.sla);
    ctx.store
        .update_tenant_audited(&tenant, &["plan", "sla"], &audit)
        .await?;
    tracing::info!(app_id = %tenant.app_id, by = %staff.open_id, ?plan, "plan set");
    Ok(web::json(
        StatusCode::OK,
        &crate::pages::TenantView::new(ctx, &tenant, web::lang(&req, None)),
    ))
}
