//! `GET /thirdparty/lark/{appId}/login`: starts Lark OAuth. The `state` is signed and names a
//! one-time sign-in attempt stored server-side, and a cookie ties it to this browser, so a login
//! started elsewhere (login CSRF) or replayed is refused at the callback.

use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::domain::setup::callback_url;
use crate::error::AppResult;
use crate::session::{random_token, safe_return_to, OAuthState, OAUTH_STATE_TTL};
use crate::store::LoginAttempt;
use crate::web::{self, CookieSpec};

pub const LOGIN_COOKIE: &str = "tl_login";

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let app_id = web::app_id(&req)?;
    crate::orgs::load(ctx, &app_id).await?;
    let query = web::query(&req);
    let return_to = safe_return_to(app_id.as_str(), query.get("return_to").map(String::as_str));
    let expires_at = ctx.now() + OAUTH_STATE_TTL;
    let attempt = LoginAttempt {
        nonce: random_token(),
        app_id: app_id.clone(),
        return_to,
        expires_at,
    };
    ctx.store.create_login(&attempt).await?;
    let state = ctx.signer()?.sign_state(&OAuthState {
        app_id: app_id.clone(),
        nonce: attempt.nonce.clone(),
        exp: expires_at,
    });
    let authorize = ctx.lark.authorize_url(
        app_id.as_str(),
        &callback_url(&ctx.settings.base_url, app_id.as_str()),
        &state,
    );
    let cookie = web::set_cookie(
        ctx,
        CookieSpec {
            name: LOGIN_COOKIE,
            value: &attempt.nonce,
            path: &format!("/thirdparty/lark/{app_id}"),
            max_age: OAUTH_STATE_TTL,
        },
    );
    Ok(web::redirect(&authorize, &[cookie]))
}
