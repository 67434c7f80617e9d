//! `GET /lark/{appId}/api/groups/{groupId}/invitations`: the group's active Add People links.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let (actor, group_id) = super::group_request(ctx, &req).await?;
    let links = crate::invitations::list(ctx, &actor, &group_id).await?;
    Ok(crate::web::json(
        StatusCode::OK,
        &serde_json::json!({ "invitations": links }),
    ))
}
