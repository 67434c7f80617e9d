//! `GET /lark/{appId}/api/groups`: the groups the signed-in person belongs to.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;
use crate::groups::{self, GroupView};

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let actor = crate::web::actor(ctx, &req).await?;
    let groups: Vec<GroupView> = groups::mine(ctx, &actor)
        .await?
        .iter()
        .map(Into::into)
        .collect();
    Ok(crate::web::json(
        StatusCode::OK,
        &serde_json::json!({ "groups": groups }),
    ))
}
