//! One module per route; each `handle` is the whole body of one Lambda function.

pub mod acknowledge_emergency;
pub mod activate_customer;
pub mod ask_to_join;
pub mod card_callback;
pub mod check_customer;
pub mod create_invitation;
pub mod create_ticket;
pub mod declare_emergency;
pub mod entry;
pub mod invite_to_group;
pub mod list_groups;
pub mod list_invitations;
pub mod list_members;
pub mod list_messages;
pub mod list_tickets;
pub mod login;
pub mod logout;
pub mod mark_read;
pub mod move_ticket;
pub mod oauth_callback;
pub mod org_audit;
pub mod org_report;
pub mod post_message;
pub mod rate_ticket;
pub mod reassign_ticket;
pub mod register_customer;
pub mod remind_ticket;
pub mod remove_member;
pub mod revoke_invitation;
pub mod set_callback_keys;
pub mod set_duty;
pub mod set_language;
pub mod set_org_settings;
pub mod set_plan;
pub mod setup_guide;
pub mod socket_connect;
pub mod socket_disconnect;
pub mod socket_frame;
pub mod staff_report;
pub mod workbench;

use lambda_http::Request;

use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::ids::AppId;
use crate::store::Staff;

/// Who is asking, and about which group: what every `/api/groups/{groupId}/...` route starts with.
pub(crate) async fn group_request(
    ctx: &AppContext,
    req: &Request,
) -> AppResult<(crate::actor::Actor, crate::ids::GroupId)> {
    let actor = crate::web::group_actor(ctx, req).await?;
    let group = crate::ids::GroupId::parse(&crate::web::path_param(req, "groupId")?)?;
    Ok((actor, group))
}

/// The signed-in staff member behind a provider-app JSON route.
pub(crate) async fn require_staff(ctx: &AppContext, req: &Request) -> AppResult<(AppId, Staff)> {
    let (app_id, _, staff) = require_staff_actor(ctx, req).await?;
    Ok((app_id, staff))
}

/// The same, as an actor (with their language) for a page.
pub(crate) async fn require_staff_actor(
    ctx: &AppContext,
    req: &Request,
) -> AppResult<(AppId, crate::actor::Actor, Staff)> {
    let app_id = crate::web::app_id(req)?;
    if app_id != ctx.settings.provider_app_id {
        return Err(AppError::NotFound(crate::msg!("error-staff-only").into()));
    }
    let actor = crate::web::actor(ctx, req).await?;
    let staff = actor
        .staff
        .clone()
        .ok_or_else(|| AppError::Forbidden(crate::msg!("error-not-staff").into()))?;
    Ok((app_id, actor, staff))
}

/// `format=csv` or the page (`format` absent or `html`) for a report.
pub(crate) fn report_format(q: &std::collections::HashMap<String, String>) -> AppResult<bool> {
    match q.get("format").map(String::as_str) {
        None | Some("") | Some("html") => Ok(false),
        Some("csv") => Ok(true),
        Some(other) => Err(AppError::BadRequest(
            crate::msg!(
                "error-report-format",
                given = other.chars().take(20).collect::<String>()
            )
            .into(),
        )),
    }
}

/// A report's page, with links to the months around it (`here`: the report's path).
pub(crate) fn report_page(
    ctx: &AppContext,
    req: &Request,
    actor: &crate::actor::Actor,
    report: &crate::reports::Report,
    month: &crate::domain::report::Month,
) -> AppResult<lambda_http::Response<lambda_http::Body>> {
    let app_id = &actor.app_id;
    let next = month.next();
    let html = crate::pages::render(
        "report.html",
        actor.lang,
        minijinja::context! {
            user => crate::web::session(ctx, req, app_id)?,
            app_id,
            here => req.uri().path(),
            previous => month.previous().key,
            next => (next.start <= ctx.now()).then_some(next.key),
            org_report => report.lark.is_some(),
            can_see_people => actor.staff.as_ref().is_some_and(|s| s.role.sees_all_orgs()),
            me => &actor.open_id,
            report => crate::reports::page_context(report, actor.lang),
        },
    )?;
    Ok(crate::web::html(
        http::StatusCode::OK,
        html,
        &crate::web::Sources::of(&ctx.settings, false),
    ))
}

pub(crate) async fn require_customer_manager(ctx: &AppContext, req: &Request) -> AppResult<Staff> {
    let (_, staff) = require_staff(ctx, req).await?;
    if !staff.role.can_manage_customers() {
        return Err(AppError::Forbidden(
            crate::msg!("error-manage-customers").into(),
        ));
    }
    Ok(staff)
}

/// A customer organisation this staff member serves; another's is reported as not found, and so
/// is the provider's own app, whose keys, settings and plan change through `tamlink-admin` only
/// (a manager must not drop its Encrypt Key from the console).
pub(crate) async fn served_customer(
    ctx: &AppContext,
    req: &Request,
    staff: &Staff,
) -> AppResult<crate::store::Tenant> {
    let customer = AppId::parse(&crate::web::path_param(req, "customerAppId")?)?;
    let tenant = crate::orgs::load(ctx, &customer).await?;
    if tenant.kind != crate::store::TenantKind::Customer || !crate::orgs::serves(staff, &tenant) {
        return Err(AppError::NotFound(
            crate::msg!("error-org-unknown", app = customer.to_string()).into(),
        ));
    }
    Ok(tenant)
}
