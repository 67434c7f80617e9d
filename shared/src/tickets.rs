//! Tickets as people use them: a colleague opens one from the service group and lands in its
//! ticket group with an engineer assigned fairly and their TAM; the ticket moves through its
//! lifecycle by the table in `domain::tickets`, each move recorded and shown in the group.

use serde::{Deserialize, Serialize};

use crate::clock::{format_utc, Epoch};
use crate::context::AppContext;
use crate::domain::tickets::{self as rules, Candidate, Mover, Severity, Status};
use crate::error::{AppError, AppResult};
use crate::groups::Actor;
use crate::ids::AppId;
use crate::notify::{self, Notification, NotificationKind, Recipient};
use crate::store::{
    Group, GroupKind, JoinedVia, Member, Message, MessageKind, NewTicket, Side, Staff, StoreError,
    Tenant, TenantKind, TenantStatus, Ticket, TicketChange, TicketMove,
};

const ATTEMPTS: u64 = 20;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTicketInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub severity: Severity,
    pub product: Option<String>,
    pub category: Option<String>,
}

/// A ticket as the workbench and the console show it.
#[derive(Debug, Serialize)]
pub struct TicketView {
    /// `{org app}.{number}`: how routes name a ticket.
    pub id: String,
    pub app_id: String,
    pub number: u64,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub severity_label: &'static str,
    pub status: Status,
    pub status_label: &'static str,
    pub assignee: Option<String>,
    pub assigned_to_tam: bool,
    pub group_id: String,
    pub created_by: String,
    pub created_at: Epoch,
    pub first_response_due: Epoch,
    pub sla: String,
    pub sla_breached: bool,
    pub history: Vec<crate::store::TicketChange>,
    pub reminders: u32,
    /// When Reminder can be pressed again (now or earlier: it can).
    pub next_reminder_at: Epoch,
    pub next_reminder: String,
    pub emergency: Option<crate::store::Emergency>,
    /// An emergency nobody on the service team has acknowledged yet.
    pub emergency_open: bool,
}

/// The first-response SLA as a person reads it.
fn sla_state(t: &Ticket, now: Epoch) -> (String, bool) {
    match t.first_response_at {
        Some(at) if at <= t.first_response_due => ("First response met".into(), false),
        Some(_) => ("First response late".into(), true),
        None if !t.status.is_open() => ("Closed without response".into(), false),
        None if now >= t.first_response_due => (
            format!(
                "Response overdue since {}",
                format_utc(t.first_response_due)
            ),
            true,
        ),
        None => {
            let left = t.first_response_due - now;
            let text = if left >= 3600 {
                format!(
                    "Response due in {}h {:02}m",
                    left / 3600,
                    (left % 3600) / 60
                )
            } else {
                format!("Response due in {}m", (left + 59) / 60)
            };
            (text, false)
        }
    }
}

pub fn view(t: &Ticket, now: Epoch) -> TicketView {
    let (sla, sla_breached) = sla_state(t, now);
    TicketView {
        id: format!("{}.{}", t.app_id, t.number),
        app_id: t.app_id.clone(),
        number: t.number,
        title: t.title.clone(),
        description: t.description.clone(),
        severity: t.severity,
        severity_label: t.severity.label(),
        status: t.status,
        status_label: t.status.label(),
        assignee: t.assignee_name.clone(),
        assigned_to_tam: t.assigned_to_tam,
        group_id: t.group_id.clone(),
        created_by: t.created_by.name.clone(),
        created_at: t.created_at,
        first_response_due: t.first_response_due,
        sla,
        sla_breached,
        history: t.history.clone(),
        reminders: t.reminders,
        next_reminder_at: rules::next_reminder_at(t.last_reminder_at, now),
        next_reminder: format_utc(rules::next_reminder_at(t.last_reminder_at, now)),
        emergency_open: t
            .emergency
            .as_ref()
            .is_some_and(|e| e.acknowledged_by.is_none()),
        emergency: t.emergency.clone(),
    }
}

fn clean(optional: Option<String>) -> AppResult<Option<String>> {
    match optional
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
    {
        Some(v) if v.chars().count() > 100 => Err(AppError::Unprocessable(
            "Product and category can be at most 100 characters.".into(),
        )),
        other => Ok(other),
    }
}

