//! The chat socket's `$disconnect` route on the WebSocket API (`sockets::disconnect`).

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    crate::sockets::disconnect(ctx, &web::connection_id(&req)?).await?;
    Ok(web::json(StatusCode::OK, &serde_json::json!({})))
}
