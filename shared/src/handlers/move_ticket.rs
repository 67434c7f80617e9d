//! `POST /lark/{appId}/api/tickets/{ticketId}/status`: move a ticket along its lifecycle (the
//! table in `domain::tickets` says who may make which move).

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::domain::tickets::Status;
use crate::error::AppResult;
use crate::web;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MoveInput {
    status: Status,
}

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let input: MoveInput = web::json_body(&req)?;
    let actor = crate::web::actor(ctx, &req).await?;
    let id = crate::ids::TicketId::parse(&crate::web::path_param(&req, "ticketId")?)?;
    let ticket = crate::tickets::move_to(ctx, &actor, &id, input.status).await?;
    Ok(web::json(StatusCode::OK, &ticket))
}