fn system_line(group_id: &str, seq: u64, text: String, now: Epoch) -> Message {
    Message {
        group_id: group_id.to_owned(),
        seq,
        id: ulid::Ulid::new().to_string().to_lowercase(),
        kind: MessageKind::System,
        author: None,
        text,
        mentions: Vec::new(),
        client_id: None,
        created_at: now,
    }
}

fn service_member(group_id: &str, provider: &str, staff: &Staff, by: &str, now: Epoch) -> Member {
    Member {
        group_id: group_id.to_owned(),
        side: Side::Service,
        app_id: provider.to_owned(),
        open_id: staff.open_id.clone(),
        name: staff.name.clone(),
        avatar: staff.avatar.clone(),
        role: Some(staff.role),
        added_by: by.to_owned(),
        added_at: now,
        via: JoinedVia::Ticket,
    }
}

/// Opens a ticket for a colleague of an active organisation.
pub async fn create(
    ctx: &AppContext,
    actor: &Actor,
    input: NewTicketInput,
) -> AppResult<TicketView> {
    if actor.side != Side::Colleague {
        return Err(AppError::Forbidden(
            "Tickets are opened by the customer's colleagues, from their workbench.".into(),
        ));
    }
    rules::validate_new(&input.title, &input.description).map_err(AppError::Unprocessable)?;
    let product = clean(input.product)?;
    let category = clean(input.category)?;
    let provider = ctx.settings.provider_app_id.clone();
    for attempt in 0..ATTEMPTS {
        crate::store::pause_before_retry(attempt).await;
        let now = ctx.now();
        let tenant = crate::orgs::load(ctx, &actor.app_id).await?;
        let Some(service_group_id) = tenant.service_group_id.clone().filter(|_| {
            tenant.status == TenantStatus::Active && tenant.kind == TenantKind::Customer
        }) else {
            return Err(AppError::Conflict(
                "Your organisation's support channel is not active yet; your TAM activates it."
                    .into(),
            ));
        };
        let staff = ctx.store.all_staff(&provider).await?;
        let (engineer, holder) = assign(&tenant, &staff)?;
        let number = tenant.ticket_seq + 1;
        let group_id = format!("g_{}", ulid::Ulid::new().to_string().to_lowercase());
        let title = input.title.trim().to_owned();
        let group = Group {
            id: group_id.clone(),
            app_id: tenant.app_id.clone(),
            kind: GroupKind::Ticket,
            name: format!("#{number} {title}"),
            created_at: now,
            msg_seq: 1,
            ticket: Some(number),
        };
        let mut members = vec![actor.as_member(&group_id, &actor.open_id, JoinedVia::Ticket, now)];
        members.push(service_member(
            &group_id,
            &provider,
            holder,
            &actor.open_id,
            now,
        ));
        if let Some(tam) = tenant.tam.as_deref().filter(|t| *t != holder.open_id) {
            if let Some(tam) = staff.iter().find(|s| s.open_id == tam) {
                members.push(service_member(
                    &group_id,
                    &provider,
                    tam,
                    &actor.open_id,
                    now,
                ));
            }
        }
        let who = if engineer.is_some() {
            format!("{} is on it", holder.name)
        } else {
            format!(
                "No engineer is on duty, so {} (your TAM) holds it for now",
                holder.name
            )
        };
        let ticket = Ticket {
            app_id: tenant.app_id.clone(),
            number,
            title: title.clone(),
            description: input.description.clone(),
            severity: input.severity,
            product: product.clone(),
            category: category.clone(),
            status: Status::Assigned,
            created_by: actor.author(),
            created_at: now,
            updated_at: now,
            assignee: Some(holder.open_id.clone()),
            assignee_name: Some(holder.name.clone()),
            assigned_to_tam: engineer.is_none(),
            group_id: group_id.clone(),
            first_response_due: now + tenant.sla.seconds(input.severity),
            first_response_at: None,
            history: Vec::new(),
            reminders: 0,
            last_reminder_at: None,
            sla_warned: false,
            sla_breach_notified: false,
            emergency: None,
        };
        let opening = system_line(
            &group_id,
            1,
            format!(
                "{} opened #{number} ({}): {title}. {who}.",
                actor.name,
                input.severity.label()
            ),
            now,
        );
        let service = ctx.store.group(&service_group_id).await?.ok_or_else(|| {
            AppError::Internal(format!("service group {service_group_id} is missing"))
        })?;
        let announcement = system_line(
            &service_group_id,
            service.msg_seq + 1,
            format!("{} opened ticket #{number}: {title}. {who}.", actor.name),
            now,
        );
        let write = NewTicket {
            tenant: &tenant,
            ticket: &ticket,
            group: &group,
            members: &members,
            engineer,
            provider_app: &provider,
            opening: &opening,
            announcement: Some((&service, &announcement)),
            now,
        };
        match ctx.store.create_ticket(&write).await {
            Ok(()) => {
                notify::enqueue(ctx, &opened_notifications(ctx, &tenant, &ticket)).await?;
                tracing::info!(app_id = %tenant.app_id, number, assignee = %holder.open_id, "ticket opened");
                return Ok(view(&ticket, now));
            }
            Err(StoreError::ConditionFailed) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Unavailable(
        "ticket creation kept colliding".into(),
    ))
}

/// The engineer the fair-assignment rule picks, or the TAM when nobody is on duty.
fn assign<'a>(tenant: &Tenant, staff: &'a [Staff]) -> AppResult<(Option<&'a Staff>, &'a Staff)> {
    let candidates: Vec<Candidate> = staff
        .iter()
        .filter(|s| tenant.engineers.contains(&s.open_id))
        .map(|s| Candidate {
            open_id: s.open_id.clone(),
            on_duty: s.on_duty,
            load: s.open_tickets,
        })
        .collect();
    if let Some(pick) = rules::pick_engineer(&candidates, tenant.last_assigned.as_deref()) {
        let engineer = staff
            .iter()
            .find(|s| s.open_id == pick.open_id)
            .expect("picked from this list");
        return Ok((Some(engineer), engineer));
    }
    let tam = tenant
        .tam
        .as_deref()
        .and_then(|t| staff.iter().find(|s| s.open_id == t))
        .ok_or_else(|| {
            AppError::Conflict(
                "Nobody on the service team can take tickets right now and no TAM is assigned; ask your provider.".into(),
            )
        })?;
    Ok((None, tam))
}

