//! Emergency: declaring one (S1 at once, urgent pages, the on-call post) and acknowledging it.

use super::{
    audit_of, count_of, ensure_open, kept_changing, reminder_recipients, view, visible, TicketView,
    ATTEMPTS,
};
use crate::actor::Actor;
use crate::context::AppContext;
use crate::domain::audit::AuditKind;
use crate::domain::tickets as rules;
use crate::domain::tickets::Severity;
use crate::error::{AppError, AppResult};
use crate::ids::TicketId;
use crate::notify::tickets::{
    acknowledged_pages, oncall_post, page_notifications, ticket_notification,
};
use crate::notify::{NotificationKind, Recipient};
use crate::store::{retry_on_conflict, settle, Attempt, Side, Tenant, Ticket};
use crate::{msg, notify};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmergencyInput {
    pub reason: rules::EmergencyReason,
    /// The customer confirms the business is affected (the button asks).
    pub confirm: bool,
}

/// Who an emergency pages: the assignee, the TAM and the on-duty managers.
pub(crate) const EVERYONE: rules::ReminderTier = rules::ReminderTier {
    assignee: true,
    tam: true,
    managers: true,
};

/// Emergency (customers): the ticket goes to S1, the assignee, the TAM and the on-duty managers
/// are paged at once (outside their DM windows), the on-call channel hears of it, and the pages
/// repeat every 15 minutes until someone acknowledges, at most `rules::MAX_PAGES` times. An
/// organisation has at most `rules::MAX_OPEN_EMERGENCIES` unacknowledged at once.
#[tracing::instrument(skip_all, fields(actor = %actor.open_id, ticket = %id))]
pub async fn declare_emergency(
    ctx: &AppContext,
    actor: &Actor,
    id: &TicketId,
    input: EmergencyInput,
) -> AppResult<TicketView> {
    if actor.side != Side::Colleague {
        return Err(AppError::Forbidden(
            crate::msg!("error-emergency-customer").into(),
        ));
    }
    if !input.confirm {
        return Err(AppError::BadRequest(
            crate::msg!("error-emergency-confirm").into(),
        ));
    }
    retry_on_conflict(ATTEMPTS, || async move {
        let (ticket, tenant) = visible(ctx, actor, id).await?;
        ensure_open(
            &ticket,
            msg!("ticket-closed-emergency", number = ticket.number, status = ticket.status.as_arg()),
        )?;
        if let Some(e) = &ticket.emergency {
            return Err(AppError::Conflict(match e.acknowledged_by.as_deref() { Some(by) => crate::msg!("error-emergency-exists-acked", number = ticket.number, who = &e.declared_by, by = by), None => crate::msg!("error-emergency-exists", number = ticket.number, who = &e.declared_by) }.into()));
        }
        let (slot, replaces) = free_slot(ctx, &tenant).await?;
        let now = ctx.now();
        let paged = reminder_recipients(ctx, &ticket, &tenant, EVERYONE).await?;
        let names: Vec<&str> = paged.iter().map(|r| r.name.as_str()).collect();
        let emergency = crate::store::Emergency {
            reason: input.reason,
            declared_by: actor.name.clone(),
            declared_at: now,
            previous_severity: ticket.severity,
            pages: 1,
            acknowledged_by: None,
            acknowledged_at: None,
            slot,
            paged: names.iter().map(|n| (*n).to_owned()).collect(),
        };
        let schedule = crate::store::PageSchedule {
            app_id: ticket.app_id.clone(),
            number: ticket.number,
            slot,
            pages: 1,
            next_page_at: now + rules::REPAGE_AFTER,
            escalated: false,
        };
        // An emergency is S1: its first response is due by S1's target if that is sooner.
        let s1_due = now + tenant.sla.seconds(rules::Severity::Sev1);
        let tightened = (ticket.first_response_at.is_none() && s1_due < ticket.first_response_due)
            .then_some(s1_due);
        let line = ctx
            .store
            .next_line(
            &ticket.group_id,
            crate::msg!(
                "line-emergency",
                who = &actor.name,
                number = ticket.number,
                reason = input.reason.as_arg(),
                paged = names.join(", ")
            ),
            now,
        )
            .await?;
        match settle(ctx
            .store
            .declare_emergency(&crate::store::Declaration {
                ticket: &ticket,
                emergency: &emergency,
                schedule: &schedule,
                replaces,
                line: &line,
                due: tightened,
                audit: &audit_of(actor, &ticket.app_id, ticket.number, AuditKind::EmergencyDeclared, now)
                    .change("severity", Some(ticket.severity.as_arg().to_owned()), Some("sev1".into()))
                    .change("emergency", None, Some(input.reason.as_arg().to_owned())),
                counts: &[count_of(&ticket, now, crate::domain::report::Event::EmergencyDeclared)],
                now,
            })
            .await)? {
            Attempt::Lost => Ok(Attempt::Lost),
            Attempt::Written(()) => {
                let mut declared = ticket.clone();
                declared.severity = Severity::Sev1;
                declared.emergency = Some(emergency);
                declared.updated_at = now;
                if let Some(due) = tightened {
                    declared.first_response_due = due;
                    declared.sla_warned = false;
                }
                notify::enqueue(
                    ctx,
                    &page_notifications(ctx, &tenant, &declared, input.reason, 1, paged),
                )
                .await?;
                tell_oncall(ctx, &tenant, &declared, input.reason, 1, false).await?;
                tracing::warn!(app_id = %ticket.app_id, number = ticket.number, reason = ?input.reason, "emergency declared");
                Ok(Attempt::Written(view(&declared, now, actor.lang)))
            }
        }
    })
    .await?
    .ok_or_else(kept_changing)
}

