//! `GET /lark/{appId}/api/groups/{groupId}/members`: Group Member Management's list, split into
//! colleagues and service team.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let (actor, group_id) = super::group_request(ctx, &req).await?;
    let list = crate::groups::members(ctx, &actor, &group_id).await?;
    Ok(crate::web::json(StatusCode::OK, &list))
}
