//! `GET /thirdparty/lark/{appId}/login`: starts Lark OAuth. The `state` is signed (it carries the
//! app, a nonce, where to return and its expiry) and a cookie ties its nonce to this browser, so
//! a login started elsewhere (login CSRF) is refused at the callback. Starting a sign-in writes
//! nothing: anyone may call this route, so it must not cost a write (the callback records a state
//! as used only after Lark accepted its code, which only a real person signing in can bring).

use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::domain::setup::callback_url;
use crate::error::AppResult;
use crate::session::{random_token, safe_return_to, OAuthState, OAUTH_STATE_TTL};
use crate::web::{self, CookieSpec};

pub const LOGIN_COOKIE: &str = "tl_login";

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let app_id = web::app_id(&req)?;
    crate::limits::admit_sign_in(ctx, &app_id, web::client_ip(&req).as_deref()).await?;
    let tenant = crate::orgs::load(ctx, &app_id).await?;
    let query = web::query(&req);
    let return_to = safe_return_to(app_id.as_str(), query.get("return_to").map(String::as_str));
    let expires_at = ctx.now() + OAUTH_STATE_TTL;
    let nonce = random_token();
    let state = ctx.signer()?.sign_state(&OAuthState {
        app_id: app_id.clone(),
        nonce: nonce.clone(),
        return_to,
        exp: expires_at,
    });
    // The organisation's brand: a Feishu person signs in on Feishu's accounts host.
    let authorize = ctx.lark.authorize_url(
        tenant.brand,
        app_id.as_str(),
        &callback_url(&ctx.settings.base_url, app_id.as_str()),
        &state,
    );
    let cookie = web::set_cookie(
        ctx,
        CookieSpec {
            name: LOGIN_COOKIE,
            value: &nonce,
            path: &format!("/thirdparty/lark/{app_id}"),
            max_age: OAUTH_STATE_TTL,
        },
    );
    Ok(web::redirect(&authorize, &[cookie]))
}
