//! What people are told about tickets, and whom: the wording and the recipients of every ticket
//! notification (opened, moved, replies, emergency pages and the on-call post, SLA warnings),
//! in one place that tickets and jobs call.

use crate::actor::Actor;
use crate::context::AppContext;
use crate::domain::model::*;
use crate::domain::notification::*;
use crate::domain::tickets::{self as rules, Status};
use crate::error::AppResult;
use crate::ids::{AppId, OpenId};

pub(crate) fn ticket_link(ctx: &AppContext, app_id: &AppId, t: &Ticket) -> String {
    super::group_link(&ctx.settings.base_url, app_id, &t.group_id)
}

pub(crate) fn ticket_notification(
    ctx: &AppContext,
    tenant_name: &str,
    t: &Ticket,
    kind: NotificationKind,
    to: Recipient,
    title: String,
    event: &str,
) -> Notification {
    Notification {
        id: format!(
            "{event}.{}.{}.{}.{}",
            t.app_id, t.number, to.app_id, to.open_id
        ),
        kind,
        urgent: false,
        link: ticket_link(ctx, &to.app_id, t),
        recipient: to,
        org_app_id: t.app_id.clone(),
        org_name: tenant_name.to_owned(),
        group_id: Some(t.group_id.clone()),
        group_name: Some(format!("#{} {}", t.number, t.title)),
        actor: Some(t.created_by.name.clone()),
        title,
        excerpt: crate::domain::chat::excerpt(&t.description),
        created_at: t.updated_at,
        card_key: None,
        ticket: Some(crate::ids::TicketId::new(t.app_id.clone(), t.number).to_string()),
        ticket_status: Some(t.status),
        only_update: false,
    }
}

/// The key of a person's status card for a ticket: one card per person, updated in place.
pub(crate) fn status_card(mut n: Notification, t: &Ticket) -> Notification {
    n.card_key = Some(format!("ticket.{}.{}", t.app_id, t.number));
    n
}

pub(crate) fn opened_notifications(
    ctx: &AppContext,
    tenant: &Tenant,
    t: &Ticket,
) -> Vec<Notification> {
    let mut out = Vec::new();
    if let Some(assignee) = &t.assignee {
        out.push(status_card(
            ticket_notification(
                ctx,
                &tenant.org_name,
                t,
                NotificationKind::TicketAssigned,
                Recipient {
                    app_id: ctx.settings.provider_app_id.clone(),
                    open_id: assignee.clone(),
                    name: t.assignee_name.clone().unwrap_or_default(),
                },
                format!(
                    "{} #{} assigned to you: {}",
                    t.severity.label(),
                    t.number,
                    t.title
                ),
                "assigned",
            ),
            t,
        ));
    }
    out.push(status_card(
        ticket_notification(
            ctx,
            &tenant.org_name,
            t,
            NotificationKind::TicketUpdated,
            Recipient {
                app_id: t.created_by.app_id.clone(),
                open_id: t.created_by.open_id.clone(),
                name: t.created_by.name.clone(),
            },
            format!(
                "Ticket #{} opened: {} is on it",
                t.number,
                t.assignee_name.clone().unwrap_or_else(|| "your TAM".into())
            ),
            "opened",
        ),
        t,
    ));
    out
}

/// The creator and the assignee hear about a move they did not make themselves.
pub(crate) fn moved_notifications(
    ctx: &AppContext,
    actor: &Actor,
    tenant: &Tenant,
    t: &Ticket,
    from: Status,
) -> Vec<Notification> {
    let title = format!(
        "#{} {}: {} → {}",
        t.number,
        t.title,
        from.label(),
        t.status.label()
    );
    let mut recipients = vec![Recipient {
        app_id: t.created_by.app_id.clone(),
        open_id: t.created_by.open_id.clone(),
        name: t.created_by.name.clone(),
    }];
    if let Some(assignee) = &t.assignee {
        recipients.push(Recipient {
            app_id: ctx.settings.provider_app_id.clone(),
            open_id: assignee.clone(),
            name: t.assignee_name.clone().unwrap_or_default(),
        });
    }
    let event = format!("moved-{}", t.history.len());
    recipients
        .into_iter()
        .filter(|r| !actor.is(&r.app_id, &r.open_id))
        .map(|to| {
            let mut n = ticket_notification(
                ctx,
                &tenant.org_name,
                t,
                NotificationKind::TicketUpdated,
                to,
                title.clone(),
                &event,
            );
            n.actor = Some(actor.name.clone());
            n.excerpt = format!(
                "{} moved it to {}.",
                actor.name,
                t.status.label().to_lowercase()
            );
            status_card(n, t)
        })
        .collect()
}

