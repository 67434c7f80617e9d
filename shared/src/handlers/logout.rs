//! `POST /lark/{appId}/api/session/logout`: ends this session for this app, on the server too,
//! so a copy of the cookie stops working at once. `?scope=everywhere` ends every session the
//! person has through this app (other browsers, other devices).

use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::web::{self, CookieSpec};

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let app_id = web::app_id(&req)?;
    let everywhere = match web::query(&req).get("scope").map(String::as_str) {
        None | Some("this") => false,
        Some("everywhere") => true,
        Some(other) => {
            return Err(AppError::BadRequest(
                crate::msg!(
                    "error-logout-scope",
                    given = other.chars().take(40).collect::<String>()
                )
                .into(),
            ))
        }
    };
    // Signing out without a live session only clears the browser's copy.
    if let Some(session) = web::session(ctx, &req, &app_id)? {
        crate::sessions::sign_out(ctx, &session, everywhere).await?;
    }
    let clear = web::set_cookie(
        ctx,
        CookieSpec {
            name: web::SESSION_COOKIE,
            value: "",
            path: &format!("/lark/{app_id}"),
            max_age: 0,
        },
    );
    if !web::wants_html(&req) {
        let mut resp = web::json(
            http::StatusCode::OK,
            &serde_json::json!({ "signed_out": true, "everywhere": everywhere }),
        );
        if let Ok(v) = http::HeaderValue::from_str(&clear) {
            resp.headers_mut().append(http::header::SET_COOKIE, v);
        }
        return Ok(resp);
    }
    let lang = web::lang(&req, None);
    let t = |key| crate::i18n::t(lang, key);
    let message = if everywhere {
        t("signed-out-everywhere")
    } else {
        t("signed-out-here")
    };
    Ok(crate::web::message_page(
        lang,
        http::StatusCode::OK,
        &t("signed-out"),
        &message,
        Some((&format!("/lark/{app_id}/workbench"), &t("sign-in-again"))),
        &[clear],
    ))
}
