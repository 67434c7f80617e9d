//! `POST /lark/{appId}/api/tickets/{ticketId}/emergency`: Emergency — S1, pages at once, the
//! on-call channel, re-pages until acknowledged.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;
use crate::tickets::EmergencyInput;
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let input: EmergencyInput = web::json_body(&req)?;
    let actor = crate::web::actor(ctx, &req).await?;
    let id = crate::ids::TicketId::parse(&crate::web::path_param(&req, "ticketId")?)?;
    let ticket = crate::tickets::declare_emergency(ctx, &actor, &id, input).await?;
    Ok(web::json(StatusCode::OK, &ticket))
}
