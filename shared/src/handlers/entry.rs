//! `GET /lark/{appId}`: the app's entry, straight to the workbench.

use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;

pub async fn handle(_ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let app_id = crate::web::app_id(&req)?;
    Ok(crate::web::redirect(
        &format!("/lark/{app_id}/workbench"),
        &[],
    ))
}
