//! `POST /lark/{appId}/api/tickets/{ticketId}/acknowledge`: the service team acknowledges an
//! emergency; the pages stop and the customer hears.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let actor = crate::web::actor(ctx, &req).await?;
    let id = crate::ids::TicketId::parse(&crate::web::path_param(&req, "ticketId")?)?;
    let ticket = crate::tickets::acknowledge(ctx, &actor, &id).await?;
    Ok(web::json(StatusCode::OK, &ticket))
}
