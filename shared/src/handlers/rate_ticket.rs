//! `POST /lark/{appId}/api/tickets/{ticketId}/rating`: the ticket's creator rates the support
//! once it is resolved (1 to 5, an optional comment), or changes their rating within 7 days.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;
use crate::web;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RatingInput {
    score: u8,
    #[serde(default, deserialize_with = "crate::json::not_null")]
    comment: Option<String>,
}

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let input: RatingInput = web::json_body(&req)?;
    let actor = web::actor(ctx, &req).await?;
    let id = crate::ids::TicketId::parse(&web::path_param(&req, "ticketId")?)?;
    let ticket =
        crate::tickets::rate(ctx, &actor, &id, input.score, input.comment.as_deref()).await?;
    Ok(web::json(StatusCode::OK, &ticket))
}
