//! The notifier: the only part of tamlink that sends Lark messages. It takes the SQS queue's
//! messages in batches and reports the ones to retry (partial batch failure).
//!
//! For each notification, per person (app + open_id):
//! 1. one read: the notification's record (dedupe), the person's window, the app's token;
//! 2. if the window is free, one transaction takes it, records the claim and counts the call,
//!    then the card is sent with a `uuid` derived from the notification id;
//!    otherwise one transaction puts the notification aside for the window's digest;
//! 3. a digest is sent when the window ends: the digest sweep (a schedule) queues a `flush` for
//!    each person whose digest is due, and the flush takes the next window for one card that
//!    carries everything that waited.
//!
//! A failed send gives the window back and asks SQS to redeliver later (after Lark's rate-limit
//! reset, or with doubling backoff); a recipient Lark refuses for good is recorded for the TAM and
//! not retried. A redelivered message whose send may already have happened is sent again with the
//! same `uuid`, which Lark drops, so nobody gets a second DM.

/// The budget rules are pure and live in `domain::budget`.
pub use crate::domain::budget;
pub mod cards;
mod delivery;
mod digest;
mod notification;
mod oncall;
pub mod rules;
mod tokens;
mod warnings;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use serde::{Deserialize, Serialize};
use tracing::Instrument;

use crate::clock::Epoch;
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::ids::{AppId, OpenId};
use crate::notify::Notification;
use crate::store::PersonKey;

use digest::*;
use notification::*;
use oncall::*;

pub(crate) use digest::queue_flushes;

/// Attempts at a decision when other invocations keep winning the same person's window.
const ATTEMPTS: u64 = 10;
/// A redelivered flush sends its digest again only this soon after the window was taken: Lark
/// drops a repeated `uuid` for an hour, and SQS redelivers within minutes.
const RESEND_WITHIN: Epoch = 50 * 60;

/// "Send this person the digest of what waited for them."
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Flush {
    pub app_id: AppId,
    pub open_id: OpenId,
}

/// A queue message: a notification from a producer, or a flush from the digest sweep.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Envelope {
    Flush { flush: Flush },
    OnCall { oncall: crate::notify::OnCallPost },
    Notification(Box<Notification>),
}

/// What became of one queue message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    Done,
    /// Leave it on the queue and offer it again after this many seconds.
    RetryIn(u64),
}

/// The Lambda handler body for the notification queue.
pub async fn handle(ctx: &AppContext, event: SqsEvent) -> SqsBatchResponse {
    handle_from(ctx, event, &ctx.settings.queue_url).await
}

/// The Lambda handler body for messages from `queue` (the notification queue, or the page
/// queue): every message of the batch, one by one; the ones to retry are reported back and made
/// visible again on that queue after their delay.
pub async fn handle_from(ctx: &AppContext, event: SqsEvent, queue: &str) -> SqsBatchResponse {
    let mut failures = Vec::new();
    for message in event.records {
        let receives = message
            .attributes
            .get("ApproximateReceiveCount")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        // One span per message, so one grep of the log follows it (never the body: it names people).
        let span = tracing::info_span!(
            "message",
            message_id = message.message_id.as_deref().unwrap_or("-"),
            receives,
        );
        let body = message.body.as_deref().unwrap_or_default();
        let outcome = match process(ctx, body, message.message_id.as_deref())
            .instrument(span)
            .await
        {
            Ok(outcome) => outcome,
            Err(e) => {
                e.log();
                Handled::RetryIn(rules::backoff(ctx.settings.retry_base_seconds, receives))
            }
        };
        if let Handled::RetryIn(delay) = outcome {
            retry_later(ctx, queue, &message, delay).await;
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = message.message_id.clone().unwrap_or_default();
            failures.push(failure);
        }
    }
    let mut response = SqsBatchResponse::default();
    response.batch_item_failures = failures;
    response
}

/// Sets when SQS offers the message again; if that fails, the queue's visibility timeout applies.
async fn retry_later(ctx: &AppContext, queue: &str, message: &SqsMessage, delay: u64) {
    let Some(receipt) = &message.receipt_handle else {
        return;
    };
    let result = ctx
        .sqs
        .change_message_visibility()
        .queue_url(queue)
        .receipt_handle(receipt)
        .visibility_timeout(i32::try_from(delay.min(43_200)).unwrap_or(900))
        .send()
        .await;
    if let Err(e) = result {
        tracing::warn!(error = %aws_sdk_sqs::error::DisplayErrorContext(e), "could not set the retry delay");
    }
}

/// `message_id`: the queue message's id, the same each time SQS offers it again.
async fn process(ctx: &AppContext, body: &str, message_id: Option<&str>) -> AppResult<Handled> {
    let envelope: Envelope = serde_json::from_str(body).map_err(|e| {
        AppError::Internal(format!(
            "unreadable queue message ({e}); it will go to the DLQ"
        ))
    })?;
    match envelope {
        Envelope::Flush { flush } => process_flush(ctx, &flush, message_id).await,
        Envelope::OnCall { oncall } => post_oncall(ctx, &oncall).await,
        Envelope::Notification(n) => process_notification(ctx, &n).await,
    }
}

fn person_of(n: &Notification) -> PersonKey<'_> {
    PersonKey {
        app_id: &n.recipient.app_id,
        open_id: &n.recipient.open_id,
    }
}
