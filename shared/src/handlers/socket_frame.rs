//! The chat socket's `$default` route on the WebSocket API (`sockets::frame`): every frame a
//! page sends.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let text = std::str::from_utf8(req.body().as_ref()).unwrap_or_default();
    crate::sockets::frame(ctx, &web::connection_id(&req)?, text).await?;
    Ok(web::json(StatusCode::OK, &serde_json::json!({})))
}
