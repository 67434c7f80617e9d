//! The chat socket's `$connect` route on the WebSocket API (`sockets::connect`): from tamlink's
//! own pages only (Origin), with the ticket the page was rendered with.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::actor::SessionRef;
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::ids::{AppId, GroupId};
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let connection = web::connection_id(&req)?;
    let origin = req
        .headers()
        .get(http::header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(|o| o.trim_end_matches('/'));
    if origin != Some(ctx.settings.base_url.as_str()) {
        return Err(AppError::Forbidden(
            crate::msg!("error-socket-origin").into(),
        ));
    }
    let query = web::query(&req);
    let param = |name: &str| query.get(name).map(String::as_str).unwrap_or_default();
    let app_id = AppId::parse(param("app"))?;
    let group_id = GroupId::parse(param("group"))?;
    let ticket = crate::sockets::verify_ticket(
        ctx,
        &app_id,
        &group_id,
        query.get("ticket").map(String::as_str),
    )?;
    let actor = web::actor_of_session(
        ctx,
        web::SessionOf {
            app_id: ticket.app_id.clone(),
            open_id: ticket.open_id.clone(),
            // A socket only listens: it never writes in the person's name.
            name: String::new(),
            avatar: String::new(),
            this: SessionRef {
                sid: ticket.sid.clone(),
                generation: ticket.generation,
            },
        },
        true,
        ticket.lang,
    )
    .await?;
    crate::sockets::connect(ctx, &actor, connection, &ticket).await?;
    Ok(web::json(StatusCode::OK, &serde_json::json!({})))
}
