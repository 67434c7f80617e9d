//! Reassignment: the TAM, a manager or admin, or the assignee handing over, gives a ticket to
//! another engineer who serves the organisation.

use super::{
    audit_of, ensure_open, kept_changing, mover, service_member, view, visible, TicketView,
    ATTEMPTS,
};
use crate::actor::Actor;
use crate::context::AppContext;
use crate::domain::audit::AuditKind;
use crate::domain::tickets::Mover;
use crate::error::{AppError, AppResult};
use crate::ids::{OpenId, TicketId};
use crate::notify::tickets::reassigned_notifications;
use crate::store::{retry_on_conflict, settle, Attempt, Staff, Tenant, Ticket};
use crate::{msg, notify};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReassignInput {
    /// The engineer's open_id in the provider app.
    pub engineer: String,
}

/// Whether this actor may hand the ticket on: its TAM, a manager or admin, or its assignee.
pub fn may_reassign(actor: &Actor, ticket: &Ticket, tenant: &Tenant) -> bool {
    matches!(
        mover(actor, ticket, tenant),
        Mover::Tam | Mover::Manager | Mover::Assignee
    ) && ticket.status.is_open()
}

/// The engineers a ticket could go to: engineers who serve its organisation, but not the one
/// who has it.
pub fn reassign_candidates<'a>(
    staff: &'a [Staff],
    ticket: &Ticket,
    tenant: &Tenant,
) -> Vec<&'a Staff> {
    staff
        .iter()
        .filter(|s| {
            s.role == crate::domain::roles::StaffRole::Engineer
                && crate::orgs::serves(s, tenant)
                && ticket.assignee.as_ref() != Some(&s.open_id)
        })
        .collect()
}

/// Hands the ticket to `input.engineer`. Concurrent reassignments of one ticket end with one
/// assignee and counts that add up: each is one transaction conditioned on the assignee it read.
#[tracing::instrument(skip_all, fields(actor = %actor.open_id, ticket = %id))]
pub async fn reassign(
    ctx: &AppContext,
    actor: &Actor,
    id: &TicketId,
    input: &ReassignInput,
) -> AppResult<TicketView> {
    if actor.staff.is_none() {
        return Err(AppError::Forbidden(msg!("error-reassign-staff").into()));
    }
    let engineer = OpenId::parse(input.engineer.trim())?;
    retry_on_conflict(ATTEMPTS, || async {
        let (ticket, tenant) = visible(ctx, actor, id).await?;
        ensure_open(
            &ticket,
            msg!(
                "ticket-closed-reassign",
                number = ticket.number,
                status = ticket.status.as_arg()
            ),
        )?;
        if !may_reassign(actor, &ticket, &tenant) {
            return Err(AppError::Forbidden(msg!("error-reassign-who").into()));
        }
        let provider = &ctx.settings.provider_app_id;
        let staff = ctx.store.all_staff(provider).await?;
        let Some(to) = staff.iter().find(|s| s.open_id == engineer) else {
            return Err(AppError::Unprocessable(
                msg!("error-reassign-target", who = engineer.to_string()).into(),
            ));
        };
        if ticket.assignee.as_ref() == Some(&to.open_id) {
            return Err(AppError::Conflict(
                msg!(
                    "error-reassign-same",
                    who = &to.name,
                    number = ticket.number
                )
                .into(),
            ));
        }
        if !reassign_candidates(&staff, &ticket, &tenant)
            .iter()
            .any(|s| s.open_id == to.open_id)
        {
            return Err(AppError::Unprocessable(
                msg!("error-reassign-target", who = &to.name).into(),
            ));
        }
        let now = ctx.now();
        let from_name = ticket.assignee_name.clone().unwrap_or_default();
        let line = ctx
            .store
            .next_line(
                &ticket.group_id,
                msg!(
                    "line-reassigned",
                    who = &actor.name,
                    number = ticket.number,
                    from = &from_name,
                    to = &to.name
                ),
                now,
            )
            .await?;
        let member = service_member(&ticket.group_id, provider, to, &actor.open_id, now);
        let written = ctx
            .store
            .reassign_ticket(&crate::store::Reassignment {
                ticket: &ticket,
                to,
                member: &member,
                provider_app: provider,
                line: &line,
                audit: &audit_of(
                    actor,
                    &ticket.app_id,
                    ticket.number,
                    AuditKind::TicketReassigned,
                    now,
                )
                .change("assignee", Some(from_name.clone()), Some(to.name.clone())),
                now,
            })
            .await;
        match settle(written)? {
            Attempt::Lost => Ok(Attempt::Lost),
            Attempt::Written(()) => {
                let mut moved = ticket.clone();
                let old = moved.assignee.replace(to.open_id.clone());
                moved.assignee_name = Some(to.name.clone());
                moved.assigned_to_tam = false;
                moved.updated_at = now;
                notify::enqueue(
                    ctx,
                    &reassigned_notifications(ctx, actor, &tenant, &moved, old, &from_name),
                )
                .await?;
                tracing::info!(to = %to.open_id, "ticket reassigned");
                Ok(Attempt::Written(view(&moved, now, actor.lang)))
            }
        }
    })
    .await?
    .ok_or_else(kept_changing)
}
