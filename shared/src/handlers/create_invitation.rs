//! `POST /lark/{appId}/api/groups/{groupId}/invitations`: Add People — a link valid 24 hours.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let (actor, group_id) = super::group_request(ctx, &req).await?;
    let link = crate::invitations::create(ctx, &actor, &group_id).await?;
    Ok(crate::web::json(StatusCode::CREATED, &link))
}