fn ticket_link(ctx: &AppContext, app_id: &str, t: &Ticket) -> String {
    notify::group_link(&ctx.settings.base_url, app_id, &t.group_id)
}

fn ticket_notification(
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
    }
}

/// The key of a person's status card for a ticket: one card per person, updated in place.
fn status_card(mut n: Notification, t: &Ticket) -> Notification {
    n.card_key = Some(format!("ticket.{}.{}", t.app_id, t.number));
    n
}

fn opened_notifications(ctx: &AppContext, tenant: &Tenant, t: &Ticket) -> Vec<Notification> {
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

// ----- reading ---------------------------------------------------------------------------------

/// The ticket's group as it is now (its next message number).
async fn ticket_group(ctx: &AppContext, ticket: &Ticket) -> AppResult<Group> {
    ctx.store
        .group(&ticket.group_id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("ticket group {} is missing", ticket.group_id)))
}

/// Refuses actions that need an open ticket, saying what to do instead.
fn ensure_open(ticket: &Ticket, instead: &str) -> AppResult<()> {
    if ticket.status.is_open() {
        return Ok(());
    }
    Err(AppError::Conflict(format!(
        "Ticket #{} is {}; {instead}",
        ticket.number,
        ticket.status.label().to_lowercase()
    )))
}

/// Parses `{org app}.{number}`.
fn parse_id(id: &str) -> AppResult<(AppId, u64)> {
    let (app, number) = id
        .rsplit_once('.')
        .ok_or_else(|| AppError::BadRequest(format!("{id} is not a ticket id (app.number).")))?;
    let number = number
        .parse()
        .map_err(|_| AppError::BadRequest(format!("{id} is not a ticket id (app.number).")))?;
    Ok((AppId::parse(app)?, number))
}

