//! Digests: what waited during a window, sent as one card when the window ends.

use super::delivery::{deliver, resend, Delivery};
use super::warnings::warn_on_new_step;
use super::ATTEMPTS;
use super::{budget, cards, rules, Flush, Handled, RESEND_WITHIN};
use crate::clock::Epoch;
use crate::context::AppContext;
use crate::domain::budget::Step;
use crate::error::AppResult;
use crate::ids::{AppId, OpenId};
use crate::notifier::rules::WINDOW_SECONDS;
use crate::notify::Notification;
use crate::store::{retry_on_conflict, Attempt, Claim, PersonKey, Snapshot, StoreError};

pub(super) fn digest_holder(person: PersonKey<'_>, due: Epoch) -> String {
    format!("digest:{}:{}:{due}", person.app_id, person.open_id)
}

#[tracing::instrument(skip_all, fields(kind = "digest", app = %f.app_id))]
pub(super) async fn process_flush(
    ctx: &AppContext,
    f: &Flush,
    message_id: Option<&str>,
) -> AppResult<Handled> {
    let person = PersonKey {
        app_id: &f.app_id,
        open_id: &f.open_id,
    };
    retry_on_conflict(ATTEMPTS, || async move {
        let now = ctx.now();
        let month = budget::month_of(now);
        let snap = ctx
            .store
            .notifier_snapshot(None, person, &month, None)
            .await?;
        let plan = snap.tenant.as_ref().map(|t| t.plan).unwrap_or_default();
        let step = budget::step(&plan, snap.usage.calls, snap.usage.exhausted);
        let w = &snap.window;
        if w.holder.starts_with("digest:") && w.until > now {
            // A digest holds the window. Only the flush that took it sends it again: offered
            // again by SQS, it may have died before or after its send, and the same uuid makes a
            // repeat safe (Lark drops it within the hour). Any other flush (the sweep queues one
            // every minute until a digest is taken) leaves it alone: one that resent it and found
            // no room in the rate limit gave the window back, and its retry sent the digest twice
            // under a new uuid (the month benchmark's duplicates; `notifier.rs`
            // `a_second_flush_for_a_digest_already_sent_sends_nothing_even_when_paced`).
            let mine = message_id.is_some_and(|id| w.claimed_by.as_deref() == Some(id));
            if !mine || w.sending.is_empty() || now - w.claimed_at >= RESEND_WITHIN {
                return Ok(Attempt::Written(Handled::Done));
            }
            let sending = unread(&snap, &w.sending);
            let digest = Digest::of(&sending, w.sending_more, w.sending_last.as_ref());
            return send_digest(ctx, person, &w.holder, digest, &snap, &month, true)
                .await
                .map(Attempt::Written);
        }
        let Some(due) = w.digest_due else {
            return Ok(Attempt::Written(Handled::Done));
        };
        if w.until > now {
            return Ok(Attempt::Written(Handled::Done)); // not yet: the sweep comes back when it is due
        }
        if step == Step::Hold {
            // The month's calls are spent: everything waits for the 1st.
            ctx.store
                .postpone_digest(person, budget::next_month_start(now).max(due))
                .await?;
            return Ok(Attempt::Written(Handled::Done));
        }
        // What they read in the web app meanwhile is not sent; nothing left, no digest.
        let pending = unread(&snap, &w.pending);
        if pending.is_empty() && w.pending_more == 0 {
            ctx.store.clear_digest(person, w.pending_seq).await?;
            return Ok(Attempt::Written(Handled::Done));
        }
        let holder = digest_holder(person, due);
        let claim = Claim {
            person,
            holder: &holder,
            until: now + step.window_seconds().unwrap_or(WINDOW_SECONDS),
            now,
            notif_id: None,
            digest: Some(w.pending_seq),
            month: &month,
            bypass: false,
            by: message_id,
            calls: 1,
            page_for: None,
        };
        match ctx.store.claim_window(&claim).await {
            Ok(()) => {
                warn_on_new_step(ctx, &snap, &plan, &month).await?;
                let digest = Digest::of(&pending, w.pending_more, w.pending_last.as_ref());
                send_digest(ctx, person, &holder, digest, &snap, &month, false)
                    .await
                    .map(Attempt::Written)
            }
            Err(StoreError::ConditionFailed) => Ok(Attempt::Lost),
            Err(e) => Err(e.into()),
        }
    })
    .await
    .map(|handled| handled.unwrap_or(Handled::RetryIn(1)))
}

/// The lines the person has not read in the web app (their positions came with the snapshot).
fn unread(snap: &Snapshot, lines: &[Notification]) -> Vec<Notification> {
    lines
        .iter()
        .filter(|n| {
            let position = n.group_id.as_ref().and_then(|g| snap.reads.of(g));
            !rules::already_read(n, position)
        })
        .cloned()
        .collect()
}

/// What one digest card carries: the first lines whole, how many more, and the latest of those.
pub(super) struct Digest {
    pub(super) lines: Vec<Notification>,
    pub(super) more: usize,
    pub(super) latest: Option<Notification>,
}

impl Digest {
    fn of(lines: &[Notification], more: i64, latest: Option<&Notification>) -> Self {
        Self {
            lines: lines.to_vec(),
            more: usize::try_from(more).unwrap_or(0),
            latest: latest.cloned(),
        }
    }
}

pub(super) async fn send_digest(
    ctx: &AppContext,
    person: PersonKey<'_>,
    holder: &str,
    digest: Digest,
    snap: &Snapshot,
    month: &str,
    again: bool,
) -> AppResult<Handled> {
    let delivery = Delivery {
        person,
        holder,
        card: cards::digest(
            &digest.lines,
            digest.more,
            digest.latest.as_ref(),
            cards::Reader::of(snap.tenant.as_ref(), snap.prefs.lang),
        ),
        notifications: &digest.lines,
        token: snap.token.clone(),
        tenant: snap.tenant.as_ref(),
        month,
        is_digest: true,
    };
    if again {
        resend(ctx, delivery).await
    } else {
        deliver(ctx, delivery).await
    }
}

pub(crate) async fn queue_flushes(ctx: &AppContext, people: &[(AppId, OpenId)]) -> AppResult<()> {
    let bodies: Vec<(String, String)> = people
        .iter()
        .map(|(app_id, open_id)| {
            let body = serde_json::json!({"flush": Flush { app_id: app_id.clone(), open_id: open_id.clone() }})
                .to_string();
            (body, app_id.to_string())
        })
        .collect();
    crate::notify::send_bodies(ctx, &bodies).await
}
