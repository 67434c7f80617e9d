//! `GET /lark/{appId}/api/tickets`: the organisation's tickets (colleagues), or the open tickets
//! of the organisations a staff member serves.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let actor = crate::web::actor(ctx, &req).await?;
    let list = crate::tickets::list(ctx, &actor).await?;
    Ok(crate::web::json(
        StatusCode::OK,
        &serde_json::json!({ "tickets": list }),
    ))
}
