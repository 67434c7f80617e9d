//! Create Ticket: the organisation's next number, fair assignment and the ticket group in one
//! transaction.

use super::{audit_of, clean, count_of, service_member, view, TicketView, ATTEMPTS};
use crate::actor::Actor;
use crate::context::AppContext;
use crate::domain::audit::AuditKind;
use crate::domain::tickets as rules;
use crate::domain::tickets::{Candidate, Severity, Status};
use crate::error::{AppError, AppResult};
use crate::ids::GroupId;
use crate::notify;
use crate::notify::tickets::opened_notifications;
use crate::store::{
    retry_on_conflict, settle, Attempt, Group, GroupKind, JoinedVia, Message, NewTicket, Side,
    Staff, Tenant, TenantKind, TenantStatus, Ticket,
};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTicketInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub severity: Severity,
    #[serde(default, deserialize_with = "crate::json::not_null")]
    pub product: Option<String>,
    #[serde(default, deserialize_with = "crate::json::not_null")]
    pub category: Option<String>,
}

/// Opens a ticket for a colleague of an active organisation.
#[tracing::instrument(skip_all, fields(actor = %actor.open_id))]
pub async fn create(
    ctx: &AppContext,
    actor: &Actor,
    input: NewTicketInput,
) -> AppResult<TicketView> {
    if actor.side != Side::Colleague {
        return Err(AppError::Forbidden(
            crate::msg!("error-tickets-by-colleagues").into(),
        ));
    }
    rules::validate_new(&input.title, &input.description)
        .map_err(|e| AppError::Unprocessable(e.into()))?;
    let product = clean(input.product.clone())?;
    let category = clean(input.category.clone())?;
    let quota = crate::limits::take_ticket_quota(ctx, &actor.app_id, &actor.open_id).await?;
    let opened = open(ctx, actor, &input, &product, &category).await;
    if opened.is_err() {
        quota.give_back(ctx).await;
    }
    opened
}

/// Opens the ticket once the person's quota allowed it.
async fn open(
    ctx: &AppContext,
    actor: &Actor,
    input: &NewTicketInput,
    product: &Option<String>,
    category: &Option<String>,
) -> AppResult<TicketView> {
    let provider = &ctx.settings.provider_app_id;
    retry_on_conflict(ATTEMPTS, || async move {
        let now = ctx.now();
        let tenant = crate::orgs::load(ctx, &actor.app_id).await?;
        let Some(service_group_id) = tenant.service_group_id.clone().filter(|_| {
            tenant.status == TenantStatus::Active && tenant.kind == TenantKind::Customer
        }) else {
            return Err(AppError::Conflict(crate::msg!("error-channel-inactive").into()));
        };
        // Opening a ticket announces it in the service group: only its members open tickets
        // (a colleague the TAM removed from it, or who left, is refused at once).
        if ctx
            .store
            .member(&service_group_id, &actor.app_id, &actor.open_id)
            .await?
            .is_none()
        {
            return Err(AppError::Forbidden(
                crate::msg!("error-not-in-service-group", org = &tenant.org_name).into(),
            ));
        }
        offered(product.as_deref(), &tenant.products, "product")?;
        offered(category.as_deref(), &tenant.categories, "category")?;
        let staff = ctx.store.all_staff(provider).await?;
        let (engineer, holder) = assign(&tenant, &staff)?;
        let number = tenant.ticket_seq + 1;
        let group_id = GroupId::generate();
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
            provider,
            holder,
            &actor.open_id,
            now,
        ));
        if let Some(tam) = tenant.tam.as_ref().filter(|t| **t != holder.open_id) {
            if let Some(tam) = staff.iter().find(|s| s.open_id == *tam) {
                members.push(service_member(
                    &group_id,
                    provider,
                    tam,
                    &actor.open_id,
                    now,
                ));
            }
        }
        // Whether an engineer took it, or the TAM holds it because nobody is on duty.
        let on_duty = if engineer.is_some() { "engineer" } else { "tam" };
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
            rating: None,
            resolution_due: now + tenant.resolution.seconds(input.severity),
            paused_since: None,
            resolution_warned: false,
            resolution_breach_notified: false,
        };
        let opening = Message::system_line(
            &group_id,
            1,
            crate::msg!(
                "line-opened",
                who = &actor.name,
                number = number,
                severity = input.severity.as_arg(),
                title = &title,
                holder = &holder.name,
                taken = on_duty
            ),
            now,
        );
        let announcement = ctx
            .store
            .next_line(
                &service_group_id,
                crate::msg!(
                    "line-opened-announced",
                    who = &actor.name,
                    number = number,
                    title = &title,
                    holder = &holder.name,
                    taken = on_duty
                ),
                now,
            )
            .await?;
        let audit = audit_of(actor, &tenant.app_id, number, AuditKind::TicketCreated, now)
            .change("severity", None, Some(input.severity.as_arg().to_owned()))
            .change("assignee", None, Some(holder.name.clone()));
        let counts = [count_of(&ticket, now, crate::domain::report::Event::Opened)];
        let write = NewTicket {
            audit: &audit,
            counts: &counts,
            tenant: &tenant,
            ticket: &ticket,
            group: &group,
            members: &members,
            engineer,
            provider_app: provider,
            opening: &opening,
            announcement: Some(&announcement),
            now,
        };
        if let Attempt::Lost = settle(ctx.store.create_ticket(&write).await)? {
            return Ok(Attempt::Lost);
        }
        notify::enqueue(ctx, &opened_notifications(ctx, &tenant, &ticket)).await?;
        tracing::info!(app_id = %tenant.app_id, number, assignee = %holder.open_id, "ticket opened");
        Ok(Attempt::Written(view(&ticket, now, actor.lang)))
    })
    .await?
    .ok_or_else(|| AppError::Unavailable("ticket creation kept colliding".into()))
}

/// The engineer the fair-assignment rule picks, or the TAM when nobody is on duty.
pub(crate) fn assign<'a>(
    tenant: &Tenant,
    staff: &'a [Staff],
) -> AppResult<(Option<&'a Staff>, &'a Staff)> {
    let candidates: Vec<Candidate> = staff
        .iter()
        .filter(|s| tenant.engineers.contains(&s.open_id))
        .map(|s| Candidate {
            open_id: s.open_id.clone(),
            on_duty: s.on_duty,
            load: s.open_tickets,
        })
        .collect();
    if let Some(pick) = rules::pick_engineer(&candidates, tenant.last_assigned.as_ref()) {
        let engineer = staff
            .iter()
            .find(|s| s.open_id == pick.open_id)
            .expect("picked from this list");
        return Ok((Some(engineer), engineer));
    }
    let tam = tenant
        .tam
        .as_ref()
        .and_then(|t| staff.iter().find(|s| s.open_id == *t))
        .ok_or_else(|| AppError::Conflict(crate::msg!("error-nobody-to-take").into()))?;
    Ok((None, tam))
}

/// A product (or category) must be one the organisation offers, when it lists them.
fn offered(chosen: Option<&str>, list: &[String], what: &'static str) -> AppResult<()> {
    match chosen {
        Some(v) if !list.is_empty() && !list.iter().any(|o| o == v) => {
            Err(AppError::Unprocessable(
                crate::msg!(
                    "error-product-unknown",
                    what = what,
                    choices = list.join(", ")
                )
                .into(),
            ))
        }
        _ => Ok(()),
    }
}
