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
use crate::msg;

pub(crate) fn ticket_link(ctx: &AppContext, app_id: &AppId, t: &Ticket) -> String {
    super::group_link(&ctx.settings.base_url, app_id, &t.group_id)
}

pub(crate) fn ticket_notification(
    ctx: &AppContext,
    tenant_name: &str,
    t: &Ticket,
    kind: NotificationKind,
    to: Recipient,
    title: crate::i18n::Msg,
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
        title: title.into(),
        excerpt: crate::domain::chat::excerpt(&t.description).into(),
        created_at: t.updated_at,
        card_key: None,
        ticket: Some(crate::ids::TicketId::new(t.app_id.clone(), t.number).to_string()),
        ticket_status: Some(t.status),
        only_update: false,
        survey: false,
        seq: None,
        revision: None,
    }
}

/// The key of a person's status card for a ticket: one card per person, updated in place.
pub(crate) fn status_card(mut n: Notification, t: &Ticket) -> Notification {
    n.card_key = Some(format!("ticket.{}.{}", t.app_id, t.number));
    n.revision = Some(Revision {
        at: t.updated_at,
        changes: t.history.len() as u64,
    });
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
                msg!(
                    "note-assigned",
                    severity = t.severity.as_arg(),
                    number = t.number,
                    title = &t.title
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
            match &t.assignee_name {
                Some(who) => msg!("note-opened", number = t.number, who = who),
                None => msg!("note-opened-tam", number = t.number),
            },
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
    let title = msg!(
        "note-moved",
        number = t.number,
        title = &t.title,
        from = from.as_arg(),
        to = t.status.as_arg()
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
            n.excerpt = msg!("note-moved-by", who = &actor.name, to = t.status.as_arg()).into();
            status_card(n, t)
        })
        .collect()
}

/// A reassigned ticket: the new engineer gets it like a new assignment (their status card for
/// it), the one who had it hears who has it now; neither hears of their own doing.
pub(crate) fn reassigned_notifications(
    ctx: &AppContext,
    actor: &Actor,
    tenant: &Tenant,
    t: &Ticket,
    old: Option<OpenId>,
    old_name: &str,
) -> Vec<Notification> {
    let provider = &ctx.settings.provider_app_id;
    let new = t.assignee.clone().map(|open_id| {
        let mut n = status_card(
            ticket_notification(
                ctx,
                &tenant.org_name,
                t,
                NotificationKind::TicketAssigned,
                Recipient {
                    app_id: provider.clone(),
                    open_id,
                    name: t.assignee_name.clone().unwrap_or_default(),
                },
                msg!(
                    "note-reassigned-to-you",
                    who = &actor.name,
                    number = t.number,
                    title = &t.title
                ),
                &format!("reassigned-{}", t.updated_at),
            ),
            t,
        );
        n.actor = Some(actor.name.clone());
        n
    });
    let before = old.map(|open_id| {
        let mut n = ticket_notification(
            ctx,
            &tenant.org_name,
            t,
            NotificationKind::TicketUpdated,
            Recipient {
                app_id: provider.clone(),
                open_id,
                name: old_name.to_owned(),
            },
            msg!(
                "note-reassigned-away",
                number = t.number,
                title = &t.title,
                to = t.assignee_name.as_deref().unwrap_or_default()
            ),
            &format!("reassigned-away-{}", t.updated_at),
        );
        n.actor = Some(actor.name.clone());
        n
    });
    new.into_iter()
        .chain(before)
        .filter(|n| !actor.is(&n.recipient.app_id, &n.recipient.open_id))
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
    let who = author.map_or("", |a| a.name.as_str());
    let mut n = ticket_notification(
        ctx,
        org_name,
        &ticket,
        NotificationKind::TicketUpdated,
        to,
        msg!(
            "note-replied",
            who = who,
            number = ticket.number,
            title = &ticket.title
        ),
        &format!("reply-{}", message.id),
    );
    n.actor = Some(who.to_owned());
    n.excerpt = crate::domain::chat::excerpt(&message.text).into();
    n.created_at = message.created_at;
    n.seq = Some(message.seq);
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
                    msg!(
                        "note-emergency",
                        number = t.number,
                        title = &t.title,
                        reason = reason.as_arg()
                    )
                } else {
                    msg!("note-emergency-again", number = t.number, page = page)
                },
                &format!("emergency-page{page}"),
            );
            n.urgent = true;
            n.excerpt = msg!(
                "note-emergency-excerpt",
                who = &t.created_by.name,
                reason = reason.as_arg(),
                org = &tenant.org_name
            )
            .into();
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
                msg!("note-emergency-acknowledged", number = t.number),
                &format!("emergency-ack-page{page}"),
            );
            n.excerpt = msg!("note-pages-stopped", who = by, minutes = minutes).into();
            n.card_key = Some(page_card(t, page));
            n.only_update = true;
            out.push(n);
        }
    }
    out
}

