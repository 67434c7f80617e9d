//! `GET /lark/{appId}/api/setup`: the guide's values for one App ID (homepage URL, the 5 redirect
//! URLs, the H5 trusted domain, the scopes JSON). Public: a customer needs them before their app
//! is registered, and none of them is secret. A page for browsers, JSON otherwise.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::domain::setup::setup_values;
use crate::error::AppResult;
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let app_id = web::app_id(&req)?;
    let values = setup_values(&ctx.settings.base_url, app_id.as_str());
    if web::wants_html(&req) {
        let body = crate::pages::render("setup.html", minijinja::context! { values })?;
        Ok(web::html(StatusCode::OK, body))
    } else {
        Ok(web::json(StatusCode::OK, &values))
    }
}
