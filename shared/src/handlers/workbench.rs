//! `GET /lark/{appId}/workbench`: the customer's Enterprise Service Workstation, or the staff
//! console when opened through the provider's app. Without a session it sends the browser through
//! Lark sign-in and back.

use http::StatusCode;
use lambda_http::{Body, Request, Response};
use minijinja::context;

use crate::actor::Actor;
use crate::context::AppContext;
use crate::domain::checklist::all_blocking_passed;
use crate::error::{AppError, AppResult};
use crate::groups;
use crate::ids::GroupId;
use crate::pages::TenantView;
use crate::session::Session;
use crate::store::{Group, Side, Staff, Tenant, TenantKind};
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let app_id = web::app_id(&req)?;
    let tenant = crate::orgs::load(ctx, &app_id).await?;
    let Some((session, mut actor)) = web::signed_in(ctx, &req).await? else {
        return Ok(web::sign_in_first(&app_id, &req));
    };
    // The page is in the reader's language, else their organisation's.
    actor.lang = web::lang(&req, tenant.lang);
    if session.tenant_key != tenant.tenant_key {
        return Err(AppError::Forbidden(
            crate::msg!("error-session-other-org").into(),
        ));
    }
    let requested = web::query(&req).remove("group");
    let body = match tenant.kind {
        TenantKind::Customer => {
            customer_workbench(ctx, &tenant, &session, &actor, requested).await?
        }
        TenantKind::Provider => staff_console(ctx, &session, &actor, requested).await?,
    };
    Ok(web::html(
        StatusCode::OK,
        body,
        &web::Sources::of(&ctx.settings, true),
    ))
}

/// The severities the Create Ticket form offers, as (value, what it says).
fn severities(lang: crate::i18n::Lang) -> Vec<(&'static str, String)> {
    crate::domain::tickets::Severity::ALL
        .iter()
        .map(|s| (s.as_arg(), s.describe(lang)))
        .collect()
}

/// Where the group's page opens its chat socket (`sockets::socket_url`), if the page shows one.
fn socket_for(
    ctx: &AppContext,
    session: &Session,
    actor: &Actor,
    group: Option<&Group>,
) -> AppResult<Option<String>> {
    match group {
        Some(g) => crate::sockets::socket_url(ctx, session, &g.id, actor.lang),
        None => Ok(None),
    }
}

/// The ticket behind a ticket group, with the moves the reader may make.
async fn ticket_of(
    ctx: &AppContext,
    actor: &Actor,
    group: Option<&Group>,
) -> AppResult<minijinja::Value> {
    let Some(group) = group else {
        return Ok(minijinja::Value::UNDEFINED);
    };
    Ok(match crate::tickets::for_group(ctx, actor, group).await? {
        Some(crate::tickets::GroupTicket {
            view: ticket,
            moves,
            reassign_to,
            can_rate,
            history,
        }) => context! {
            can_rate,
            history => history.iter().map(|(at, what)| context! { at, what }).collect::<Vec<_>>(),
            reassign_to => reassign_to.iter().map(|(id, name)| context! { open_id => id.as_str(), name }).collect::<Vec<_>>(),
            can_remind => actor.side == Side::Colleague && ticket.status.is_open(),
            can_declare => actor.side == Side::Colleague && ticket.status.is_open() && ticket.emergency.is_none(),
            can_acknowledge => actor.staff.is_some() && ticket.emergency_open,
            remind_now => ticket.next_reminder_at <= ctx.now(),
            view => ticket,
            moves => moves.iter().map(|m| context! {
                status => m,
                label => crate::domain::tickets::move_label(ticket.status, *m, actor.lang),
            }).collect::<Vec<_>>(),
        },
        None => minijinja::Value::UNDEFINED,
    })
}

/// An organisation's Lark API use this month, and what its emergency pages spent of the provider
/// app's calls (at most `page_budget`), as the console shows it.
async fn budget_view(
    ctx: &AppContext,
    tenant: &Tenant,
    page_budget: Option<i64>,
    lang: crate::i18n::Lang,
) -> AppResult<minijinja::Value> {
    use crate::notifier::budget::{projected, step, Step};
    let now = ctx.now();
    let month = crate::domain::budget::month_of(now);
    let usage = ctx.store.usage(&tenant.app_id, &month).await?;
    let page_calls = ctx.store.page_calls(&tenant.app_id, &month).await?;
    let step = step(&tenant.plan, usage.calls, usage.exhausted);
    let pace = crate::i18n::t(
        lang,
        match step {
            Step::Normal => "pace-normal",
            Step::Half => "pace-half",
            Step::ThreeQuarters => "pace-three-quarters",
            Step::Nearly => "pace-nearly",
            Step::Hold => "pace-hold",
        },
    );
    Ok(context! {
        month,
        calls => usage.calls,
        allowance => tenant.plan.allowance(),
        projected => projected(usage.calls, now),
        step => step.name(),
        held => step == Step::Hold,
        exhausted => usage.exhausted,
        pace,
        page_calls,
        page_budget,
    })
}

