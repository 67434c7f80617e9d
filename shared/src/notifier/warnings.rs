//! Budget warnings: the TAM hears once a month when an organisation's share runs low or out.

use super::budget;
use crate::context::AppContext;
use crate::domain::budget::{Plan, Step};
use crate::error::AppResult;
use crate::notify::Notification;
use crate::store::{Snapshot, Tenant, TenantKind};

/// After a counted call: if it moved the app onto a step the TAM should hear about, tell them.
pub(super) async fn warn_on_new_step(
    ctx: &AppContext,
    snap: &Snapshot,
    plan: &Plan,
    month: &str,
) -> AppResult<()> {
    let before = budget::step(plan, snap.usage.calls, snap.usage.exhausted);
    let after = budget::step(plan, snap.usage.calls + 1, snap.usage.exhausted);
    match &snap.tenant {
        Some(tenant) if after > before && after.warns() => {
            warn_tam(ctx, tenant, after, month).await
        }
        _ => Ok(()),
    }
}

/// Queues one card to the organisation's TAM (through the provider app) per step and month; the
/// id makes a second warning for the same step a duplicate the notifier drops.
pub(super) async fn warn_tam(
    ctx: &AppContext,
    tenant: &Tenant,
    step: Step,
    month: &str,
) -> AppResult<()> {
    let (TenantKind::Customer, Some(tam)) = (tenant.kind, &tenant.tam) else {
        tracing::warn!(app_id = %tenant.app_id, step = step.name(), "Lark API budget step reached");
        return Ok(());
    };
    let allowance = tenant.plan.allowance().unwrap_or_default();
    let product = tenant.brand.product();
    let (title, excerpt) = if step == Step::Hold {
        (
            crate::msg!(
                "budget-spent",
                org = &tenant.org_name,
                month = month,
                product = product
            ),
            crate::msg!("budget-spent-excerpt"),
        )
    } else {
        (
            crate::msg!(
                "budget-75",
                org = &tenant.org_name,
                month = month,
                product = product
            ),
            crate::msg!("budget-75-excerpt", calls = allowance),
        )
    };
    let provider = &ctx.settings.provider_app_id;
    let warning = Notification {
        id: format!("budget.{}.{month}.{}", tenant.app_id, step.name()),
        kind: crate::notify::NotificationKind::Budget,
        urgent: false,
        recipient: crate::notify::Recipient {
            app_id: provider.clone(),
            open_id: tam.clone(),
            name: String::new(),
        },
        org_app_id: tenant.app_id.clone(),
        org_name: tenant.org_name.clone(),
        group_id: None,
        group_name: None,
        actor: None,
        title: title.into(),
        excerpt: excerpt.into(),
        link: format!("{}/lark/{provider}/workbench", ctx.settings.base_url),
        created_at: ctx.now(),
        card_key: None,
        ticket: None,
        ticket_status: None,
        only_update: false,
        survey: false,
        seq: None,
        revision: None,
    };
    crate::notify::enqueue(ctx, &[warning]).await
}
