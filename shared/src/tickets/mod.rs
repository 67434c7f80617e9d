//! Tickets as people use them: a colleague opens one from the service group and lands in its
//! ticket group with an engineer assigned fairly and their TAM; the ticket moves through its
//! lifecycle by the table in `domain::tickets`, each move recorded and shown in the group.

use crate::actor::Actor;
use crate::clock::Epoch;
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;
use crate::ids::{AppId, GroupId, OpenId, TicketId};
use crate::store::{JoinedVia, Member, Side, Staff, Tenant, Ticket};

mod create;
mod emergency;
mod join;
mod moves;
mod rating;
mod read;
mod reassign;
mod reminder;

pub use create::{create, NewTicketInput};
pub use emergency::{acknowledge, declare_emergency, EmergencyInput};
pub(crate) use emergency::{tell_oncall, EVERYONE};
pub use join::{ask_to_join, JoinAsked, ASK_AGAIN_AFTER};
pub use moves::{allowed_moves, move_to};
pub(crate) use moves::{mover, record_first_response};
pub(crate) use rating::survey_due;
pub use rating::{may_rate, rate, RATING_EDITABLE, SURVEY_COOLDOWN};
pub use read::{
    for_group, list, view, EmergencyView, GroupTicket, TicketPage, TicketView, TICKET_PAGE,
};
pub use reassign::{may_reassign, reassign, reassign_candidates, ReassignInput};
pub use reminder::remind;
pub(crate) use reminder::reminder_recipients;

pub(crate) const ATTEMPTS: u64 = 20;

/// What a use case answers when a ticket changed under it `ATTEMPTS` times in a row.
pub(crate) fn kept_changing() -> AppError {
    AppError::Unavailable("the ticket kept changing".into())
}

pub(crate) fn clean(optional: Option<String>) -> AppResult<Option<String>> {
    match optional
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
    {
        Some(v) if v.chars().count() > 100 => Err(AppError::Unprocessable(
            crate::msg!("error-product-long", max = 100).into(),
        )),
        Some(v) if v.chars().any(char::is_control) => Err(AppError::BadRequest(
            crate::msg!("error-product-one-line").into(),
        )),
        other => Ok(other),
    }
}

pub(crate) fn service_member(
    group_id: &GroupId,
    provider: &AppId,
    staff: &Staff,
    by: &OpenId,
    now: Epoch,
) -> Member {
    Member {
        group_id: group_id.clone(),
        side: Side::Service,
        app_id: provider.clone(),
        open_id: staff.open_id.clone(),
        name: staff.name.clone(),
        avatar: staff.avatar.clone(),
        role: Some(staff.role),
        added_by: by.to_string(),
        added_at: now,
        via: JoinedVia::Ticket,
    }
}

/// The audit entry of `actor`'s action on a ticket of `org` (written with the change).
pub(crate) fn audit_of(
    actor: &Actor,
    org: &AppId,
    number: u64,
    kind: crate::domain::audit::AuditKind,
    now: Epoch,
) -> crate::domain::audit::AuditEntry {
    actor.audited(org, kind, now).ticket(number)
}

/// The engineer a ticket's figures are credited to in the reports: whoever holds it.
pub(crate) fn credited(ticket: &Ticket) -> Option<(&OpenId, &str)> {
    ticket
        .assignee
        .as_ref()
        .map(|a| (a, ticket.assignee_name.as_deref().unwrap_or_default()))
}

/// A counted change of `ticket` for the reports.
pub(crate) fn count_of(
    ticket: &Ticket,
    at: Epoch,
    event: crate::domain::report::Event,
) -> crate::store::Count<'_> {
    crate::store::Count {
        org: &ticket.app_id,
        staff: credited(ticket),
        at,
        event,
    }
}

/// Refuses actions that need an open ticket with `refusal`, which says what to do instead.
pub(crate) fn ensure_open(ticket: &Ticket, refusal: Msg) -> AppResult<()> {
    if ticket.status.is_open() {
        return Ok(());
    }
    Err(AppError::Conflict(refusal.into()))
}

/// Parses `{org app}.{number}`.
/// A ticket the actor may see: a colleague who is in its group, or staff serving its org.
pub(crate) async fn visible(
    ctx: &AppContext,
    actor: &Actor,
    id: &TicketId,
) -> AppResult<(Ticket, Tenant)> {
    let (app, number) = (&id.app, id.number);
    let missing =
        || AppError::NotFound(crate::msg!("error-ticket-unknown", ticket = id.to_string()).into());
    let ticket = ctx.store.ticket(app, number).await?.ok_or_else(missing)?;
    let tenant = crate::orgs::load(ctx, app).await?;
    let allowed = match &actor.staff {
        Some(staff) => crate::orgs::serves(staff, &tenant),
        None => {
            actor.app_id == *app
                && ctx
                    .store
                    .member(&ticket.group_id, &actor.app_id, &actor.open_id)
                    .await?
                    .is_some()
        }
    };
    if allowed {
        Ok((ticket, tenant))
    } else {
        Err(missing())
    }
}
