//! `POST /lark/{appId}/api/groups/{groupId}/read` `{"seq": 42}`: how far the person has read the
//! group in the web app (the page says so when it shows new messages and every few minutes while
//! open). Mentions and replies they read there are then not sent to them in Lark.

use http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;

use crate::context::AppContext;
use crate::error::AppResult;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReadReport {
    seq: u64,
}

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let (actor, group_id) = super::group_request(ctx, &req).await?;
    let report: ReadReport = crate::web::json_body(&req)?;
    // Message numbers are what JavaScript counts exactly (`openapi.yaml` says so).
    const MAX: u64 = (1 << 53) - 1;
    if report.seq > MAX {
        return Err(crate::error::AppError::BadRequest(
            crate::msg!("error-read-seq", max = MAX.to_string()).into(),
        ));
    }
    let position = crate::groups::mark_read(ctx, &actor, &group_id, report.seq).await?;
    Ok(crate::web::json(
        StatusCode::OK,
        &serde_json::json!({ "seq": position.seq }),
    ))
}
