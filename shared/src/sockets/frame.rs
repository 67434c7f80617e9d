//! `$default`: a frame from a page. Pages send only a keep-alive (API Gateway closes a socket
//! idle for 10 minutes); anything else is not ours and closes the connection without effect.

use crate::context::AppContext;
use crate::domain::socket::is_ping;
use crate::error::AppResult;
use crate::ids::ConnectionId;

#[tracing::instrument(skip(ctx, text))]
pub async fn frame(ctx: &AppContext, connection: &ConnectionId, text: &str) -> AppResult<()> {
    if !is_ping(text) {
        tracing::info!("unexpected frame: closing the connection");
        super::connections(ctx)?.close(connection).await?;
    }
    Ok(())
}
