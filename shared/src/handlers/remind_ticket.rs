//! `POST /lark/{appId}/api/tickets/{ticketId}/reminder`: the customer's Reminder, escalating by
//! tier, at most once per ticket every 30 minutes.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let actor = crate::web::actor(ctx, &req).await?;
    let id = crate::ids::TicketId::parse(&crate::web::path_param(&req, "ticketId")?)?;
    let ticket = crate::tickets::remind(ctx, &actor, &id).await?;
    Ok(web::json(StatusCode::OK, &ticket))
}
