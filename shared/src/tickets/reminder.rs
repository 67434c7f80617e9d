//! Reminder: tiers of recipients and a 30-minute cooldown per ticket.

use super::{audit_of, ensure_open, kept_changing, view, visible, TicketView, ATTEMPTS};
use crate::actor::Actor;
use crate::context::AppContext;
use crate::domain::audit::AuditKind;
use crate::domain::tickets as rules;
use crate::error::{AppError, AppResult};
use crate::ids::TicketId;
use crate::notify::tickets::ticket_notification;
use crate::notify::{Notification, NotificationKind, Recipient};
use crate::store::{retry_on_conflict, settle, Attempt, Side, Tenant, Ticket};
use crate::{msg, notify};

/// The customer's Reminder: the 1st reaches the assignee, the 2nd also the TAM, the 3rd and
/// later also the on-duty managers; at most one per ticket every 30 minutes (two clicks at once
/// make one reminder: the write is conditioned on the count read).
#[tracing::instrument(skip_all, fields(actor = %actor.open_id, ticket = %id))]
pub async fn remind(ctx: &AppContext, actor: &Actor, id: &TicketId) -> AppResult<TicketView> {
    if actor.side != Side::Colleague {
        return Err(AppError::Forbidden(
            crate::msg!("error-reminder-customer").into(),
        ));
    }
    retry_on_conflict(ATTEMPTS, || async move {
        let (ticket, tenant) = visible(ctx, actor, id).await?;
        ensure_open(
            &ticket,
            msg!(
                "ticket-closed-reminder",
                number = ticket.number,
                status = ticket.status.as_arg()
            ),
        )?;
        let now = ctx.now();
        let next = rules::next_reminder_at(ticket.last_reminder_at, now);
        if next > now {
            return Err(AppError::TooSoon(
                crate::msg!(
                    "error-reminder-too-soon",
                    ago = ((now - ticket.last_reminder_at.unwrap_or(now)) / 60).max(0),
                    minutes = ((next - now) + 59) / 60
                )
                .into(),
            ));
        }
        let nth = ticket.reminders + 1;
        let recipients =
            reminder_recipients(ctx, &ticket, &tenant, rules::reminder_tier(nth)).await?;
        let names: Vec<&str> = recipients.iter().map(|r| r.name.as_str()).collect();
        let line = ctx
            .store
            .next_line(
                &ticket.group_id,
                crate::msg!(
                    "line-reminder",
                    who = &actor.name,
                    nth = nth,
                    number = ticket.number,
                    notified = names.join(", ")
                ),
                now,
            )
            .await?;
        match settle(
            ctx.store
                .remind_ticket(
                    &ticket,
                    now - rules::REMINDER_COOLDOWN,
                    &line,
                    &audit_of(
                        actor,
                        &ticket.app_id,
                        ticket.number,
                        AuditKind::TicketReminded,
                        now,
                    )
                    .change(
                        "reminders",
                        Some(ticket.reminders.to_string()),
                        Some(nth.to_string()),
                    ),
                    now,
                )
                .await,
        )? {
            Attempt::Lost => Ok(Attempt::Lost),
            Attempt::Written(()) => {
                let notes: Vec<Notification> = recipients
                    .into_iter()
                    .map(|to| {
                        let mut n = ticket_notification(
                            ctx,
                            &tenant.org_name,
                            &ticket,
                            NotificationKind::Reminder,
                            to,
                            crate::msg!(
                                "note-reminder",
                                nth = nth,
                                number = ticket.number,
                                title = &ticket.title
                            ),
                            &format!("reminder-{nth}"),
                        );
                        n.actor = Some(actor.name.clone());
                        n.excerpt = crate::msg!(
                            "note-reminder-excerpt",
                            who = &actor.name,
                            severity = ticket.severity.as_arg(),
                            status = ticket.status.as_arg()
                        )
                        .into();
                        n
                    })
                    .collect();
                notify::enqueue(ctx, &notes).await?;
                let mut reminded = ticket.clone();
                reminded.reminders = nth;
                reminded.last_reminder_at = Some(now);
                Ok(Attempt::Written(view(&reminded, now, actor.lang)))
            }
        }
    })
    .await?
    .ok_or_else(kept_changing)
}

pub(crate) async fn reminder_recipients(
    ctx: &AppContext,
    ticket: &Ticket,
    tenant: &Tenant,
    tier: rules::ReminderTier,
) -> AppResult<Vec<Recipient>> {
    let provider = &ctx.settings.provider_app_id;
    let staff = ctx.store.all_staff(provider).await?;
    let mut ids: Vec<&str> = Vec::new();
    if let Some(a) = ticket.assignee.as_deref().filter(|_| tier.assignee) {
        ids.push(a);
    }
    if let Some(tam) = tenant.tam.as_deref().filter(|_| tier.tam) {
        ids.push(tam);
    }
    if tier.managers {
        ids.extend(
            staff
                .iter()
                .filter(|s| s.on_duty && s.role.sees_all_orgs())
                .map(|s| s.open_id.as_str()),
        );
    }
    let mut out: Vec<Recipient> = Vec::new();
    for id in ids {
        if out.iter().any(|r| r.open_id == id) {
            continue;
        }
        if let Some(s) = staff.iter().find(|s| s.open_id == id) {
            out.push(Recipient {
                app_id: provider.clone(),
                open_id: s.open_id.clone(),
                name: s.name.clone(),
            });
        }
    }
    Ok(out)
}
