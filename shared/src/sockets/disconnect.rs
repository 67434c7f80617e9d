//! `$disconnect`: the page went away (or API Gateway closed the connection).

use crate::context::AppContext;
use crate::error::AppResult;
use crate::ids::ConnectionId;

/// Deletes the connection's subscription: one query and one delete; nothing when it had none
/// (a refused `$connect` stored nothing).
#[tracing::instrument(skip(ctx))]
pub async fn disconnect(ctx: &AppContext, connection: &ConnectionId) -> AppResult<()> {
    if let Some(sub) = ctx.store.subscription(connection).await? {
        ctx.store.unsubscribe(&sub).await?;
    }
    Ok(())
}
