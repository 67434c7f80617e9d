//! `POST /lark/{appId}/api/tickets/{ticketId}/join-request`: a colleague who sees a ticket in the
//! list but is not in its group asks its creator to add them (once a day).

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let actor = web::actor(ctx, &req).await?;
    let id = crate::ids::TicketId::parse(&web::path_param(&req, "ticketId")?)?;
    let asked = crate::tickets::ask_to_join(ctx, &actor, &id).await?;
    Ok(web::json(StatusCode::ACCEPTED, &asked))
}
