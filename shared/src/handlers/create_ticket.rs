//! `POST /lark/{appId}/api/tickets`: Create Ticket — a numbered ticket, its ticket group and a
//! fairly assigned engineer.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;
use crate::tickets::{self, NewTicketInput};
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let input: NewTicketInput = web::json_body(&req)?;
    let actor = crate::web::actor(ctx, &req).await?;
    let ticket = tickets::create(ctx, &actor, input).await?;
    Ok(web::json(StatusCode::CREATED, &ticket))
}