/// What the on-call channel hears of `t`'s emergency: its first page, a re-page, or that its
/// pages ran out (`escalated`). `others`: the organisation's other unacknowledged emergencies,
/// which the post lists (posts collapse per organisation).
pub(crate) fn oncall_post(
    ctx: &AppContext,
    tenant: &Tenant,
    t: &Ticket,
    reason: rules::EmergencyReason,
    page: u32,
    escalated: bool,
    others: &[u64],
) -> super::OnCallPost {
    let title = if escalated {
        msg!(
            "oncall-title-escalated",
            pages = page,
            org = &tenant.org_name,
            number = t.number
        )
    } else if page == 1 {
        msg!(
            "oncall-title",
            org = &tenant.org_name,
            number = t.number,
            title = &t.title
        )
    } else {
        msg!(
            "oncall-title-again",
            page = page,
            org = &tenant.org_name,
            number = t.number
        )
    };
    let text = match &t.assignee_name {
        Some(assignee) => msg!(
            "oncall-text",
            who = &t.created_by.name,
            reason = reason.as_arg(),
            assignee = assignee
        ),
        None => msg!(
            "oncall-text-unassigned",
            who = &t.created_by.name,
            reason = reason.as_arg()
        ),
    };
    let text = if escalated {
        msg!("oncall-text-escalated", text = text)
    } else {
        text
    };
    let text = if others.is_empty() {
        text
    } else {
        let numbers: Vec<String> = others.iter().map(|n| format!("#{n}")).collect();
        msg!(
            "oncall-text-others",
            text = text,
            others = numbers.join(", ")
        )
    };
    let kind = if escalated { "escalated" } else { "page" };
    super::OnCallPost {
        id: format!("oncall.{}.{}.{kind}{page}", t.app_id, t.number),
        title: title.into(),
        text: text.into(),
        link: ticket_link(ctx, &ctx.settings.provider_app_id, t),
    }
}

/// Who hears of a deadline (first response or resolution): the assignee and the TAM, once each,
/// through the provider app.
fn deadline_recipients(ctx: &AppContext, tenant: &Tenant, t: &Ticket) -> Vec<Recipient> {
    let mut ids: Vec<&OpenId> = t.assignee.iter().collect();
    if let Some(tam) = tenant.tam.as_ref().filter(|tam| !ids.contains(tam)) {
        ids.push(tam);
    }
    ids.into_iter()
        .map(|id| Recipient {
            app_id: ctx.settings.provider_app_id.clone(),
            open_id: id.clone(),
            name: String::new(),
        })
        .collect()
}

pub(crate) fn sla_notifications(
    ctx: &AppContext,
    tenant: &Tenant,
    t: &Ticket,
    breach: bool,
) -> Vec<Notification> {
    let (event, title) = if breach {
        (
            "sla-breach",
            msg!("note-sla-breached", number = t.number, title = &t.title),
        )
    } else {
        (
            "sla-warning",
            msg!("note-sla-soon", number = t.number, title = &t.title),
        )
    };
    deadline_recipients(ctx, tenant, t)
        .into_iter()
        .map(|to| {
            let mut n = ticket_notification(
                ctx,
                &tenant.org_name,
                t,
                NotificationKind::Sla,
                to,
                title.clone(),
                event,
            );
            // Minutes, not a clock time: right in every reader's time zone.
            let minutes = ((t.first_response_due - ctx.now()).abs() + 59) / 60;
            n.excerpt = if breach {
                msg!(
                    "note-sla-excerpt-late",
                    severity = t.severity.as_arg(),
                    minutes = minutes
                )
            } else {
                msg!(
                    "note-sla-excerpt-soon",
                    severity = t.severity.as_arg(),
                    minutes = minutes
                )
            }
            .into();
            n
        })
        .collect()
}

/// The resolution deadline is near (an hour) or passed: the assignee and the TAM hear, once each.
pub(crate) fn resolution_notifications(
    ctx: &AppContext,
    tenant: &Tenant,
    t: &Ticket,
    breach: bool,
) -> Vec<Notification> {
    let (event, title) = if breach {
        (
            "resolution-breach",
            msg!(
                "note-resolution-breached",
                number = t.number,
                title = &t.title
            ),
        )
    } else {
        (
            "resolution-warning",
            msg!("note-resolution-soon", number = t.number, title = &t.title),
        )
    };
    deadline_recipients(ctx, tenant, t)
        .into_iter()
        .map(|to| {
            ticket_notification(
                ctx,
                &tenant.org_name,
                t,
                NotificationKind::Sla,
                to,
                title.clone(),
                event,
            )
        })
        .collect()
}
