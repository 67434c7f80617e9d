//! What people see of tickets: the view model, the lists of the workbench and the console, and
//! a ticket group's header.

use super::{allowed_moves, may_rate, may_reassign, reassign_candidates, visible};
use crate::actor::Actor;
use crate::clock::Epoch;
use crate::context::AppContext;
use crate::domain::tickets as rules;
use crate::domain::tickets::{Severity, Status};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::i18n::Msg;
use crate::ids::{AppId, GroupId, OpenId, TicketId};
use crate::msg;
use crate::store::{Group, TenantKind, Ticket};
use serde::Serialize;

/// A ticket as the workbench and the console show it.
#[derive(Debug, Serialize)]
pub struct TicketView {
    /// `{org app}.{number}`: how routes name a ticket.
    pub id: String,
    pub app_id: AppId,
    pub number: u64,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    /// Labels and states are in the reader's language (`view`'s `lang`).
    pub severity_label: String,
    pub status: Status,
    pub status_label: String,
    pub assignee: Option<String>,
    pub assigned_to_tam: bool,
    pub group_id: GroupId,
    pub created_by: String,
    pub created_at: Epoch,
    pub first_response_due: Epoch,
    pub sla: String,
    pub sla_breached: bool,
    /// The resolution SLA in the reader's language (none for tickets older than it).
    pub resolution: Option<String>,
    pub resolution_due: Epoch,
    pub resolution_breached: bool,
    pub history: Vec<crate::store::TicketChange>,
    pub reminders: u32,
    /// When Reminder can be pressed again (now or earlier: it can).
    pub next_reminder_at: Epoch,
    pub next_reminder: String,
    pub emergency: Option<EmergencyView>,
    /// An emergency nobody on the service team has acknowledged yet.
    pub emergency_open: bool,
    /// The customer's rating once it was resolved.
    pub rating: Option<crate::store::Rating>,
    /// The reader is in the ticket's group (staff serving the organisation count as in it).
    /// When not, the description, history, emergency details and rating are left out: the
    /// reader sees what the organisation's list shows everyone (`summary`).
    pub member: bool,
}

impl TicketView {
    /// What a colleague who is not in the ticket's group sees of it in the list: number, title,
    /// severity, status, who opened and who holds it, its deadlines and whether an emergency is
    /// open. The rest is for the group's members, as the ticket's own routes are.
    fn summary(self) -> Self {
        Self {
            description: String::new(),
            history: Vec::new(),
            emergency: None,
            rating: None,
            member: false,
            ..self
        }
    }
}

/// An emergency as both sides read it: who declared it and why, who was paged and how often,
/// who acknowledged it.
#[derive(Debug, Clone, Serialize)]
pub struct EmergencyView {
    pub reason: rules::EmergencyReason,
    pub declared_by: String,
    pub declared_at: Epoch,
    pub previous_severity: Severity,
    pub pages: u32,
    pub paged: Vec<String>,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<Epoch>,
}

impl From<&crate::store::Emergency> for EmergencyView {
    fn from(e: &crate::store::Emergency) -> Self {
        Self {
            reason: e.reason,
            declared_by: e.declared_by.clone(),
            declared_at: e.declared_at,
            previous_severity: e.previous_severity,
            pages: e.pages,
            paged: e.paged.clone(),
            acknowledged_by: e.acknowledged_by.clone(),
            acknowledged_at: e.acknowledged_at,
        }
    }
}

/// The first-response SLA as a person reads it: how long is left or how late, never a clock
/// time (which would need the reader's time zone).
pub(crate) fn sla_state(t: &Ticket, now: Epoch) -> (Msg, bool) {
    match t.first_response_at {
        Some(at) if at <= t.first_response_due => (msg!("sla-met"), false),
        Some(_) => (msg!("sla-late"), true),
        None if !t.status.is_open() => (msg!("sla-closed-unanswered"), false),
        None if now >= t.first_response_due => {
            let over = now - t.first_response_due;
            (
                msg!(
                    "sla-overdue",
                    hours = over / 3600,
                    minutes = (over % 3600) / 60
                ),
                true,
            )
        }
        None => {
            let left = t.first_response_due - now;
            let text = if left >= 3600 {
                msg!(
                    "sla-due-hours",
                    hours = left / 3600,
                    minutes = (left % 3600) / 60
                )
            } else {
                msg!("sla-due-minutes", minutes = (left + 59) / 60)
            };
            (text, false)
        }
    }
}

pub fn view(t: &Ticket, now: Epoch, lang: Lang) -> TicketView {
    let (sla, sla_breached) = sla_state(t, now);
    let next_reminder_at = rules::next_reminder_at(t.last_reminder_at, now);
    let ended_at = t
        .history
        .iter()
        .rev()
        .find(|c| !c.to.is_open())
        .map(|c| c.at);
    let resolution = rules::resolution_state(
        t.resolution_due,
        t.paused_since,
        t.status.is_open(),
        ended_at,
        now,
    );
    TicketView {
        id: TicketId::new(t.app_id.clone(), t.number).to_string(),
        app_id: t.app_id.clone(),
        number: t.number,
        title: t.title.clone(),
        description: t.description.clone(),
        severity: t.severity,
        severity_label: t.severity.label(lang),
        status: t.status,
        status_label: t.status.label(lang),
        assignee: t.assignee_name.clone(),
        assigned_to_tam: t.assigned_to_tam,
        group_id: t.group_id.clone(),
        created_by: t.created_by.name.clone(),
        created_at: t.created_at,
        first_response_due: t.first_response_due,
        sla: sla.in_lang(lang),
        sla_breached,
        resolution: resolution.as_ref().map(|(m, _)| m.in_lang(lang)),
        resolution_due: t.resolution_due,
        resolution_breached: resolution.is_some_and(|(_, b)| b),
        history: t.history.clone(),
        reminders: t.reminders,
        next_reminder_at,
        next_reminder: msg!(
            "reminder-again-in",
            minutes = ((next_reminder_at - now).max(0) + 59) / 60
        )
        .in_lang(lang),
        emergency_open: t
            .emergency
            .as_ref()
            .is_some_and(|e| e.acknowledged_by.is_none()),
        emergency: t.emergency.as_ref().map(EmergencyView::from),
        rating: t.rating.clone(),
        member: true,
    }
}

