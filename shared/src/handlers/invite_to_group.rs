//! `GET/POST /lark/{appId}/person/inviteToGroup`: invitation landing. Invitations arrive with the
//! groups feature; until then the link explains itself instead of failing.

use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::{AppError, AppResult};

pub async fn handle(_ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    crate::web::app_id(&req)?;
    Err(AppError::NotFound(
        "Invitation links are not enabled on this deployment yet. Ask your TAM to add you to the group.".into(),
    ))
}
