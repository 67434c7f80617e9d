//! The producer side of notifications. Use cases write their state first, then enqueue one
//! `Notification` per recipient on the SQS queue; only the notifier ever talks to Lark.
//!
//! A notification's `id` is derived from the event and the recipient, so enqueueing the same
//! event again (a retried request) yields the same ids and the notifier delivers it once.

use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use serde::{Deserialize, Serialize};

use crate::clock::Epoch;
use crate::context::AppContext;
use crate::error::{AppError, AppResult};

/// SQS takes at most ten messages per batch.
const SQS_BATCH: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// Someone @mentioned the recipient in a group.
    Mention,
    /// An organisation's Lark API share is running low or spent (to its TAM).
    Budget,
    /// A ticket was assigned to the recipient.
    TicketAssigned,
    /// A ticket the recipient opened or works on changed.
    TicketUpdated,
    /// The customer pressed Reminder on a ticket.
    Reminder,
    /// A ticket's first response is nearly due, or overdue.
    Sla,
    /// An emergency page: sent at once, outside the window.
    Emergency,
}

/// A post to the provider's on-call channel (a Lark group's custom bot), sent by the notifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnCallPost {
    pub id: String,
    pub title: String,
    pub text: String,
    pub link: String,
}

/// Queues a post for the on-call channel.
pub async fn enqueue_oncall(ctx: &AppContext, post: &OnCallPost) -> AppResult<()> {
    let body = serde_json::json!({ "oncall": post }).to_string();
    send_bodies(ctx, &[body]).await
}

/// Who gets the DM: colleagues through their org's app, staff through the provider app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub app_id: String,
    pub open_id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: String,
    pub kind: NotificationKind,
    /// Emergency pages: sent at once, outside the person's 10-minute window.
    #[serde(default)]
    pub urgent: bool,
    pub recipient: Recipient,
    /// The customer organisation the event belongs to (its app id) and its name.
    pub org_app_id: String,
    pub org_name: String,
    pub group_id: Option<String>,
    pub group_name: Option<String>,
    /// Who caused it, by name.
    pub actor: Option<String>,
    pub title: String,
    pub excerpt: String,
    /// Where the card's button leads, opened through the recipient's own app.
    pub link: String,
    pub created_at: Epoch,
    /// A card meant to change later (a ticket's status card): the first one is a CardKit entity
    /// sent as a DM; later notifications with the same key update it in place instead of sending
    /// another DM.
    #[serde(default)]
    pub card_key: Option<String>,
}

/// The workbench page of a group, as seen through `app_id` (the recipient's app).
pub fn group_link(base_url: &str, app_id: &str, group_id: &str) -> String {
    format!("{base_url}/lark/{app_id}/workbench?group={group_id}")
}

/// Puts the notifications on the queue. Fails as a whole if any entry was refused, so the
/// caller reports a retryable error; a retry enqueues the same ids, which the notifier collapses.
pub async fn enqueue(ctx: &AppContext, notifications: &[Notification]) -> AppResult<()> {
    let bodies: Vec<String> = notifications
        .iter()
        .map(|n| serde_json::to_string(n).expect("notifications serialize"))
        .collect();
    send_bodies(ctx, &bodies).await
}

/// Sends raw queue messages, ten per request.
pub async fn send_bodies(ctx: &AppContext, bodies: &[String]) -> AppResult<()> {
    for chunk in bodies.chunks(SQS_BATCH) {
        let entries = chunk
            .iter()
            .enumerate()
            .map(|(i, body)| {
                SendMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .message_body(body)
                    .build()
                    .map_err(|e| AppError::Internal(e.to_string()))
            })
            .collect::<AppResult<Vec<_>>>()?;
        let out = ctx
            .sqs
            .send_message_batch()
            .queue_url(&ctx.settings.queue_url)
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
