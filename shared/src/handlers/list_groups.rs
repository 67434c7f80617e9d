//! `GET /lark/{appId}/api/groups`: the groups the signed-in person belongs to, a page at a time
//! (`?cursor=` the `next` of the previous page).

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;
use crate::groups::{self, GroupView};
use crate::ids::GroupId;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let actor = crate::web::actor(ctx, &req).await?;
    let after = match crate::web::query(&req).get("cursor") {
        Some(c) => Some(GroupId::parse(c)?),
        None => None,
    };
    let (groups, next) = groups::mine(ctx, &actor, after.as_ref()).await?;
    let groups: Vec<GroupView> = groups.iter().map(Into::into).collect();
    Ok(crate::web::json(
        StatusCode::OK,
        &serde_json::json!({ "groups": groups, "next": next }),
    ))
}
