//! `POST /lark/{appId}/api/groups/{groupId}/messages`: post to a group's chat, with @mentions.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;
use crate::groups::{self, NewMessage};
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let input: NewMessage = web::json_body(&req)?;
    let (actor, group_id) = super::group_request(ctx, &req).await?;
    let (message, is_new) = groups::post(ctx, &actor, &group_id, input).await?;
    let status = if is_new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(web::json(status, &message))
}
