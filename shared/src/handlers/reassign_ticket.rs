//! `POST /lark/{appId}/api/tickets/{ticketId}/assignee`: the TAM, a manager or admin, or the
//! assignee handing over gives the ticket to another engineer serving the organisation.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;
use crate::tickets::ReassignInput;
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let input: ReassignInput = web::json_body(&req)?;
    let actor = web::actor(ctx, &req).await?;
    let id = crate::ids::TicketId::parse(&web::path_param(&req, "ticketId")?)?;
    let ticket = crate::tickets::reassign(ctx, &actor, &id, &input).await?;
    Ok(web::json(StatusCode::OK, &ticket))
}
