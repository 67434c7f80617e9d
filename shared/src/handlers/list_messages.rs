//! `GET /lark/{appId}/api/groups/{groupId}/messages[?after=n|?before=n]`: a page of chat.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;
use crate::groups::{self, Window};
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let window = Window::from_query(&web::query(&req))?;
    let (actor, group_id) = super::group_request(ctx, &req).await?;
    let page = groups::read(ctx, &actor, &group_id, window).await?;
    Ok(web::json(StatusCode::OK, &page))
}
