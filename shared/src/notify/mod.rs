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
pub use crate::domain::notification::{
    Notification, NotificationKind, OnCallPost, Recipient, Revision,
};

pub mod mentions;
pub mod tickets;

/// SQS takes at most ten messages per batch.
const SQS_BATCH: usize = 10;

/// Queues a post for the on-call channel (an emergency's: on the page queue).
pub async fn enqueue_oncall(ctx: &AppContext, post: &OnCallPost) -> AppResult<()> {
    let body = serde_json::json!({ "oncall": post }).to_string();
    // The on-call channel is the provider's: its posts are the provider's tenant.
    send_to(
        ctx,
        &ctx.settings.page_queue_url,
        &[(body, ctx.settings.provider_app_id.to_string())],
    )
    .await
}

/// The workbench page of a group, as seen through `app_id` (the recipient's app).
pub fn group_link(base_url: &str, app_id: &AppId, group_id: &GroupId) -> String {
    format!("{base_url}/lark/{app_id}/workbench?group={group_id}")
}

/// Puts the notifications on their queues: emergency pages on the page queue (its own function
/// sends them, so no backlog of ordinary notifications delays one), the rest on the notification
/// queue. Each message names its organisation as its `MessageGroupId`: the queues are SQS fair
/// queues, which deliver quiet organisations' messages first while one organisation has a
/// backlog (`./run bench burst`). Fails as a whole if any entry was refused, so the caller
/// reports a retryable error; a retry enqueues the same ids, which the notifier collapses.
pub async fn enqueue(ctx: &AppContext, notifications: &[Notification]) -> AppResult<()> {
    let entry = |n: &Notification| {
        (
            serde_json::to_string(n).expect("notifications serialize"),
            n.org_app_id.to_string(),
        )
    };
    let (pages, rest): (Vec<&Notification>, Vec<&Notification>) =
        notifications.iter().partition(|n| n.urgent);
    send_to(
        ctx,
        &ctx.settings.page_queue_url,
        &pages.into_iter().map(entry).collect::<Vec<_>>(),
    )
    .await?;
    send_to(
        ctx,
        &ctx.settings.queue_url,
        &rest.into_iter().map(entry).collect::<Vec<_>>(),
    )
    .await
}

/// Sends messages to the notification queue, each with its tenant (`MessageGroupId`: the
/// organisation, or the app of the person a digest flush is for), ten per request.
pub async fn send_bodies(ctx: &AppContext, bodies: &[(String, String)]) -> AppResult<()> {
    send_to(ctx, &ctx.settings.queue_url, bodies).await
}

/// Sends `(body, tenant)` messages to `queue`, ten per request.
async fn send_to(ctx: &AppContext, queue: &str, bodies: &[(String, String)]) -> AppResult<()> {
    for chunk in bodies.chunks(SQS_BATCH) {
        let entries = chunk
            .iter()
            .enumerate()
            .map(|(i, (body, tenant))| {
                SendMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .message_body(body)
                    .message_group_id(tenant)
                    .build()
                    .map_err(|e| AppError::Internal(e.to_string()))
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
