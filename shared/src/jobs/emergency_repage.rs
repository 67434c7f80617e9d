//! EmergencyRepageFunction (every minute): pages everyone again for each emergency still
//! unacknowledged 15 minutes after its last page.

use crate::context::AppContext;
use crate::domain::tickets as rules;
use crate::error::AppResult;
use crate::notify;
use crate::notify::tickets::{oncall_post, page_notifications};
use crate::store::StoreError;
use crate::tickets::*;

/// The re-page schedule (every minute): pages everyone again for each emergency still
/// unacknowledged 15 minutes after its last page, and tells the on-call channel.
#[tracing::instrument(skip_all)]
pub async fn repage_emergencies(ctx: &AppContext) -> AppResult<serde_json::Value> {
    let now = ctx.now();
    let mut repaged = 0;
    for hour in (now.div_euclid(3600) - 2)..=now.div_euclid(3600) {
        for schedule in ctx.store.due_pages(hour, now).await? {
            let Some(ticket) = ctx.store.ticket(&schedule.app_id, schedule.number).await? else {
                ctx.store
                    .stop_pages(&schedule.app_id, schedule.number)
                    .await?;
                continue;
            };
            let open = ticket
                .emergency
                .as_ref()
                .filter(|e| e.acknowledged_by.is_none() && ticket.status.is_open());
            let Some(emergency) = open.cloned() else {
                ctx.store
                    .stop_pages(&schedule.app_id, schedule.number)
                    .await?;
                continue;
            };
            match ctx.store.repage(&schedule, now + rules::REPAGE_AFTER).await {
                Ok(()) => {}
                Err(StoreError::ConditionFailed) => continue, // another run paged it
                Err(e) => return Err(e.into()),
            }
            let page = schedule.pages + 1;
            let tenant = crate::orgs::load(ctx, &ticket.app_id).await?;
            let everyone = rules::ReminderTier {
                assignee: true,
                tam: true,
                managers: true,
            };
            let paged = reminder_recipients(ctx, &ticket, &tenant, everyone).await?;
            notify::enqueue(
                ctx,
                &page_notifications(ctx, &tenant, &ticket, emergency.reason, page, paged),
            )
            .await?;
            notify::enqueue_oncall(
                ctx,
                &oncall_post(ctx, &tenant, &ticket, emergency.reason, page),
            )
            .await?;
            repaged += 1;
        }
    }
    Ok(serde_json::json!({ "repaged": repaged }))
}