/// The most tickets one page holds.
pub const TICKET_PAGE: usize = 50;

/// A page of tickets and where the next one starts.
#[derive(Debug, Serialize)]
pub struct TicketPage {
    pub tickets: Vec<TicketView>,
    /// Pass as `cursor` for the next page; `None` on the last.
    pub next: Option<u64>,
}

/// The tickets the actor sees, a page at a time: their organisation's, newest first
/// (colleagues; `cursor` is the number to continue below), or the open tickets of the
/// organisations they serve, most urgent first (staff; `cursor` is how many were shown). Either
/// way one page costs the same requests however long the history: colleagues one query and one
/// `BatchGetItem` of their memberships, staff one query per organisation they serve on the
/// open-tickets index, which holds no closed ticket.
///
/// A colleague in the organisation's service group sees every ticket of it, in full where they
/// are in the ticket's group and as a `summary` elsewhere; a colleague outside the service group
/// (removed, left, or never admitted) sees only the tickets whose groups they are in.
pub async fn list(ctx: &AppContext, actor: &Actor, cursor: Option<u64>) -> AppResult<TicketPage> {
    let now = ctx.now();
    match &actor.staff {
        None => {
            let tenant = crate::orgs::load(ctx, &actor.app_id).await?;
            let (tickets, more) = ctx
                .store
                .tickets_page(&actor.app_id, cursor, TICKET_PAGE as i32)
                .await?;
            let next = if more {
                tickets.last().map(|t| t.number)
            } else {
                None
            };
            let mut groups: Vec<GroupId> = tickets.iter().map(|t| t.group_id.clone()).collect();
            groups.extend(tenant.service_group_id.clone());
            let member_of = ctx
                .store
                .memberships_among(&groups, &actor.app_id, &actor.open_id)
                .await?;
            let in_service = tenant
                .service_group_id
                .as_ref()
                .is_some_and(|g| member_of.contains(g));
            let tickets = tickets
                .iter()
                .filter_map(|t| {
                    let full = view(t, now, actor.lang);
                    if member_of.contains(&t.group_id) {
                        Some(full)
                    } else {
                        in_service.then(|| full.summary())
                    }
                })
                .collect();
            Ok(TicketPage { tickets, next })
        }
        Some(staff) => {
            let mut open = Vec::new();
            for org in ctx.store.tenants().await? {
                if org.kind != TenantKind::Customer || !crate::orgs::serves(staff, &org) {
                    continue;
                }
                for t in ctx.store.open_tickets(&org.app_id).await? {
                    open.push(view(&t, now, actor.lang));
                }
            }
            // Unacknowledged emergencies first, then by severity and deadline.
            open.sort_by_key(|t| {
                (
                    !t.emergency_open,
                    t.severity,
                    t.first_response_due,
                    t.id.clone(),
                )
            });
            let skip = cursor.unwrap_or(0) as usize;
            let tickets: Vec<TicketView> = open.into_iter().skip(skip).collect();
            let next = (tickets.len() > TICKET_PAGE).then_some((skip + TICKET_PAGE) as u64);
            Ok(TicketPage {
                tickets: tickets.into_iter().take(TICKET_PAGE).collect(),
                next,
            })
        }
    }
}

/// A ticket as its group's page shows it, and what the reader may do with it.
pub struct GroupTicket {
    pub view: TicketView,
    pub moves: Vec<Status>,
    /// Engineers the reader may hand it to (empty: they may not reassign it).
    pub reassign_to: Vec<(OpenId, String)>,
    /// The reader is its creator and may rate it now (or change their rating).
    pub can_rate: bool,
    /// Its audit trail, oldest first, in the reader's language: (when, what).
    pub history: Vec<(Epoch, String)>,
}

/// A ticket and what the actor may do with it, for its group's page.
pub async fn for_group(
    ctx: &AppContext,
    actor: &Actor,
    group: &Group,
) -> AppResult<Option<GroupTicket>> {
    let Some(number) = group.ticket else {
        return Ok(None);
    };
    let id = TicketId::new(group.app_id.clone(), number);
    let (ticket, tenant) = visible(ctx, actor, &id).await?;
    let moves = allowed_moves(actor, &ticket, &tenant);
    let reassign_to = if may_reassign(actor, &ticket, &tenant) {
        let staff = ctx.store.all_staff(&ctx.settings.provider_app_id).await?;
        reassign_candidates(&staff, &ticket, &tenant)
            .into_iter()
            .map(|s| (s.open_id.clone(), s.name.clone()))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Some(GroupTicket {
        view: view(&ticket, ctx.now(), actor.lang),
        moves,
        reassign_to,
        can_rate: may_rate(actor, &ticket, ctx.now()),
        history: ctx
            .store
            .ticket_audit(&ticket.app_id, ticket.number)
            .await?
            .iter()
            .map(|e| (e.at, e.summary().in_lang(actor.lang)))
            .collect(),
    }))
}
