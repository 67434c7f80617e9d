//! Moving a ticket through its lifecycle (`domain::tickets::TRANSITIONS`).

use super::{audit_of, count_of, kept_changing, survey_due, view, visible, TicketView, ATTEMPTS};
use crate::actor::Actor;
use crate::clock::Epoch;
use crate::context::AppContext;
use crate::domain::audit::AuditKind;
use crate::domain::report::Event;
use crate::domain::tickets as rules;
use crate::domain::tickets::{Mover, Status};
use crate::error::{AppError, AppResult};
use crate::ids::{AppId, TicketId};
use crate::notify;
use crate::notify::tickets::moved_notifications;
use crate::store::{
    retry_on_conflict, settle, Attempt, Side, Tenant, Ticket, TicketChange, TicketMove,
};

pub(crate) fn mover(actor: &Actor, ticket: &Ticket, tenant: &Tenant) -> Mover {
    match &actor.staff {
        None => Mover::Customer,
        Some(s) if ticket.assignee.as_deref() == Some(s.open_id.as_str()) => Mover::Assignee,
        Some(s) if tenant.tam.as_deref() == Some(s.open_id.as_str()) => Mover::Tam,
        Some(s) if s.role.sees_all_orgs() => Mover::Manager,
        Some(_) => Mover::Engineer,
    }
}

/// Records a reply of the service team in a ticket's group as its first response, if it is
/// the first, and counts it for the reports. A staff reply reads the ticket once for this.
pub(crate) async fn record_first_response(
    ctx: &AppContext,
    app_id: &AppId,
    number: u64,
    at: Epoch,
) -> AppResult<()> {
    retry_on_conflict(ATTEMPTS, || async move {
        let Some(ticket) = ctx.store.ticket(app_id, number).await? else {
            return Ok(Attempt::Written(()));
        };
        if ticket.first_response_at.is_some() {
            return Ok(Attempt::Written(()));
        }
        let count = count_of(
            &ticket,
            at,
            Event::FirstResponse {
                after: at - ticket.created_at,
                met: at <= ticket.first_response_due,
            },
        );
        settle(ctx.store.mark_first_response(&ticket, at, &[count]).await).map_err(Into::into)
    })
    .await?
    .ok_or_else(kept_changing)
}

/// The moves this actor may make on the ticket now (for the buttons).
pub fn allowed_moves(actor: &Actor, ticket: &Ticket, tenant: &Tenant) -> Vec<Status> {
    let who = mover(actor, ticket, tenant);
    rules::TRANSITIONS
        .iter()
        .filter(|(from, _, movers)| *from == ticket.status && movers.contains(&who))
        .map(|(_, to, _)| *to)
        .collect()
}

/// Moves a ticket by the lifecycle table, records who and when, and says so in its group.
#[tracing::instrument(skip_all, fields(actor = %actor.open_id, ticket = %id, to = ?to))]
pub async fn move_to(
    ctx: &AppContext,
    actor: &Actor,
    id: &TicketId,
    to: Status,
) -> AppResult<TicketView> {
    retry_on_conflict(ATTEMPTS, || async move {
        let (ticket, tenant) = visible(ctx, actor, id).await?;
        let from = ticket.status;
        let who = mover(actor, &ticket, &tenant);
        rules::may_move(from, to, who).map_err(|why| {
            if rules::TRANSITIONS
                .iter()
                .any(|(f, t, _)| *f == from && *t == to)
            {
                AppError::Forbidden(why.into())
            } else {
                AppError::Conflict(why.into())
            }
        })?;
        let now = ctx.now();
        let change = TicketChange {
            at: now,
            by: actor.name.clone(),
            from,
            to,
        };
        let line = ctx
            .store
            .next_line(
                &ticket.group_id,
                crate::msg!(
                    "line-moved",
                    who = &actor.name,
                    number = ticket.number,
                    from = from.as_arg(),
                    to = to.as_arg()
                ),
                now,
            )
            .await?;
        let load_delta = match (from.is_open(), to.is_open()) {
            (true, false) => -1,
            (false, true) => 1,
            _ => 0,
        };
        let first_response_at =
            (actor.side == Side::Service && ticket.first_response_at.is_none()).then_some(now);
        let resolution = rules::resolution_clock(
            ticket.resolution_due,
            ticket.paused_since,
            to == Status::WaitingOnCustomer,
            now,
        );
        let mut counts = Vec::new();
        if let Some(at) = first_response_at {
            counts.push(count_of(
                &ticket,
                at,
                Event::FirstResponse {
                    after: at - ticket.created_at,
                    met: at <= ticket.first_response_due,
                },
            ));
        }
        if from.is_open() && !to.is_open() {
            // Against the deadline as this move leaves it (a wait that ends now moves it on).
            let due = resolution.map_or(ticket.resolution_due, |(due, _)| due);
            counts.push(count_of(
                &ticket,
                now,
                Event::Resolved {
                    after: now - ticket.created_at,
                    met: (due != 0).then_some(now <= due),
                },
            ));
        }
        let write = TicketMove {
            counts: &counts,
            ticket: &ticket,
            change: &change,
            load_delta,
            provider_app: &ctx.settings.provider_app_id,
            line: &line,
            first_response_at,
            resolution,
            audit: &audit_of(
                actor,
                &ticket.app_id,
                ticket.number,
                AuditKind::TicketMoved,
                now,
            )
            .change(
                "status",
                Some(from.as_arg().to_owned()),
                Some(to.as_arg().to_owned()),
            ),
            now,
        };
        if let Attempt::Lost = settle(ctx.store.move_ticket(&write).await)? {
            return Ok(Attempt::Lost);
        }
        let mut moved = ticket.clone();
        moved.status = to;
        moved.updated_at = now;
        moved.first_response_at = moved.first_response_at.or(first_response_at);
        if let Some((due, paused)) = resolution {
            moved.resolution_due = due;
            moved.paused_since = paused;
        }
        moved.history.push(change);
        let mut notes = moved_notifications(ctx, actor, &tenant, &moved, from);
        if to == Status::Resolved {
            let creator = (&moved.created_by.app_id, &moved.created_by.open_id);
            let ask = survey_due(ctx, &tenant, creator.0, creator.1).await?;
            for n in notes
                .iter_mut()
                .filter(|n| n.recipient.open_id == *creator.1)
            {
                n.survey = ask;
            }
        }
        notify::enqueue(ctx, &notes).await?;
        Ok(Attempt::Written(view(&moved, now, actor.lang)))
    })
    .await?
    .ok_or_else(kept_changing)
}