/// A reply in a ticket group reaches the other side: the service team's reply reaches the
/// ticket's creator, the customer's reply reaches the assignee (people it mentions are notified
/// for the mention already). These go through the notifier's window like any other.
pub(crate) async fn reply_notifications(
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

pub(crate) fn page_notifications(
    ctx: &AppContext,
    tenant: &Tenant,
    t: &Ticket,
    reason: rules::EmergencyReason,
    page: u32,
    to: Vec<Recipient>,
) -> Vec<Notification> {
    to.into_iter()
        .map(|r| {
            let mut n = ticket_notification(
                ctx,
                &tenant.org_name,
                t,
                NotificationKind::Emergency,
                r,
                if page == 1 {
                    format!(
                        "EMERGENCY on #{}: {} ({})",
                        t.number,
                        t.title,
                        reason.label()
                    )
                } else {
                    format!(
                        "EMERGENCY on #{} still not acknowledged (page {page})",
                        t.number
                    )
                },
                &format!("emergency-page{page}"),
            );
            n.urgent = true;
            n.excerpt = format!(
                "{} reports {} at {}. Acknowledge it in the staff console.",
                t.created_by.name,
                reason.label(),
                tenant.org_name
            );
            // Each page is a card entity of its own, so an acknowledgement can change every
            // copy of every page in place (`acknowledged_pages`).
            n.card_key = Some(page_card(t, page));
            n
        })
        .collect()
}

fn page_card(t: &Ticket, page: u32) -> String {
    format!("page.{}.{}.{page}", t.app_id, t.number)
}

/// Every copy of every page of an emergency changes to say who acknowledged it and when (in
/// place: no new DM; someone with no live copy gets nothing).
pub(crate) fn acknowledged_pages(
    ctx: &AppContext,
    tenant: &Tenant,
    t: &Ticket,
    by: &str,
    minutes: i64,
    pages: u32,
    paged: &[Recipient],
) -> Vec<Notification> {
    let mut out = Vec::new();
    for page in 1..=pages {
        for r in paged {
            let mut n = ticket_notification(
                ctx,
                &tenant.org_name,
                t,
                NotificationKind::EmergencyAcknowledged,
                r.clone(),
                format!("Emergency on #{} acknowledged", t.number),
                &format!("emergency-ack-page{page}"),
            );
            n.excerpt = format!("{by} acknowledged it after {minutes} min. The pages stopped.");
            n.card_key = Some(page_card(t, page));
            n.only_update = true;
            out.push(n);
        }
    }
    out
}

pub(crate) fn oncall_post(
    ctx: &AppContext,
    tenant: &Tenant,
    t: &Ticket,
    reason: rules::EmergencyReason,
    page: u32,
) -> super::OnCallPost {
    super::OnCallPost {
        id: format!("oncall.{}.{}.{page}", t.app_id, t.number),
        title: if page == 1 {
            format!(
                "EMERGENCY · {} · #{} {}",
                tenant.org_name, t.number, t.title
            )
        } else {
            format!(
                "STILL UNACKNOWLEDGED (page {page}) · {} · #{}",
                tenant.org_name, t.number
            )
        },
        text: format!(
            "{} reports {}. Assignee: {}. Acknowledge in the staff console.",
            t.created_by.name,
            reason.label(),
            t.assignee_name.as_deref().unwrap_or("nobody")
        ),
        link: ticket_link(ctx, &ctx.settings.provider_app_id, t),
    }
}

pub(crate) fn sla_notifications(
    ctx: &AppContext,
    tenant: &Tenant,
    t: &Ticket,
    breach: bool,
) -> Vec<Notification> {
    let provider = &ctx.settings.provider_app_id;
    let mut ids: Vec<&OpenId> = t.assignee.iter().collect();
    if let Some(tam) = tenant.tam.as_ref().filter(|tam| !ids.contains(tam)) {
        ids.push(tam);
    }
    let (event, title) = if breach {
        (
            "sla-breach",
            format!("SLA breached on #{}: {}", t.number, t.title),
        )
    } else {
        (
            "sla-warning",
            format!("First response due soon on #{}: {}", t.number, t.title),
        )
    };
    ids.into_iter()
        .map(|id| {
            let mut n = ticket_notification(
                ctx,
                &tenant.org_name,
                t,
                NotificationKind::Sla,
                Recipient {
                    app_id: provider.clone(),
                    open_id: id.clone(),
                    name: String::new(),
                },
                title.clone(),
                event,
            );
            n.excerpt = format!(
                "{} — first response due {}.",
                t.severity.label(),
                crate::clock::format_utc(t.first_response_due)
            );
            n
        })
        .collect()
}
