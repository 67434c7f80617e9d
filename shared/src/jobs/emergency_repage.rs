//! EmergencyRepageFunction (every minute): pages everyone again for each emergency still
//! unacknowledged 15 minutes after its last page, until its pages run out; then tells on-call.

use crate::context::AppContext;
use crate::domain::tickets as rules;
use crate::error::AppResult;
use crate::notify;
use crate::notify::tickets::page_notifications;
use crate::store::StoreError;
use crate::tickets::{reminder_recipients, tell_oncall, EVERYONE};

/// The re-page schedule (every minute): pages everyone again for each emergency still
/// unacknowledged 15 minutes after its last page, and tells the on-call channel; after
/// `rules::MAX_PAGES` pages, tells on-call once that nobody acknowledged, and stops.
#[tracing::instrument(skip_all)]
pub async fn repage_emergencies(ctx: &AppContext) -> AppResult<serde_json::Value> {
    let now = ctx.now();
    let (mut repaged, mut escalated) = (0, 0);
    for hour in (now.div_euclid(3600) - 2)..=now.div_euclid(3600) {
        for schedule in ctx.store.due_pages(hour, now).await? {
            let Some(ticket) = ctx.store.ticket(&schedule.app_id, schedule.number).await? else {
                ctx.store
                    .stop_pages(&schedule.app_id, schedule.slot, schedule.number)
                    .await?;
                continue;
            };
            let open = ticket
                .emergency
                .as_ref()
                .filter(|e| e.acknowledged_by.is_none() && ticket.status.is_open());
            let Some(emergency) = open.cloned() else {
                ctx.store
                    .stop_pages(&schedule.app_id, schedule.slot, schedule.number)
                    .await?;
                continue;
            };
            let last = schedule.pages >= rules::MAX_PAGES;
            let moved = if last {
                ctx.store.escalate(&schedule).await
            } else {
                ctx.store.repage(&schedule, now + rules::REPAGE_AFTER).await
            };
            match moved {
                Ok(()) => {}
                Err(StoreError::ConditionFailed) => continue, // another run paged it
                Err(e) => return Err(e.into()),
            }
            let tenant = crate::orgs::load(ctx, &ticket.app_id).await?;
            if last {
                tell_oncall(
                    ctx,
                    &tenant,
                    &ticket,
                    emergency.reason,
                    schedule.pages,
                    true,
                )
                .await?;
                escalated += 1;
                continue;
            }
            let page = schedule.pages + 1;
            let paged = reminder_recipients(ctx, &ticket, &tenant, EVERYONE).await?;
            notify::enqueue(
                ctx,
                &page_notifications(ctx, &tenant, &ticket, emergency.reason, page, paged),
            )
            .await?;
            tell_oncall(ctx, &tenant, &ticket, emergency.reason, page, false).await?;
            repaged += 1;
        }
    }
    Ok(serde_json::json!({ "repaged": repaged, "escalated": escalated }))
}
