//! `POST /lark/{appId}/api/staff/duty`: a staff member switches themselves on or off duty
//! (only engineers on duty are assigned new tickets; on-duty managers get third reminders).

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::domain::audit::{AuditActor, AuditEntry, AuditKind};
use crate::error::AppResult;
use crate::web;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DutyInput {
    on_duty: bool,
}

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let input: DutyInput = web::json_body(&req)?;
    let (app_id, staff) = super::require_staff(ctx, &req).await?;
    // On the provider's own trail: duty is the service team's, not one organisation's.
    let audit = AuditEntry::new(
        &app_id,
        ctx.now(),
        AuditActor::person(&app_id, &staff.open_id, &staff.name),
        AuditKind::DutyChanged,
    )
    .change(
        "on_duty",
        Some(staff.on_duty.to_string()),
        Some(input.on_duty.to_string()),
    );
    ctx.store
        .set_on_duty(&app_id, &staff.open_id, input.on_duty, &audit)
        .await?;
    tracing::info!(staff = %staff.open_id, on_duty = input.on_duty, "duty switched");
    Ok(web::json(
        StatusCode::OK,
        &serde_json::json!({ "on_duty": input.on_duty }),
    ))
}
