//! `POST /lark/{appId}/api/customers/{customerAppId}/callback-keys` (provider app): a TAM,
//! manager or admin serving the organisation sets (or replaces) its app's Events & Callbacks keys,
//! so its people can act from tamlink's cards. Stored KMS-sealed like the App Secret; never shown.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::domain::audit::{AuditActor, AuditEntry, AuditKind};
use crate::error::AppResult;
use crate::orgs::CallbackInput;
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let input: CallbackInput = web::json_body(&req)?;
    let staff = super::require_customer_manager(ctx, &req).await?;
    let mut tenant = super::served_customer(ctx, &req, &staff).await?;
    // Which keys there are, before and after; never their values.
    let kinds = |k: Option<&crate::store::CallbackKeys>| match k {
        None => "none",
        Some(k) if k.encrypt_key_sealed.is_some() => "verification token and encrypt key",
        Some(_) => "verification token only",
    };
    let before = kinds(tenant.callback.as_ref());
    tenant.callback = Some(crate::orgs::seal_callback_keys(ctx, &tenant.app_id, &input).await?);
    let audit = AuditEntry::new(
        &tenant.app_id,
        ctx.now(),
        AuditActor::staff(&web::app_id(&req)?, &staff),
        AuditKind::CallbackKeysChanged,
    )
    .change(
        "callback_keys",
        Some(before.to_owned()),
        Some(kinds(tenant.callback.as_ref()).to_owned()),
    );
    ctx.store
        .update_tenant_audited(&tenant, &["callback"], &audit)
        .await?;
    tracing::info!(app_id = %tenant.app_id, by = %staff.open_id, "callback keys set");
    Ok(web::json(
        StatusCode::OK,
        &crate::pages::TenantView::new(ctx, &tenant, web::lang(&req, None)),
    ))
}
