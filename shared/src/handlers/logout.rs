//! `POST /lark/{appId}/api/session/logout`: ends the session for this app.

use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;
use crate::web::{self, CookieSpec};

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let app_id = web::app_id(&req)?;
    let name = web::session_cookie_name(app_id.as_str());
    let clear = web::set_cookie(
        ctx,
        CookieSpec {
            name: &name,
            value: "",
            path: &format!("/lark/{app_id}"),
            max_age: 0,
        },
    );
    Ok(crate::web::message_page(
        http::StatusCode::OK,
        "Signed out",
        "You have signed out of this app.",
        Some((&format!("/lark/{app_id}/workbench"), "Sign in again")),
        &[clear],
    ))
}
