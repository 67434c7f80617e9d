//! `GET /thirdparty/lark/{appId}/oauth2/callback`: finishes Lark OAuth and sets the session.

use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::domain::audit::{AuditActor, AuditEntry, AuditKind};
use crate::domain::setup::callback_url;
use crate::error::{AppError, AppResult};
use crate::ids::AppId;
use crate::lark::UserInfo;
use crate::session::{random_token, OAuthState, Session, SESSION_TTL};
use crate::store::{
    JoinedVia, Member, Person, Side, StoreError, Tenant, TenantKind, TenantStatus, UsedLogin,
};
use crate::web::{self, CookieSpec};

use super::login::LOGIN_COOKIE;

/// The longest code tamlink takes for Lark's (Lark says to reserve at least 64 characters).
const MAX_CODE: usize = 512;

fn start_again(app_id: &AppId, why: crate::i18n::Msg) -> AppError {
    AppError::BadRequest(
        crate::msg!(
            "error-sign-in-again",
            why = why,
            workbench = format!("/lark/{app_id}/workbench")
        )
        .into(),
    )
}

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let app_id = web::app_id(&req)?;
    crate::limits::admit_sign_in(ctx, &app_id, web::client_ip(&req).as_deref()).await?;
    let query = web::query(&req);
    if let Some(error) = query.get("error") {
        return Err(AppError::Unauthorized(
            if error == "access_denied" {
                crate::msg!("error-sign-in-cancelled")
            } else {
                crate::msg!("error-sign-in-incomplete-lark")
            }
            .into(),
        ));
    }
    let (Some(code), Some(state)) = (query.get("code"), query.get("state")) else {
        return Err(start_again(&app_id, crate::msg!("why-sign-in-incomplete")));
    };
    // Lark's codes are letters, digits, `-` and `_` (docs/lark.md §2.1): anything else is not
    // worth Lark's time, nor the App Secret's trip.
    if code.is_empty()
        || code.len() > MAX_CODE
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(start_again(&app_id, crate::msg!("why-sign-in-incomplete")));
    }
    let state = check_state(ctx, &req, &app_id, state)?;
    let tenant = crate::orgs::load(ctx, &app_id).await?;
    // The state is burnt before Lark is asked: one state carries one code to Lark, ever.
    let used = UsedLogin {
        nonce: state.nonce.clone(),
        app_id: app_id.clone(),
        expires_at: state.exp,
    };
    match ctx.store.burn_login(&used).await {
        Err(StoreError::ConditionFailed) => return Err(already_used(&app_id)),
        other => other?,
    }
    let user = identify(ctx, &tenant, code).await?;
    if user.tenant_key.is_empty() || user.tenant_key != tenant.tenant_key {
        tracing::warn!(app_id = %app_id, "sign-in from a foreign tenant refused");
        return Err(AppError::Forbidden(
            crate::msg!("error-foreign-tenant", org = &tenant.org_name).into(),
        ));
    }
    // The sign-in is on the organisation's audit trail (staff sign in to the provider's).
    let audit = AuditEntry::new(
        &app_id,
        ctx.now(),
        AuditActor::person(&app_id, &user.open_id, &user.name),
        AuditKind::SignedIn,
    );
    ctx.store.record_sign_in(&audit).await?;
    match tenant.kind {
        TenantKind::Provider => ensure_staff(ctx, &app_id, &user).await?,
        TenantKind::Customer => welcome_colleague(ctx, &tenant, &user).await?,
    }
    // A session issued now belongs to the fence's current generation: it survives earlier
    // "sign out everywhere" and is ended by later ones.
    let fence = ctx.store.session_fence(&app_id, &user.open_id).await?;
    // The language they chose before (on another device, say) comes back with them.
    let chosen = ctx.store.prefs(&app_id, &user.open_id).await?.lang;
    let session = Session {
        app_id: app_id.clone(),
        sid: random_token(),
        generation: fence.generation,
        open_id: user.open_id,
        union_id: user.union_id,
        tenant_key: user.tenant_key,
        name: user.name,
        avatar: user.avatar_url,
        exp: ctx.now() + SESSION_TTL,
    };
    let session_cookie = web::set_cookie(
        ctx,
        CookieSpec {
            name: web::SESSION_COOKIE,
            value: &ctx.signer()?.sign_session(&session),
            path: &format!("/lark/{app_id}"),
            max_age: SESSION_TTL,
        },
    );
    let clear_login = web::set_cookie(
        ctx,
        CookieSpec {
            name: LOGIN_COOKIE,
            value: "",
            path: &format!("/thirdparty/lark/{app_id}"),
            max_age: 0,
        },
    );
    let mut cookies = vec![session_cookie, clear_login];
    cookies.extend(chosen.map(|lang| web::lang_cookie(ctx, lang)));
    Ok(web::redirect(&state.return_to, &cookies))
}

