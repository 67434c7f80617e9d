//! Asking to join a ticket's group: a colleague who sees a ticket in the organisation's list but
//! is not in its group asks its creator, who adds them with Add People (or does not).

use serde::Serialize;

use crate::actor::Actor;
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::ids::TicketId;
use crate::msg;
use crate::notify::tickets::ticket_notification;
use crate::notify::{self, NotificationKind, Recipient};
use crate::store::Side;

/// A person asks about one ticket at most once a day.
pub const ASK_AGAIN_AFTER: i64 = 24 * 3600;

/// What the asker is told.
#[derive(Debug, Serialize)]
pub struct JoinAsked {
    /// Who was asked, by name: the ticket's creator.
    pub asked: String,
}

/// A colleague of the organisation, in its service group but not in the ticket's group, asks
/// the ticket's creator to add them. Anyone who could not see the ticket in the list gets the
/// ticket's own 404; someone already in its group, a 409.
#[tracing::instrument(skip_all, fields(actor = %actor.open_id, ticket = %id))]
pub async fn ask_to_join(ctx: &AppContext, actor: &Actor, id: &TicketId) -> AppResult<JoinAsked> {
    let missing =
        || AppError::NotFound(msg!("error-ticket-unknown", ticket = id.to_string()).into());
    if actor.side != Side::Colleague || actor.app_id != id.app {
        return Err(missing());
    }
    let tenant = crate::orgs::load(ctx, &id.app).await?;
    let ticket = ctx
        .store
        .ticket(&id.app, id.number)
        .await?
        .ok_or_else(missing)?;
    let mut groups = vec![ticket.group_id.clone()];
    groups.extend(tenant.service_group_id.clone());
    let member_of = ctx
        .store
        .memberships_among(&groups, &actor.app_id, &actor.open_id)
        .await?;
    if member_of.contains(&ticket.group_id) {
        return Err(AppError::Conflict(
            msg!("error-already-in-ticket", number = ticket.number).into(),
        ));
    }
    // The list shows the ticket only to the service group's members (`tickets::list`).
    if !tenant
        .service_group_id
        .as_ref()
        .is_some_and(|g| member_of.contains(g))
    {
        return Err(missing());
    }
    let now = ctx.now();
    if !ctx
        .store
        .ask_to_join(&id.app, id.number, &actor.open_id, ASK_AGAIN_AFTER, now)
        .await?
    {
        return Err(AppError::TooSoon(
            msg!(
                "error-asked-today",
                who = &ticket.created_by.name,
                number = ticket.number
            )
            .into(),
        ));
    }
    let creator = Recipient {
        app_id: ticket.created_by.app_id.clone(),
        open_id: ticket.created_by.open_id.clone(),
        name: ticket.created_by.name.clone(),
    };
    let mut n = ticket_notification(
        ctx,
        &tenant.org_name,
        &ticket,
        NotificationKind::TicketUpdated,
        creator,
        msg!(
            "note-asks-to-join",
            who = &actor.name,
            number = ticket.number,
            title = &ticket.title
        ),
        &format!(
            "ask-join.{}.{}",
            actor.open_id,
            now.div_euclid(ASK_AGAIN_AFTER)
        ),
    );
    n.excerpt = msg!("note-asks-to-join-excerpt", who = &actor.name).into();
    n.actor = Some(actor.name.clone());
    // A request, not a change of the ticket: no buttons for acting on the ticket.
    n.ticket = None;
    n.ticket_status = None;
    notify::enqueue(ctx, &[n]).await?;
    Ok(JoinAsked {
        asked: ticket.created_by.name.clone(),
    })
}