/// A staff member serving the organisation acknowledges: the pages stop, and the customer hears.
#[tracing::instrument(skip_all, fields(actor = %actor.open_id, ticket = %id))]
pub async fn acknowledge(ctx: &AppContext, actor: &Actor, id: &TicketId) -> AppResult<TicketView> {
    if actor.staff.is_none() {
        return Err(AppError::Forbidden(crate::msg!("error-ack-service").into()));
    }
    retry_on_conflict(ATTEMPTS, || async move {
        let (ticket, tenant) = visible(ctx, actor, id).await?;
        let Some(emergency) = ticket.emergency.clone() else {
            return Err(AppError::Conflict(
                crate::msg!("error-no-emergency", number = ticket.number).into(),
            ));
        };
        if let Some(by) = &emergency.acknowledged_by {
            return Err(AppError::Conflict(
                crate::msg!("error-already-acknowledged", who = by).into(),
            ));
        }
        let now = ctx.now();
        let minutes = (now - emergency.declared_at) / 60;
        let line = ctx
            .store
            .next_line(
                &ticket.group_id,
                crate::msg!(
                    "line-acknowledged",
                    who = &actor.name,
                    number = ticket.number,
                    minutes = minutes
                ),
                now,
            )
            .await?;
        match settle(
            ctx.store
                .acknowledge_emergency(
                    &ticket,
                    &actor.name,
                    &line,
                    &audit_of(
                        actor,
                        &ticket.app_id,
                        ticket.number,
                        AuditKind::EmergencyAcknowledged,
                        now,
                    ),
                    // Credited to whoever acknowledged it.
                    &[crate::store::Count {
                        org: &ticket.app_id,
                        staff: Some((&actor.open_id, &actor.name)),
                        at: now,
                        event: crate::domain::report::Event::Acknowledged {
                            after: now - emergency.declared_at,
                        },
                    }],
                    now,
                )
                .await,
        )? {
            Attempt::Lost => Ok(Attempt::Lost),
            Attempt::Written(()) => {
                ctx.store
                    .stop_pages(&ticket.app_id, emergency.slot, ticket.number)
                    .await?;
                let mut acked = ticket.clone();
                if let Some(e) = acked.emergency.as_mut() {
                    e.acknowledged_by = Some(actor.name.clone());
                    e.acknowledged_at = Some(now);
                }
                let mut n = ticket_notification(
                    ctx,
                    &tenant.org_name,
                    &acked,
                    NotificationKind::TicketUpdated,
                    Recipient {
                        app_id: acked.created_by.app_id.clone(),
                        open_id: acked.created_by.open_id.clone(),
                        name: acked.created_by.name.clone(),
                    },
                    crate::msg!(
                        "note-on-your-emergency",
                        who = &actor.name,
                        number = acked.number
                    ),
                    "emergency-ack",
                );
                n.urgent = true;
                n.excerpt = crate::msg!(
                    "note-acknowledged-after",
                    who = &actor.name,
                    minutes = minutes
                )
                .into();
                // Everyone who was paged sees it on the page itself, every copy of every page.
                let paged = reminder_recipients(ctx, &acked, &tenant, EVERYONE).await?;
                let mut notes = vec![n];
                notes.extend(acknowledged_pages(
                    ctx,
                    &tenant,
                    &acked,
                    &actor.name,
                    minutes,
                    emergency.pages,
                    &paged,
                ));
                notify::enqueue(ctx, &notes).await?;
                Ok(Attempt::Written(view(&acked, now, actor.lang)))
            }
        }
    })
    .await?
    .ok_or_else(kept_changing)
}

