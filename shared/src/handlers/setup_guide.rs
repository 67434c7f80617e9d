//! `GET /lark/{appId}/api/setup`: the guide's values for one App ID (homepage URL, the 5 redirect
//! URLs, the H5 trusted domain, the scopes JSON). Public: a customer needs them before their app
//! is registered, and none of them is secret. A page for browsers, JSON otherwise. The steps are
//! taken in the brand's developer console: `?brand=lark|feishu`, else the registered
//! organisation's brand, else Lark.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::domain::brand::Brand;
use crate::domain::setup::setup_values;
use crate::error::{AppError, AppResult};
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let app_id = web::app_id(&req)?;
    let brand = match web::query(&req).get("brand") {
        Some(b) => Brand::parse(b).ok_or_else(|| {
            AppError::BadRequest(crate::msg!("error-brand-unknown", given = b).into())
        })?,
        None => ctx
            .store
            .tenant(&app_id)
            .await?
            .map(|t| t.brand)
            .unwrap_or_default(),
    };
    let values = setup_values(&ctx.settings.base_url, app_id.as_str(), brand);
    if web::wants_html(&req) {
        let body = crate::pages::render(
            "setup.html",
            web::lang(&req, None),
            minijinja::context! { values },
        )?;
        Ok(web::html(
            StatusCode::OK,
            body,
            &web::Sources::of(&ctx.settings, false),
        ))
    } else {
        Ok(web::json(StatusCode::OK, &values))
    }
}
