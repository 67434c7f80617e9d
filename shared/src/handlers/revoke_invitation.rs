//! `POST /lark/{appId}/api/groups/{groupId}/invitations/{invitationId}/revoke`.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let (actor, group_id) = super::group_request(ctx, &req).await?;
    let invitation =
        crate::ids::InvitationId::parse(&crate::web::path_param(&req, "invitationId")?)?;
    crate::invitations::revoke(ctx, &actor, &group_id, &invitation).await?;
    Ok(crate::web::json(
        StatusCode::OK,
        &serde_json::json!({ "revoked": true }),
    ))
}