/// A ticket the actor may see: a colleague who is in its group, or staff serving its org.
async fn visible(ctx: &AppContext, actor: &Actor, id: &str) -> AppResult<(Ticket, Tenant)> {
    let (app, number) = parse_id(id)?;
    let missing = || {
        AppError::NotFound(format!(
            "Ticket {id} does not exist or is not yours to see."
        ))
    };
    let ticket = ctx
        .store
        .ticket(app.as_str(), number)
        .await?
        .ok_or_else(missing)?;
    let tenant = crate::orgs::load(ctx, &app).await?;
    let allowed = match &actor.staff {
        Some(staff) => crate::orgs::serves(staff, &tenant),
        None => {
            actor.app_id == app
                && ctx
                    .store
                    .member(&ticket.group_id, actor.app_id.as_str(), &actor.open_id)
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

/// The tickets the actor sees: all of their organisation's (colleagues), or the open tickets of
/// the organisations they serve (staff), most urgent first.
pub async fn list(ctx: &AppContext, actor: &Actor) -> AppResult<Vec<TicketView>> {
    let now = ctx.now();
    let mut out = Vec::new();
    match &actor.staff {
        None => {
            for t in ctx.store.tickets(actor.app_id.as_str()).await? {
                out.push(view(&t, now));
            }
            out.sort_by_key(|t| std::cmp::Reverse(t.number));
        }
        Some(staff) => {
            for org in ctx.store.tenants().await? {
                if org.kind != TenantKind::Customer || !crate::orgs::serves(staff, &org) {
                    continue;
                }
                for t in ctx.store.tickets(&org.app_id).await? {
                    if t.status.is_open() {
                        out.push(view(&t, now));
                    }
                }
            }
            // Unacknowledged emergencies first, then by severity and deadline.
            out.sort_by_key(|t| (!t.emergency_open, t.severity, t.first_response_due));
        }
    }
    Ok(out)
}

// ----- moving ----------------------------------------------------------------------------------

fn mover(actor: &Actor, ticket: &Ticket, tenant: &Tenant) -> Mover {
    match &actor.staff {
        None => Mover::Customer,
        Some(s) if ticket.assignee.as_deref() == Some(s.open_id.as_str()) => Mover::Assignee,
        Some(s) if tenant.tam.as_deref() == Some(s.open_id.as_str()) => Mover::Tam,
        Some(s) if s.role.sees_all_orgs() => Mover::Manager,
        Some(_) => Mover::Engineer,
    }
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
pub async fn move_to(
    ctx: &AppContext,
    actor: &Actor,
    id: &str,
    to: Status,
) -> AppResult<TicketView> {
    for attempt in 0..ATTEMPTS {
        crate::store::pause_before_retry(attempt).await;
        let (ticket, tenant) = visible(ctx, actor, id).await?;
        let from = ticket.status;
        let who = mover(actor, &ticket, &tenant);
        rules::may_move(from, to, who).map_err(|why| {
            if rules::TRANSITIONS
                .iter()
                .any(|(f, t, _)| *f == from && *t == to)
            {
                AppError::Forbidden(why)
            } else {
                AppError::Conflict(why)
            }
        })?;
        let now = ctx.now();
        let group = ticket_group(ctx, &ticket).await?;
        let change = TicketChange {
            at: now,
            by: actor.name.clone(),
            from,
            to,
        };
        let line = system_line(
            &group.id,
            group.msg_seq + 1,
            format!(
                "{} moved #{} from {} to {}.",
                actor.name,
                ticket.number,
                from.label().to_lowercase(),
                to.label().to_lowercase()
            ),
            now,
        );
        let load_delta = match (from.is_open(), to.is_open()) {
            (true, false) => -1,
            (false, true) => 1,
            _ => 0,
        };
        let first_response_at =
            (actor.side == Side::Service && ticket.first_response_at.is_none()).then_some(now);
        let write = TicketMove {
            ticket: &ticket,
            change: &change,
            load_delta,
            provider_app: &ctx.settings.provider_app_id,
            group: &group,
            line: &line,
            first_response_at,
            now,
        };
        match ctx.store.move_ticket(&write).await {
            Ok(()) => {
                let mut moved = ticket.clone();
                moved.status = to;
                moved.updated_at = now;
                moved.first_response_at = moved.first_response_at.or(first_response_at);
                moved.history.push(change);
                notify::enqueue(ctx, &moved_notifications(ctx, actor, &tenant, &moved, from))
                    .await?;
                return Ok(view(&moved, now));
            }
            Err(StoreError::ConditionFailed) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Unavailable("the ticket kept changing".into()))
}

/// The creator and the assignee hear about a move they did not make themselves.
fn moved_notifications(
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
        .filter(|r| !(r.app_id == actor.app_id.as_str() && r.open_id == actor.open_id))
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

// ----- replies ---------------------------------------------------------------------------------

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

// ----- Reminder --------------------------------------------------------------------------------

/// The customer's Reminder: the 1st reaches the assignee, the 2nd also the TAM, the 3rd and
/// later also the on-duty managers; at most one per ticket every 30 minutes (two clicks at once
/// make one reminder: the write is conditioned on the count read).
pub async fn remind(ctx: &AppContext, actor: &Actor, id: &str) -> AppResult<TicketView> {
    if actor.side != Side::Colleague {
        return Err(AppError::Forbidden(
            "Reminder is the customer's button; reply in the ticket group instead.".into(),
        ));
    }
    for attempt in 0..ATTEMPTS {
        crate::store::pause_before_retry(attempt).await;
        let (ticket, tenant) = visible(ctx, actor, id).await?;
        ensure_open(&ticket, "reopen it if the problem is back.")?;
        let now = ctx.now();
        let next = rules::next_reminder_at(ticket.last_reminder_at, now);
        if next > now {
            return Err(AppError::TooSoon(format!(
                "The team was reminded at {}; the next reminder is possible at {}.",
                format_utc(ticket.last_reminder_at.unwrap_or(now)),
                format_utc(next)
            )));
        }
        let nth = ticket.reminders + 1;
        let recipients =
            reminder_recipients(ctx, &ticket, &tenant, rules::reminder_tier(nth)).await?;
        let names: Vec<&str> = recipients.iter().map(|r| r.name.as_str()).collect();
        let group = ticket_group(ctx, &ticket).await?;
        let line = system_line(
            &group.id,
            group.msg_seq + 1,
            format!(
                "{} sent reminder {nth} on #{}; {} notified.",
                actor.name,
                ticket.number,
                names.join(", ")
            ),
            now,
        );
        match ctx
            .store
            .remind_ticket(&ticket, now - rules::REMINDER_COOLDOWN, &group, &line, now)
            .await
        {
            Ok(()) => {
                let notes: Vec<Notification> = recipients
                    .into_iter()
                    .map(|to| {
                        let mut n = ticket_notification(
                            ctx,
                            &tenant.org_name,
                            &ticket,
                            NotificationKind::Reminder,
                            to,
                            format!("Reminder {nth} on #{}: {}", ticket.number, ticket.title),
                            &format!("reminder-{nth}"),
                        );
                        n.actor = Some(actor.name.clone());
                        n.excerpt = format!(
                            "{} is waiting for an answer ({}, {}).",
                            actor.name,
                            ticket.severity.label(),
                            ticket.status.label().to_lowercase()
                        );
                        n
                    })
                    .collect();
                notify::enqueue(ctx, &notes).await?;
                let mut reminded = ticket.clone();
                reminded.reminders = nth;
                reminded.last_reminder_at = Some(now);
                return Ok(view(&reminded, now));
            }
            Err(StoreError::ConditionFailed) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Unavailable("the ticket kept changing".into()))
}

async fn reminder_recipients(
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

// ----- Emergency -------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmergencyInput {
    pub reason: rules::EmergencyReason,
    /// The customer confirms the business is affected (the button asks).
    pub confirm: bool,
}

fn page_notifications(
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
            n
        })
        .collect()
}

fn oncall_post(
    ctx: &AppContext,
    tenant: &Tenant,
    t: &Ticket,
    reason: rules::EmergencyReason,
    page: u32,
) -> notify::OnCallPost {
    notify::OnCallPost {
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

/// Emergency (customers): the ticket goes to S1, the assignee, the TAM and the on-duty managers
/// are paged at once (outside their DM windows), the on-call channel hears of it, and the pages
/// repeat every 15 minutes until someone acknowledges.
pub async fn declare_emergency(
    ctx: &AppContext,
    actor: &Actor,
    id: &str,
    input: EmergencyInput,
) -> AppResult<TicketView> {
    if actor.side != Side::Colleague {
        return Err(AppError::Forbidden(
            "Emergency is the customer's button.".into(),
        ));
    }
    if !input.confirm {
        return Err(AppError::BadRequest(
            "Confirm that this is an emergency (data loss, data corruption or a business outage)."
                .into(),
        ));
    }
    for attempt in 0..ATTEMPTS {
        crate::store::pause_before_retry(attempt).await;
        let (ticket, tenant) = visible(ctx, actor, id).await?;
        ensure_open(&ticket, "open a new ticket for a new emergency.")?;
        if let Some(e) = &ticket.emergency {
            return Err(AppError::Conflict(format!(
                "An emergency was already declared on #{} by {}{}.",
                ticket.number,
                e.declared_by,
                e.acknowledged_by
                    .as_deref()
                    .map(|by| format!(" and acknowledged by {by}"))
                    .unwrap_or_default()
            )));
        }
        let now = ctx.now();
        let everyone = rules::ReminderTier {
            assignee: true,
            tam: true,
            managers: true,
        };
        let paged = reminder_recipients(ctx, &ticket, &tenant, everyone).await?;
        let names: Vec<&str> = paged.iter().map(|r| r.name.as_str()).collect();
        let emergency = crate::store::Emergency {
            reason: input.reason,
            declared_by: actor.name.clone(),
            declared_at: now,
            previous_severity: ticket.severity,
            pages: 1,
            acknowledged_by: None,
            acknowledged_at: None,
        };
        let schedule = crate::store::PageSchedule {
            app_id: ticket.app_id.clone(),
            number: ticket.number,
            pages: 1,
            next_page_at: now + rules::REPAGE_AFTER,
        };
        let group = ticket_group(ctx, &ticket).await?;
        let line = system_line(
            &group.id,
            group.msg_seq + 1,
            format!(
                "{} declared an EMERGENCY on #{}: {}. Now S1 · Critical. Paging {}.",
                actor.name,
                ticket.number,
                input.reason.label(),
                names.join(", ")
            ),
            now,
        );
        match ctx
            .store
            .declare_emergency(&ticket, &emergency, &schedule, &group, &line, now)
            .await
        {
            Ok(()) => {
                let mut declared = ticket.clone();
                declared.severity = Severity::Sev1;
                declared.emergency = Some(emergency);
                declared.updated_at = now;
                notify::enqueue(
                    ctx,
                    &page_notifications(ctx, &tenant, &declared, input.reason, 1, paged),
                )
                .await?;
                notify::enqueue_oncall(ctx, &oncall_post(ctx, &tenant, &declared, input.reason, 1))
                    .await?;
                tracing::warn!(app_id = %ticket.app_id, number = ticket.number, reason = ?input.reason, "emergency declared");
                return Ok(view(&declared, now));
            }
            Err(StoreError::ConditionFailed) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Unavailable("the ticket kept changing".into()))
}

/// A staff member serving the organisation acknowledges: the pages stop, and the customer hears.
pub async fn acknowledge(ctx: &AppContext, actor: &Actor, id: &str) -> AppResult<TicketView> {
    if actor.staff.is_none() {
        return Err(AppError::Forbidden(
            "Emergencies are acknowledged by the service team.".into(),
        ));
    }
    for attempt in 0..ATTEMPTS {
        crate::store::pause_before_retry(attempt).await;
        let (ticket, tenant) = visible(ctx, actor, id).await?;
        let Some(emergency) = ticket.emergency.clone() else {
            return Err(AppError::Conflict(format!(
                "Ticket #{} has no emergency.",
                ticket.number
            )));
        };
        if let Some(by) = &emergency.acknowledged_by {
            return Err(AppError::Conflict(format!(
                "{by} already acknowledged this emergency."
            )));
        }
        let now = ctx.now();
        let group = ticket_group(ctx, &ticket).await?;
        let minutes = (now - emergency.declared_at) / 60;
        let line = system_line(
            &group.id,
            group.msg_seq + 1,
            format!(
                "{} acknowledged the emergency on #{} after {minutes} min.",
                actor.name, ticket.number
            ),
            now,
        );
        match ctx
            .store
            .acknowledge_emergency(&ticket, &actor.name, &group, &line, now)
            .await
        {
            Ok(()) => {
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
                    format!("{} is on your emergency (#{})", actor.name, acked.number),
                    "emergency-ack",
                );
                n.urgent = true;
                n.excerpt = format!("{} acknowledged it after {minutes} min.", actor.name);
                notify::enqueue(ctx, &[n]).await?;
                return Ok(view(&acked, now));
            }
            Err(StoreError::ConditionFailed) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Unavailable("the ticket kept changing".into()))
}

/// The re-page schedule (every minute): pages everyone again for each emergency still
/// unacknowledged 15 minutes after its last page, and tells the on-call channel.
pub async fn repage_emergencies(ctx: &AppContext) -> AppResult<serde_json::Value> {
    let now = ctx.now();
    let mut repaged = 0;
    for hour in (now.div_euclid(3600) - 2)..=now.div_euclid(3600) {
        for schedule in ctx.store.due_pages(hour, now).await? {
            let Some(ticket) = ctx.store.ticket(&schedule.app_id, schedule.number).await? else {
                ctx.store
                    .stop_pages(&schedule.app_id, schedule.number)
                    .await?;
                continue;
            };
            let open = ticket
                .emergency
                .as_ref()
                .filter(|e| e.acknowledged_by.is_none() && ticket.status.is_open());
            let Some(emergency) = open.cloned() else {
                ctx.store
                    .stop_pages(&schedule.app_id, schedule.number)
                    .await?;
                continue;
            };
            match ctx.store.repage(&schedule, now + rules::REPAGE_AFTER).await {
                Ok(()) => {}
                Err(StoreError::ConditionFailed) => continue, // another run paged it
                Err(e) => return Err(e.into()),
            }
            let page = schedule.pages + 1;
            let tenant = crate::orgs::load(ctx, &AppId::parse(&ticket.app_id)?).await?;
            let everyone = rules::ReminderTier {
                assignee: true,
                tam: true,
                managers: true,
            };
            let paged = reminder_recipients(ctx, &ticket, &tenant, everyone).await?;
            notify::enqueue(
                ctx,
                &page_notifications(ctx, &tenant, &ticket, emergency.reason, page, paged),
            )
            .await?;
            notify::enqueue_oncall(
                ctx,
                &oncall_post(ctx, &tenant, &ticket, emergency.reason, page),
            )
            .await?;
            repaged += 1;
        }
    }
    Ok(serde_json::json!({ "repaged": repaged }))
}

// ----- the SLA check ---------------------------------------------------------------------------

/// How long before the first-response deadline the assignee and the TAM are warned.
pub const SLA_WARNING: Epoch = 15 * 60;

/// The scheduled SLA check: for every ticket still waiting for its first response, one warning
/// when it is nearly due and one notice when it is overdue, each to the assignee and the TAM,
/// each once. Reads the SLA index's hourly buckets around now, never the table.
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
            let tenant = crate::orgs::load(ctx, &AppId::parse(&t.app_id)?).await?;
            notify::enqueue(ctx, &sla_notifications(ctx, &tenant, &t, breach)).await?;
            if breach {
                breached += 1;
            } else {
                warned += 1;
            }
        }
    }
    Ok(serde_json::json!({"warned": warned, "breached": breached}))
}

fn sla_notifications(
    ctx: &AppContext,
    tenant: &Tenant,
    t: &Ticket,
    breach: bool,
) -> Vec<Notification> {
    let provider = &ctx.settings.provider_app_id;
    let mut ids: Vec<&str> = t.assignee.iter().map(String::as_str).collect();
    if let Some(tam) = tenant.tam.as_deref().filter(|tam| !ids.contains(tam)) {
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
                    open_id: id.to_owned(),
                    name: String::new(),
                },
                title.clone(),
                event,
            );
            n.excerpt = format!(
                "{} — first response due {}.",
                t.severity.label(),
                format_utc(t.first_response_due)
            );
            n
        })
        .collect()
}

/// A ticket and what the actor may do with it, for its group's page.
pub async fn for_group(
    ctx: &AppContext,
    actor: &Actor,
    group: &Group,
) -> AppResult<Option<(TicketView, Vec<Status>)>> {
    let Some(number) = group.ticket else {
        return Ok(None);
    };
    let id = format!("{}.{number}", group.app_id);
    let (ticket, tenant) = visible(ctx, actor, &id).await?;
    let moves = allowed_moves(actor, &ticket, &tenant);
    Ok(Some((view(&ticket, ctx.now()), moves)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_ids_are_app_dot_number() {
        let (app, n) = parse_id("cli_acme01.12").unwrap();
        assert_eq!((app.as_str(), n), ("cli_acme01", 12));
        assert!(parse_id("cli_acme01").is_err());
        assert!(parse_id("cli_acme01.x").is_err());
        assert!(parse_id("nope.3").is_err());
    }
}