fn already_used(app_id: &AppId) -> AppError {
    start_again(app_id, crate::msg!("why-sign-in-used"))
}

/// Checks the signed state (app, expiry) and that this browser started the sign-in; no request
/// (whether it was used is the burn's condition).
fn check_state(
    ctx: &AppContext,
    req: &Request,
    app_id: &AppId,
    state: &str,
) -> AppResult<OAuthState> {
    let state = ctx
        .signer()?
        .verify_state(state, app_id.as_str(), ctx.now())
        .map_err(|e| {
            start_again(
                app_id,
                crate::msg!("why-sign-in-invalid", detail = e.to_string()),
            )
        })?;
    if web::cookie(req, LOGIN_COOKIE).as_deref() != Some(state.nonce.as_str()) {
        return Err(start_again(app_id, crate::msg!("why-sign-in-elsewhere")));
    }
    Ok(state)
}

async fn identify(ctx: &AppContext, tenant: &Tenant, code: &str) -> AppResult<UserInfo> {
    let secret = crate::orgs::app_secret(ctx, tenant).await?;
    let creds = crate::orgs::credentials(tenant, &secret);
    let redirect_uri = callback_url(&ctx.settings.base_url, &tenant.app_id);
    let token = ctx
        .lark
        .exchange_code(creds, code, &redirect_uri)
        .await
        .map_err(|e| match e.code() {
            Some(20003 | 20004 | 20065 | 20024 | 20071) => {
                AppError::BadRequest(crate::msg!("error-code-expired").into())
            }
            Some(20010) => AppError::Forbidden(crate::msg!("error-not-available").into()),
            _ => e.into(),
        })?;
    Ok(ctx
        .lark
        .user_info(tenant.brand, &token.access_token)
        .await?)
}

async fn ensure_staff(ctx: &AppContext, app_id: &AppId, user: &UserInfo) -> AppResult<()> {
    let staff = ctx
        .store
        .staff(app_id, &user.open_id)
        .await?
        .ok_or_else(|| AppError::Forbidden(crate::msg!("error-not-staff-ask").into()))?;
    if staff.name != user.name || staff.avatar != user.avatar_url {
        // Only the profile: a whole-item write could undo a concurrent change of their load.
        ctx.store
            .update_staff_profile(app_id, &staff.open_id, &user.name, &user.avatar_url)
            .await?;
    }
    Ok(())
}

/// Records the colleague and, where the organisation allows it, joins them to the service group
/// the first time they sign in after activation. Someone who left is not pulled back in.
async fn welcome_colleague(ctx: &AppContext, tenant: &Tenant, user: &UserInfo) -> AppResult<()> {
    let now = ctx.now();
    let known = ctx.store.person(&tenant.app_id, &user.open_id).await?;
    let mut person = Person {
        app_id: tenant.app_id.clone(),
        open_id: user.open_id.clone(),
        union_id: user.union_id.clone(),
        name: user.name.clone(),
        avatar: user.avatar_url.clone(),
        first_seen: known.as_ref().map_or(now, |p| p.first_seen),
        last_seen: now,
        auto_joined: known.as_ref().is_some_and(|p| p.auto_joined),
    };
    let join = tenant.service_group_id.as_ref().filter(|_| {
        tenant.status == TenantStatus::Active && tenant.auto_join && !person.auto_joined
    });
    if let Some(group_id) = join {
        let member = Member {
            group_id: group_id.clone(),
            side: Side::Colleague,
            app_id: tenant.app_id.clone(),
            open_id: user.open_id.clone(),
            name: user.name.clone(),
            avatar: user.avatar_url.clone(),
            role: None,
            added_by: user.open_id.to_string(),
            added_at: now,
            via: JoinedVia::SignIn,
        };
        let audit = AuditEntry::new(
            &tenant.app_id,
            now,
            AuditActor::person(&tenant.app_id, &user.open_id, &user.name),
            AuditKind::Joined,
        );
        match ctx.store.add_member(&member, &audit).await {
            Ok(()) | Err(crate::store::StoreError::ConditionFailed) => person.auto_joined = true,
            Err(e) => return Err(e.into()),
        }
    }
    ctx.store.save_person(&person).await?;
    Ok(())
}