/// The group to show: the one asked for (which must be the reader's), else the service group
/// when the reader is in it.
async fn selected_group(
    ctx: &AppContext,
    actor: &Actor,
    requested: Option<String>,
    fallback: Option<&GroupId>,
) -> AppResult<Option<Group>> {
    if let Some(id) = requested {
        let id = GroupId::parse(&id)?;
        return Ok(Some(groups::open(ctx, actor, &id).await?.group));
    }
    let Some(id) = fallback else {
        return Ok(None);
    };
    match groups::open(ctx, actor, id).await {
        Ok(open) => Ok(Some(open.group)),
        Err(AppError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn customer_workbench(
    ctx: &AppContext,
    tenant: &Tenant,
    session: &Session,
    actor: &Actor,
    requested: Option<String>,
) -> AppResult<crate::pages::Rendered> {
    let group = selected_group(ctx, actor, requested, tenant.service_group_id.as_ref()).await?;
    let shown = group
        .as_ref()
        .map(|g| &g.id)
        .or(tenant.service_group_id.as_ref());
    let members = match shown {
        Some(id) => ctx.store.members(id).await?,
        None => Vec::new(),
    };
    let (colleagues, service_team): (Vec<_>, Vec<_>) =
        members.into_iter().partition(|m| m.side == Side::Colleague);
    let ticket = ticket_of(ctx, actor, group.as_ref()).await?;
    crate::pages::render(
        "workbench.html",
        actor.lang,
        context! {
            org => TenantView::new(ctx, tenant, actor.lang),
            user => session,
            app_id => &tenant.app_id,
            groups => groups::mine(ctx, actor, None).await?.0,
            socket => socket_for(ctx, session, actor, group.as_ref())?,
            group,
            ticket,
            colleagues,
            service_team,
            tickets => crate::tickets::list(ctx, actor, None).await?.tickets,
            severities => severities(actor.lang),
        },
    )
}

async fn staff_console(
    ctx: &AppContext,
    session: &Session,
    actor: &Actor,
    requested: Option<String>,
) -> AppResult<crate::pages::Rendered> {
    let staff: &Staff = actor
        .staff
        .as_ref()
        .ok_or_else(|| AppError::Forbidden(crate::msg!("error-not-staff").into()))?;
    let group = selected_group(ctx, actor, requested, None).await?;
    let my_groups = groups::mine(ctx, actor, None).await?.0;
    let everyone = ctx.store.all_staff(&ctx.settings.provider_app_id).await?;
    let name_of = |open_id: &str| {
        everyone
            .iter()
            .find(|s| s.open_id == open_id)
            .map_or_else(|| open_id.to_owned(), |s| s.name.clone())
    };
    let mut orgs = Vec::new();
    let tenants = ctx.store.tenants().await?;
    let page_budget = tenants
        .iter()
        .find(|t| t.kind == TenantKind::Provider)
        .and_then(|t| crate::domain::budget::page_budget(&t.plan));
    for tenant in tenants {
        if tenant.kind != TenantKind::Customer || !crate::orgs::serves(staff, &tenant) {
            continue;
        }
        let members = match &tenant.service_group_id {
            Some(id) => ctx.store.members(id).await?.len(),
            None => 0,
        };
        let budget = budget_view(ctx, &tenant, page_budget, actor.lang).await?;
        let undeliverable = ctx.store.undeliverable(&tenant.app_id).await?;
        orgs.push(context! {
            view => TenantView::new(ctx, &tenant, actor.lang),
            budget,
            undeliverable => undeliverable.iter().rev().take(10).map(|u| context! {
                to => &u.notification.recipient.name,
                title => u.notification.title.in_lang(actor.lang),
                reason => &u.reason,
                at => u.at,
            }).collect::<Vec<_>>(),
            undeliverable_count => undeliverable.len(),
            ready => all_blocking_passed(&tenant.checklist),
            checked_at => tenant.checked_at,
            tam => tenant.tam.as_deref().map(name_of),
            engineers => tenant.engineers.iter().map(|e| name_of(e)).collect::<Vec<_>>(),
            members,
            group_id => my_groups.iter().find(|g| Some(&g.id) == tenant.service_group_id.as_ref()).map(|g| &g.id),
        });
    }
    orgs.sort_by_key(|o| {
        o.get_attr("view")
            .and_then(|v| v.get_attr("org_name"))
            .map(|n| n.to_string())
            .unwrap_or_default()
    });
    let ticket = ticket_of(ctx, actor, group.as_ref()).await?;
    crate::pages::render(
        "console.html",
        actor.lang,
        context! {
            user => session,
            app_id => &ctx.settings.provider_app_id,
            groups => &my_groups,
            open_tickets => crate::tickets::list(ctx, actor, None).await?.tickets,
            ticket,
            socket => socket_for(ctx, session, actor, group.as_ref())?,
            group,
            staff,
            role_label => staff.role.label(actor.lang),
            can_manage => staff.role.can_manage_customers(),
            can_see_all => staff.role.sees_all_orgs(),
            orgs,
            team => everyone,
            provider_app => ctx.settings.provider_app_id,
            audit_kinds => crate::domain::audit::AuditKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        },
    )
}
