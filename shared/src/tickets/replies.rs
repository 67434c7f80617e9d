//! Replies in a ticket group reach the other side.

use super::*;

/// A reply in a ticket group reaches the other side: the service team's reply reaches the
/// ticket's creator, the customer's reply reaches the assignee (people it mentions are notified
/// for the mention already). These go through the notifier's window like any other.
pub async fn reply_notifications(
    ctx: &AppContext,
    group: &Group,
    org_name: &str,
    number: u64,
    message: &Message,
    author_side: Side,
) -> AppResult<Vec<Notification>> {
    let Some(ticket) = ctx.store.ticket(&group.app_id, number).await? else {
        return Ok(Vec::new());
    };
    let to = match author_side {
        Side::Service => Recipient {
            app_id: ticket.created_by.app_id.clone(),
            open_id: ticket.created_by.open_id.clone(),
            name: ticket.created_by.name.clone(),
        },
        Side::Colleague => match &ticket.assignee {
            Some(a) => Recipient {
                app_id: ctx.settings.provider_app_id.clone(),
                open_id: a.clone(),
                name: ticket.assignee_name.clone().unwrap_or_default(),
            },
            None => return Ok(Vec::new()),
        },
    };
    let author = message.author.as_ref();
    let is_author = author.is_some_and(|a| a.app_id == to.app_id && a.open_id == to.open_id);
    let mentioned = message
        .mentions
        .iter()
        .any(|m| m.app_id == to.app_id && m.open_id == to.open_id);
    if is_author || mentioned {
        return Ok(Vec::new());
    }
    let who = author.map_or("Someone", |a| a.name.as_str());
    let mut n = ticket_notification(
        ctx,
        org_name,
        &ticket,
        NotificationKind::TicketUpdated,
        to,
        format!("{who} replied on #{}: {}", ticket.number, ticket.title),
        &format!("reply-{}", message.id),
    );
    n.actor = Some(who.to_owned());
    n.excerpt = crate::domain::chat::excerpt(&message.text);
    n.created_at = message.created_at;
    Ok(vec![n])
}