/// A slot for one more of the organisation's emergencies, and the number of the ended one it
/// replaces; refused with the open ones when every slot holds an unacknowledged emergency.
async fn free_slot(ctx: &AppContext, tenant: &Tenant) -> AppResult<(u8, Option<u64>)> {
    let held = ctx.store.emergency_slots(&tenant.app_id).await?;
    let mut open = Vec::new();
    for slot in 0..rules::MAX_OPEN_EMERGENCIES {
        let Some(schedule) = held.iter().find(|s| s.slot == slot) else {
            return Ok((slot, None));
        };
        match unacknowledged(ctx, schedule).await? {
            Some(ticket) => open.push(ticket),
            None => return Ok((slot, Some(schedule.number))),
        }
    }
    let item = |t: &Ticket| {
        let e = t.emergency.as_ref();
        msg!(
            "emergency-open-item",
            number = t.number,
            who = e.map(|e| e.declared_by.as_str()).unwrap_or_default(),
            paged = e.map(|e| e.paged.join(", ")).unwrap_or_default()
        )
    };
    // The message names two: `MAX_OPEN_EMERGENCIES` is 2.
    const _: () = assert!(rules::MAX_OPEN_EMERGENCIES == 2);
    Err(AppError::Conflict(
        msg!(
            "error-emergencies-open",
            org = &tenant.org_name,
            max = i64::from(rules::MAX_OPEN_EMERGENCIES),
            first = item(&open[0]),
            second = item(&open[1])
        )
        .into(),
    ))
}

/// The ticket whose emergency holds `schedule`'s slot, while it is open and unacknowledged.
async fn unacknowledged(
    ctx: &AppContext,
    schedule: &crate::store::PageSchedule,
) -> AppResult<Option<Ticket>> {
    let ticket = ctx.store.ticket(&schedule.app_id, schedule.number).await?;
    Ok(ticket.filter(|t| {
        t.status.is_open()
            && t.emergency
                .as_ref()
                .is_some_and(|e| e.acknowledged_by.is_none())
    }))
}

/// Tells the on-call channel of `ticket`'s emergency at `page`, or that its pages ran out
/// (`escalated`, which always goes). Other posts collapse per organisation: at most one in
/// `rules::ONCALL_QUIET`, each listing every emergency of the organisation still unacknowledged.
pub(crate) async fn tell_oncall(
    ctx: &AppContext,
    tenant: &Tenant,
    ticket: &Ticket,
    reason: rules::EmergencyReason,
    page: u32,
    escalated: bool,
) -> AppResult<()> {
    let now = ctx.now();
    if !escalated
        && !ctx
            .store
            .claim_oncall_post(&tenant.app_id, rules::ONCALL_QUIET, now)
            .await?
    {
        return Ok(());
    }
    let mut others = Vec::new();
    for schedule in ctx.store.emergency_slots(&tenant.app_id).await? {
        if schedule.number != ticket.number && unacknowledged(ctx, &schedule).await?.is_some() {
            others.push(schedule.number);
        }
    }
    notify::enqueue_oncall(
        ctx,
        &oncall_post(ctx, tenant, ticket, reason, page, escalated, &others),
    )
    .await
}
