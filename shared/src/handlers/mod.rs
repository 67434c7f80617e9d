//! One module per route; each `handle` is the whole body of one Lambda function.

pub mod acknowledge_emergency;
pub mod activate_customer;
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
pub mod move_ticket;
pub mod oauth_callback;
pub mod org_audit;
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
    let app_id = crate::web::app_id(req)?;
    if app_id != ctx.settings.provider_app_id {
        return Err(AppError::NotFound(crate::msg!("error-staff-only").into()));
    }
    let staff = crate::web::actor(ctx, req)
        .await?
        .staff
        .ok_or_else(|| AppError::Forbidden(crate::msg!("error-not-staff").into()))?;
    Ok((app_id, staff))
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

/// A customer organisation this staff member serves; another's is reported as not found.
pub(crate) async fn served_customer(
    ctx: &AppContext,
    req: &Request,
    staff: &Staff,
) -> AppResult<crate::store::Tenant> {
    let customer = AppId::parse(&crate::web::path_param(req, "customerAppId")?)?;
    let tenant = crate::orgs::load(ctx, &customer).await?;
    if !crate::orgs::serves(staff, &tenant) {
        return Err(AppError::NotFound(
            crate::msg!("error-org-unknown", app = customer.to_string()).into(),
        ));
    }
    Ok(tenant)
}
