//! The producer side of notifications. Use cases write their state first, then enqueue one
//! `Notification` per recipient on the SQS queue; only the notifier ever talks to Lark.
//!
//! A notification's `id` is derived from the event and the recipient, so enqueueing the same
//! event again (a retried request) yields the same ids and the notifier delivers it once.

use aws_sdk_sqs::types::SendMessageBatchRequestEntry;

use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::ids::{AppId, GroupId};

/// The nouns (what a notification is) live in `domain::notification`.
pub use crate::domain::notification::*;

pub mod mentions;
pub mod tickets;

/// SQS takes at most ten messages per batch.
const SQS_BATCH: usize = 10;

/// How fast one organisation's notifications enter the notification queue (`enqueue`). A
/// burst beyond it (a flood of mentions, an integration gone wild) waits its turn with SQS's
/// per-message delay instead of filling the queue ahead of every other organisation's: their
/// notifications stay seconds from being sent (`./run bench burst`). 50 a second is twice the
/// app's Lark pace (`budget::LARK_PACE`): most of a burst's notifications go to digests, not to
/// Lark, and the notifier handles them faster than it may send.
pub const ADMIT_PER_SECOND: i64 = 50;

/// SQS's longest per-message delay: a burst's tail beyond it is queued with this delay.
const MAX_DELAY_SECONDS: i64 = 900;

/// Queues a post for the on-call channel (an emergency's: on the page queue).
pub async fn enqueue_oncall(ctx: &AppContext, post: &OnCallPost) -> AppResult<()> {
    let body = serde_json::json!({ "oncall": post }).to_string();
    send_to(ctx, &ctx.settings.page_queue_url, &[(body, 0)]).await
}

/// The workbench page of a group, as seen through `app_id` (the recipient's app).
pub fn group_link(base_url: &str, app_id: &AppId, group_id: &GroupId) -> String {
    format!("{base_url}/lark/{app_id}/workbench?group={group_id}")
}

/// Puts the notifications on their queues: emergency pages on the page queue (its own function
/// sends them, so no backlog of ordinary notifications delays one), the rest on the notification
/// queue, each organisation's at most `ADMIT_PER_SECOND` (one `UpdateItem` per organisation
/// takes their turns; two while it is bursting). Fails as a whole if any entry was refused, so
/// the caller reports a retryable error; a retry enqueues the same ids, which the notifier
/// collapses.
pub async fn enqueue(ctx: &AppContext, notifications: &[Notification]) -> AppResult<()> {
    let body = |n: &Notification| serde_json::to_string(n).expect("notifications serialize");
    let (pages, rest): (Vec<&Notification>, Vec<&Notification>) =
        notifications.iter().partition(|n| n.urgent);
    send_to(
        ctx,
        &ctx.settings.page_queue_url,
        &pages.into_iter().map(|n| (body(n), 0)).collect::<Vec<_>>(),
    )
    .await?;
    let mut orgs: Vec<(&AppId, Vec<&Notification>)> = Vec::new();
    for n in rest {
        match orgs.iter_mut().find(|(org, _)| **org == n.org_app_id) {
            Some((_, list)) => list.push(n),
            None => orgs.push((&n.org_app_id, vec![n])),
        }
    }
    let mut entries = Vec::new();
    for (org, list) in orgs {
        let count = i64::try_from(list.len()).unwrap_or(i64::MAX);
        let ahead = ctx
            .store
            .admit(org, count, ADMIT_PER_SECOND, ctx.now())
            .await?;
        for (i, n) in list.into_iter().enumerate() {
            let turn = ahead + i64::try_from(i).unwrap_or(i64::MAX);
            entries.push((
                body(n),
                (turn / ADMIT_PER_SECOND).clamp(0, MAX_DELAY_SECONDS),
            ));
        }
    }
    send_to(ctx, &ctx.settings.queue_url, &entries).await
}

/// Sends raw messages to the notification queue, ten per request, without delay.
pub async fn send_bodies(ctx: &AppContext, bodies: &[String]) -> AppResult<()> {
    let entries: Vec<(String, i64)> = bodies.iter().map(|b| (b.clone(), 0)).collect();
    send_to(ctx, &ctx.settings.queue_url, &entries).await
}

/// Sends messages to `queue`, each after its delay in seconds, ten per request.
async fn send_to(ctx: &AppContext, queue: &str, bodies: &[(String, i64)]) -> AppResult<()> {
    for chunk in bodies.chunks(SQS_BATCH) {
        let entries = chunk
            .iter()
            .enumerate()
            .map(|(i, (body, delay))| {
                let mut entry = SendMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .message_body(body);
                if *delay > 0 {
                    entry = entry.delay_seconds(i32::try_from(*delay).unwrap_or(900));
                }
                entry.build().map_err(|e| AppError::Internal(e.to_string()))
            })
            .collect::<AppResult<Vec<_>>>()?;
        let out = ctx
            .sqs
            .send_message_batch()
            .queue_url(queue)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| {
                AppError::Unavailable(format!(
                    "queueing notifications failed: {}",
                    aws_sdk_sqs::error::DisplayErrorContext(e)
                ))
            })?;
        if !out.failed.is_empty() {
            return Err(AppError::Unavailable(format!(
                "{} queue messages were refused",
                out.failed.len()
            )));
        }
    }
    Ok(())
}
