//! What the SQS event source mappings do in AWS: receive batches from the notification queue (for
//! `NotifierFunction`) and the page queue (for `PagerFunction`), hand them to the notifier as the
//! same `SqsEvent`, and delete what it did not report as failed (partial batch failure). Failed
//! messages stay, to be offered again.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use aws_sdk_sqs::types::{
    DeleteMessageBatchRequestEntry, MessageSystemAttributeName, QueueAttributeName,
};
use tamlink::context::AppContext;

/// A queue and the function its event source mapping invokes.
#[derive(Clone, Copy)]
pub struct Source {
    pub function: &'static str,
    queue: fn(&AppContext) -> &str,
}

/// Emergency pages, on their own queue and function so no backlog delays them.
pub const PAGES: Source = Source {
    function: tamlink::runtime::PAGER,
    queue: |ctx| &ctx.settings.page_queue_url,
};

/// Everything else the notifier sends.
pub const NOTIFICATIONS: Source = Source {
    function: tamlink::runtime::NOTIFIER,
    queue: |ctx| &ctx.settings.queue_url,
};

/// What a mapping does when it is enabled: reads its queue's attributes (the visibility
/// timeout, against the function's), with the function's role.
async fn enable(ctx: &AppContext, source: Source) -> Result<(), String> {
    crate::iam::as_function(
        source.function,
        ctx.sqs
            .get_queue_attributes()
            .queue_url((source.queue)(ctx))
            .attribute_names(QueueAttributeName::VisibilityTimeout)
            .send(),
    )
    .await
    .map(drop)
    .map_err(|e| aws_sdk_sqs::error::DisplayErrorContext(e).to_string())
}

/// Receives one batch (waiting up to `wait` seconds for one) and runs the source's function on
/// it. Returns how many messages it handed over.
pub async fn poll_once(ctx: &AppContext, source: Source, wait: i32) -> Result<usize, String> {
    let queue = (source.queue)(ctx);
    // The mapping receives and deletes with the function's role, as Lambda's does.
    let got = crate::iam::as_function(
        source.function,
        ctx.sqs
            .receive_message()
            .queue_url(queue)
            .max_number_of_messages(10)
            .wait_time_seconds(wait)
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send(),
    )
    .await
    .map_err(|e| aws_sdk_sqs::error::DisplayErrorContext(e).to_string())?;
    let messages = got.messages.unwrap_or_default();
    if messages.is_empty() {
        return Ok(0);
    }
    let mut event = SqsEvent::default();
    for m in &messages {
        let mut record = SqsMessage::default();
        record.message_id = m.message_id.clone();
        record.receipt_handle = m.receipt_handle.clone();
        record.body = m.body.clone();
        record.attributes = m
            .attributes
            .as_ref()
            .map(|a| {
                a.iter()
                    .map(|(k, v)| (k.as_str().to_owned(), v.clone()))
                    .collect()
            })
            .unwrap_or_else(HashMap::new);
        event.records.push(record);
    }
    let response = crate::meter::invocation(
        source.function,
        crate::meter::Trigger::Queue,
        tamlink::notifier::handle_from(ctx, event, queue),
    )
    .await;
    let failed: Vec<String> = response
        .batch_item_failures
        .into_iter()
        .map(|f| f.item_identifier)
        .collect();
    let done: Vec<DeleteMessageBatchRequestEntry> = messages
        .iter()
        .filter(|m| !failed.contains(m.message_id.as_ref().unwrap_or(&String::new())))
        .enumerate()
        .filter_map(|(i, m)| {
            DeleteMessageBatchRequestEntry::builder()
                .id(i.to_string())
                .receipt_handle(m.receipt_handle.clone()?)
                .build()
                .ok()
        })
        .collect();
    if !done.is_empty() {
        crate::iam::as_function(
            source.function,
            ctx.sqs
                .delete_message_batch()
                .queue_url(queue)
                .set_entries(Some(done))
                .send(),
        )
        .await
        .map_err(|e| aws_sdk_sqs::error::DisplayErrorContext(e).to_string())?;
    }
    Ok(messages.len())
}

/// Messages waiting or in flight (being retried later) on the source's queue.
pub async fn queue_depth(ctx: &AppContext, source: Source) -> Result<(u64, u64), String> {
    let attrs = ctx
        .sqs
        .get_queue_attributes()
        .queue_url((source.queue)(ctx))
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesDelayed)
        .send()
        .await
        .map_err(|e| aws_sdk_sqs::error::DisplayErrorContext(e).to_string())?
        .attributes
        .unwrap_or_default();
    let get = |name: QueueAttributeName| -> u64 {
        attrs.get(&name).and_then(|v| v.parse().ok()).unwrap_or(0)
    };
    Ok((
        get(QueueAttributeName::ApproximateNumberOfMessages),
        get(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            + get(QueueAttributeName::ApproximateNumberOfMessagesDelayed),
    ))
}

/// Runs the pager and the notifier until both queues are empty, waiting out retries, for at
/// most `limit`.
pub async fn drain(ctx: &AppContext, limit: Duration) -> Result<usize, String> {
    drain_sources(ctx, &[PAGES, NOTIFICATIONS], limit).await
}

/// The same for some of the sources (a test of a backlog drains only the pages). While only
/// retries wait, time passes on the stack's clock a second for each second waited (a simulated
/// clock would otherwise stand still, and the notifier's pacing, which counts seconds on it,
/// would never have room again).
pub async fn drain_sources(
    ctx: &AppContext,
    sources: &[Source],
    limit: Duration,
) -> Result<usize, String> {
    for source in sources {
        enable(ctx, *source).await?;
    }
    let started = Instant::now();
    let mut handled = 0;
    let mut passed_at = Instant::now();
    loop {
        // Time passes while the queue is worked through, retries or not.
        if passed_at.elapsed() >= Duration::from_secs(1) {
            ctx.clock.pass(1);
            passed_at = Instant::now();
        }
        let mut n = 0;
        for source in sources {
            n += poll_once(ctx, *source, 0).await?;
        }
        handled += n;
        if n > 0 {
            continue;
        }
        let (mut visible, mut hidden) = (0, 0);
        for source in sources {
            let (v, h) = queue_depth(ctx, *source).await?;
            visible += v;
            hidden += h;
        }
        if visible == 0 && hidden == 0 {
            return Ok(handled);
        }
        if started.elapsed() > limit {
            return Err(format!(
                "queue not drained after {limit:?}: {visible} visible, {hidden} waiting"
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The long-running poller of one source in the local stack (one each, as AWS runs one event
/// source mapping per queue).
pub fn spawn(ctx: Arc<AppContext>, source: Source) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if let Err(e) = enable(&ctx, source).await {
            tracing::error!(error = %e, function = source.function, "queue attributes refused");
        }
        loop {
            if let Err(e) = poll_once(&ctx, source, 5).await {
                tracing::error!(error = %e, function = source.function, "queue poll failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    })
}
