//! `GET /lark/{appId}/api/tickets`: the organisation's tickets (colleagues), or the open tickets
//! of the organisations a staff member serves, a page at a time (`?cursor=` the `next` of the
//! previous page).

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::{AppError, AppResult};

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let actor = crate::web::actor(ctx, &req).await?;
    let cursor = match crate::web::query(&req).get("cursor") {
        None => None,
        Some(c) => match c.parse::<u64>() {
            Ok(n) if n <= crate::store::MAX_TICKET => Some(n),
            _ => return Err(AppError::BadRequest(crate::msg!("error-cursor").into())),
        },
    };
    let page = crate::tickets::list(ctx, &actor, cursor).await?;
    Ok(crate::web::json(StatusCode::OK, &page))
}
