//! DigestSweepFunction (every minute): queues a digest for each person whose window ended with
//! notifications waiting.

use serde_json::Value;

use crate::context::AppContext;
use crate::error::AppResult;

/// The scheduled sweep (every minute): queues a flush for everyone whose digest is due. Reads
/// the index buckets of this hour and the last one — two queries, never the table — so a sweep
/// that missed up to an hour of runs still finds everything.
#[tracing::instrument(skip_all)]
pub async fn sweep_due_digests(ctx: &AppContext) -> AppResult<Value> {
    let now = ctx.now();
    let this_hour = crate::store::due_hour(now);
    let mut due = Vec::new();
    for hour in [this_hour - 1, this_hour] {
        due.extend(ctx.store.due_digests(hour, now).await?);
    }
    due.sort();
    due.dedup();
    crate::notifier::queue_flushes(ctx, &due).await?;
    Ok(serde_json::json!({"flushes": due.len()}))
}
