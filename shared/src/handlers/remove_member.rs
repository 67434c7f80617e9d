//! `POST /lark/{appId}/api/groups/{groupId}/members/remove`: leave the group, or remove a
//! colleague (rules in `domain::chat::may_remove`).

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;
use crate::groups::{self, RemoveRequest};
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let target: RemoveRequest = web::json_body(&req)?;
    let (actor, group_id) = super::group_request(ctx, &req).await?;
    groups::remove(ctx, &actor, &group_id, target).await?;
    Ok(web::json(
        StatusCode::OK,
        &serde_json::json!({ "removed": true }),
    ))
}
