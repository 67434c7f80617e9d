//! Pushes new messages to the connections following their groups. Fed by the table's stream
//! (new `MSG#` items only: the event source's filter in `template.yaml`).

use std::collections::HashSet;

use aws_lambda_events::event::dynamodb::Event;
use futures::stream::{self, StreamExt};

use crate::context::AppContext;
use crate::domain::socket::Subscription;
use crate::error::AppResult;
use crate::groups::MessageView;
use crate::ids::GroupId;
use crate::store::{Message, MessageKind};

use crate::connections::Sent;

/// Connections pushed to at once by one invocation.
const CONCURRENT_PUSHES: usize = 32;

/// What one batch of stream records did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Pushed {
    pub messages: usize,
    pub delivered: usize,
    /// Connections API Gateway no longer had (their subscriptions are deleted).
    pub gone: usize,
    /// Connections of people no longer in the group or signed out (closed, forgotten).
    pub dropped: usize,
    pub failed: usize,
}

/// Per group: one query for its followers and one batch read of their memberships and session
/// fences (someone removed from the group, or whose page's session was signed out, gets nothing
/// more, and their connection is closed); then each
/// message, in order, to each follower, in the follower's language. A failed push is logged
/// and left: the page fills the gap from the message list. Never fails the batch, so a bad
/// record cannot hold up the stream behind it.
#[tracing::instrument(skip_all, fields(records = event.records.len()))]
pub async fn push(ctx: &AppContext, event: Event) -> AppResult<Pushed> {
    let mut groups: Vec<(GroupId, Vec<Message>)> = Vec::new();
    let mut pushed = Pushed::default();
    for record in event.records {
        if record.event_name != "INSERT" {
            continue;
        }
        let message: Message = match serde_dynamo::from_item(record.change.new_image) {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(error = %e, "a stream record that is not a message");
                continue;
            }
        };
        if message.kind == MessageKind::Void {
            continue;
        }
        pushed.messages += 1;
        match groups.iter_mut().find(|(g, _)| *g == message.group_id) {
            Some((_, list)) => list.push(message),
            None => groups.push((message.group_id.clone(), vec![message])),
        }
    }
    for (group, messages) in groups {
        let followers = ctx.store.subscribers(&group, ctx.now()).await?;
        if followers.is_empty() {
            continue;
        }
        let people: Vec<_> = followers
            .iter()
            .map(|s| (s.app_id.clone(), s.open_id.clone()))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let (members, fences) = ctx.store.members_and_fences(&group, &people).await?;
        let outcomes: Vec<Outcome> = stream::iter(followers)
            .map(|sub| {
                let person = (sub.app_id.clone(), sub.open_id.clone());
                // Still in the group, and the page's session not signed out.
                let allowed = members.contains(&person)
                    && fences
                        .get(&person)
                        .cloned()
                        .unwrap_or_default()
                        .admits(sub.generation, &sub.sid);
                follow_up(ctx, sub, allowed, &messages)
            })
            .buffer_unordered(CONCURRENT_PUSHES)
            .collect()
            .await;
        for o in outcomes {
            pushed.delivered += o.delivered;
            pushed.gone += usize::from(o.gone);
            pushed.dropped += usize::from(o.dropped);
            pushed.failed += o.failed;
        }
    }
    tracing::info!(?pushed, "pushed");
    Ok(pushed)
}

#[derive(Default)]
struct Outcome {
    delivered: usize,
    gone: bool,
    dropped: bool,
    failed: usize,
}

async fn follow_up(
    ctx: &AppContext,
    sub: Subscription,
    member: bool,
    messages: &[Message],
) -> Outcome {
    let mut out = Outcome::default();
    let connections = match super::connections(ctx) {
        Ok(c) => c,
        Err(e) => {
            e.log();
            out.failed = messages.len();
            return out;
        }
    };
    if !member {
        out.dropped = true;
        if let Err(e) = connections.close(&sub.connection_id).await {
            e.log();
        }
        forget(ctx, &sub).await;
        return out;
    }
    for m in messages {
        let view = MessageView::from(m.clone().for_reader(sub.lang));
        let data = serde_json::to_vec(&serde_json::json!({
            "type": "message",
            "group_id": sub.group_id,
            "message": view,
        }))
        .unwrap_or_default();
        match connections.send(&sub.connection_id, data).await {
            Ok(Sent::Delivered) => out.delivered += 1,
            Ok(Sent::Gone) => {
                out.gone = true;
                forget(ctx, &sub).await;
                break;
            }
            Err(e) => {
                e.log();
                out.failed += 1;
            }
        }
    }
    out
}

async fn forget(ctx: &AppContext, sub: &Subscription) {
    if let Err(e) = ctx.store.unsubscribe(sub).await {
        crate::error::AppError::from(e).log();
    }
}
