//! SlaCheckFunction (every 5 minutes): warns the assignee and the TAM before a first response is
//! due and when it is overdue, and likewise for resolution, once each.

use crate::clock::Epoch;
use crate::context::AppContext;
use crate::error::AppResult;
use crate::notify::{self, tickets::sla_notifications};

/// How long before the first-response deadline the assignee and the TAM are warned.
const SLA_WARNING: Epoch = 15 * 60;

/// The scheduled SLA check: for every ticket still waiting for its first response, one warning
/// when it is nearly due and one notice when it is overdue, each to the assignee and the TAM,
/// each once. Reads the SLA index's hourly buckets around now, never the table.
#[tracing::instrument(skip_all)]
pub async fn check_sla(ctx: &AppContext) -> AppResult<serde_json::Value> {
    let now = ctx.now();
    let horizon = now + SLA_WARNING;
    let (mut warned, mut breached) = (0, 0);
    for hour in (now.div_euclid(3600) - 2)..=horizon.div_euclid(3600) {
        for t in ctx.store.sla_due(hour, horizon).await? {
            if t.first_response_at.is_some() || !t.status.is_open() {
                continue;
            }
            let breach = now >= t.first_response_due;
            if (breach && t.sla_breach_notified) || (!breach && t.sla_warned) {
                continue;
            }
            if !ctx.store.mark_sla_notice(&t, breach).await? {
                continue; // another run got there first
            }
            let tenant = crate::orgs::load(ctx, &t.app_id).await?;
            notify::enqueue(ctx, &sla_notifications(ctx, &tenant, &t, breach)).await?;
            if breach {
                breached += 1;
            } else {
                warned += 1;
            }
        }
    }
    let (resolution_warned, resolution_breached) = check_resolution(ctx).await?;
    Ok(serde_json::json!({
        "warned": warned,
        "breached": breached,
        "resolution_warned": resolution_warned,
        "resolution_breached": resolution_breached,
    }))
}

/// Resolution deadlines: each customer organisation's open tickets come from the open-tickets
/// index (one query per organisation, never closed tickets, never a scan); a paused clock (the
/// ticket waits on the customer) is skipped.
async fn check_resolution(ctx: &AppContext) -> AppResult<(u32, u32)> {
    use crate::domain::tickets::RESOLUTION_WARNING;
    let now = ctx.now();
    let (mut warned, mut breached) = (0, 0);
    for tenant in ctx.store.tenants().await? {
        if tenant.kind != crate::store::TenantKind::Customer {
            continue;
        }
        for t in ctx.store.open_tickets(&tenant.app_id).await? {
            if t.resolution_due == 0 || t.paused_since.is_some() {
                continue;
            }
            let breach = now >= t.resolution_due;
            let due_soon = now >= t.resolution_due - RESOLUTION_WARNING;
            if !due_soon
                || (breach && t.resolution_breach_notified)
                || (!breach && t.resolution_warned)
            {
                continue;
            }
            if !ctx.store.mark_resolution_notice(&t, breach).await? {
                continue;
            }
            notify::enqueue(
                ctx,
                &notify::tickets::resolution_notifications(ctx, &tenant, &t, breach),
            )
            .await?;
            if breach {
                breached += 1;
            } else {
                warned += 1;
            }
        }
    }
    Ok((warned, breached))
}
