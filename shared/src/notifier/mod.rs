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
pub mod rules;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tracing::Instrument;

use crate::clock::Epoch;
use crate::config::SecretString;
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::ids::AppId;
use crate::lark::SendFailure as Failure;
use crate::lark::{Credentials, LarkError, SentMessage};
use crate::notify::Notification;
use crate::store::{
    retry_on_conflict, Attempt, Claim, NotifState, PersonKey, Snapshot, StoreError, StoredToken,
    Tenant, TenantKind,
};
use budget::{Plan, Step};
use rules::WINDOW_SECONDS;

/// Attempts at a decision when other invocations keep winning the same person's window.
const ATTEMPTS: u64 = 10;
/// A redelivered flush sends its digest again only this soon after the window was taken: Lark
/// drops a repeated `uuid` for an hour, and SQS redelivers within minutes.
const RESEND_WITHIN: Epoch = 50 * 60;

/// "Send this person the digest of what waited for them."
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Flush {
    pub app_id: String,
    pub open_id: String,
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

/// The Lambda handler body: every message of the batch, one by one; the ones to retry are
/// reported back and made visible again after their delay.
pub async fn handle(ctx: &AppContext, event: SqsEvent) -> SqsBatchResponse {
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
        let outcome = match process(ctx, body).instrument(span).await {
            Ok(outcome) => outcome,
            Err(e) => {
                e.log();
                Handled::RetryIn(rules::backoff(ctx.settings.retry_base_seconds, receives))
            }
        };
        if let Handled::RetryIn(delay) = outcome {
            retry_later(ctx, &message, delay).await;
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
async fn retry_later(ctx: &AppContext, message: &SqsMessage, delay: u64) {
    let Some(receipt) = &message.receipt_handle else {
        return;
    };
    let result = ctx
        .sqs
        .change_message_visibility()
        .queue_url(&ctx.settings.queue_url)
        .receipt_handle(receipt)
        .visibility_timeout(i32::try_from(delay.min(43_200)).unwrap_or(900))
        .send()
        .await;
    if let Err(e) = result {
        tracing::warn!(error = %aws_sdk_sqs::error::DisplayErrorContext(e), "could not set the retry delay");
    }
}

async fn process(ctx: &AppContext, body: &str) -> AppResult<Handled> {
    let envelope: Envelope = serde_json::from_str(body).map_err(|e| {
        AppError::Internal(format!(
            "unreadable queue message ({e}); it will go to the DLQ"
        ))
    })?;
    match envelope {
        Envelope::Flush { flush } => process_flush(ctx, &flush).await,
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

// ----- the on-call channel ------------------------------------------------------------------------

/// Posts to the provider's on-call group bot (webhook posts are not metered). At least once: a
/// webhook has no idempotency key, and a repeated emergency post beats a missing one.
#[tracing::instrument(skip_all, fields(kind = "oncall", id = %post.id))]
async fn post_oncall(ctx: &AppContext, post: &crate::notify::OnCallPost) -> AppResult<Handled> {
    let Some(crate::keys::OnCallWebhook { url, secret }) = &ctx.keys.oncall else {
        tracing::warn!(id = %post.id, "no on-call webhook configured; emergency post skipped");
        return Ok(Handled::Done);
    };
    match ctx
        .lark
        .post_webhook(url, secret.expose(), &cards::oncall(post))
        .await
    {
        Ok(()) => Ok(Handled::Done),
        Err(e) => match (e.meaning(), &e) {
            (Failure::RateLimited(secs), _) => Ok(Handled::RetryIn(secs)),
            // A webhook's own errors (19001 bad token, 19021 bad signature) answer HTTP 200.
            (Failure::Transient, LarkError::Api { status, .. }) if *status < 500 => {
                tracing::error!(error = %e, "the on-call webhook refused the post; check its URL and secret");
                Ok(Handled::Done)
            }
            (Failure::Transient, _) => Ok(Handled::RetryIn(rules::backoff(
                ctx.settings.retry_base_seconds,
                1,
            ))),
            _ => {
                tracing::error!(error = %e, "the on-call webhook refused the post; check its URL and secret");
                Ok(Handled::Done)
            }
        },
    }
}

// ----- one notification --------------------------------------------------------------------------

#[tracing::instrument(skip_all, fields(kind = ?n.kind, id = %n.id, app = %n.recipient.app_id, urgent = n.urgent))]
async fn process_notification(ctx: &AppContext, n: &Notification) -> AppResult<Handled> {
    let person = person_of(n);
    retry_on_conflict(ATTEMPTS, || async move {
        let now = ctx.now();
        let month = budget::month_of(now);
        let snap = ctx
            .store
            .notifier_snapshot(Some(&n.id), person, &month, n.card_key.as_deref())
            .await?;
        let plan = snap.tenant.as_ref().map(|t| t.plan).unwrap_or_default();
        let step = budget::step(&plan, snap.usage.calls, snap.usage.exhausted);
        let delivery = Delivery {
            person,
            holder: &n.id,
            notifications: std::slice::from_ref(n),
            card: cards::single(n),
            token: snap.token.clone(),
            tenant: snap.tenant.as_ref(),
            month: &month,
            is_digest: false,
        };
        match snap.notif.as_ref().map(|r| r.state) {
            Some(NotifState::Pending | NotifState::Undeliverable) => {
                return Ok(Attempt::Written(Handled::Done))
            }
            // Taken before: the send may or may not have happened. While the window is still
            // its own, sending again with the same uuid is safe (Lark drops the repeat).
            Some(NotifState::Claimed) if n.urgent || snap.window.holder == n.id => {
                return deliver(ctx, delivery).await.map(Attempt::Written)
            }
            Some(NotifState::Claimed) => return Ok(Attempt::Written(Handled::Done)),
            Some(NotifState::Released) | None => {}
        }
        let live_card = snap.card.as_ref().filter(|c| snap.now_ok(c, ctx.now()));
        if let (Some(key), Some(card)) = (&n.card_key, live_card) {
            return update_in_place(ctx, n, key, card, &snap, &month)
                .await
                .map(Attempt::Written);
        }
        let window = &snap.window;
        let free = window.until <= now && window.digest_due.is_none();
        let hold = (step == Step::Hold).then(|| budget::next_month_start(now));
        if n.urgent || (free && hold.is_none()) {
            let claim = Claim {
                person,
                holder: &n.id,
                until: now + step.window_seconds().unwrap_or(WINDOW_SECONDS),
                now,
                notif_id: Some(&n.id),
                digest: None,
                month: &month,
                bypass: n.urgent,
            };
            match ctx.store.claim_window(&claim).await {
                Ok(()) => {
                    warn_on_new_step(ctx, &snap, &plan, &month).await?;
                    return deliver(ctx, delivery).await.map(Attempt::Written);
                }
                Err(StoreError::ConditionFailed) => return Ok(Attempt::Lost),
                Err(e) => return Err(e.into()),
            }
        }
        match ctx.store.put_aside(person, n, window, hold, now).await {
            Ok(()) => {
                if window.until <= now && hold.is_none() {
                    // The window is over and a digest is already due: send it now.
                    queue_flushes(
                        ctx,
                        &[(person.app_id.to_owned(), person.open_id.to_owned())],
                    )
                    .await?;
                }
                Ok(Attempt::Written(Handled::Done))
            }
            Err(StoreError::ConditionFailed) => Ok(Attempt::Lost),
            Err(e) => Err(e.into()),
        }
    })
    .await
    .map(|handled| handled.unwrap_or(Handled::RetryIn(1)))
}

// ----- cards updated in place ------------------------------------------------------------------

/// A change to something the person already has a card for (a ticket's status): the card entity
/// is updated in place — not a new DM, so no window — and counted as the call it is.
async fn update_in_place(
    ctx: &AppContext,
    n: &Notification,
    key: &str,
    card: &crate::store::CardRecord,
    snap: &Snapshot,
    month: &str,
) -> AppResult<Handled> {
    let person = person_of(n);
    let now = ctx.now();
    let claim = Claim {
        person,
        holder: &n.id,
        until: now,
        now,
        notif_id: Some(&n.id),
        digest: None,
        month,
        bypass: true,
    };
    match ctx.store.claim_window(&claim).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed) => return Ok(Handled::Done), // handled already
        Err(e) => return Err(e.into()),
    }
    let sequence = card.sequence + 1;
    let result = async {
        let token = token_for(ctx, person.app_id, snap.token.as_ref()).await?;
        ctx.lark
            .update_card(
                &token,
                &card.card_id,
                &cards::single(n),
                sequence,
                &rules::lark_uuid(&n.id),
            )
            .await
            .map_err(AppError::from)
    }
    .await;
    match result {
        Ok(()) => {
            let saved = crate::store::CardRecord {
                sequence,
                ..card.clone()
            };
            match ctx
                .store
                .save_card(key, person, &saved, Some(card.sequence))
                .await
            {
                Ok(()) | Err(StoreError::ConditionFailed) => Ok(Handled::Done),
                Err(e) => Err(e.into()),
            }
        }
        Err(e) => {
            ctx.store
                .release_claim(&n.id, person.app_id, month, now)
                .await?;
            if LarkError::of(&e).is_some_and(LarkError::is_card_gone) {
                // The entity is gone or expired: the retry sends a fresh card as a DM.
                ctx.store.forget_card(key, person).await?;
                return Ok(Handled::RetryIn(0));
            }
            e.log();
            Ok(Handled::RetryIn(rules::backoff(
                ctx.settings.retry_base_seconds,
                1,
            )))
        }
    }
}

// ----- digests -----------------------------------------------------------------------------------

fn digest_holder(person: PersonKey<'_>, due: Epoch) -> String {
    format!("digest:{}:{}:{due}", person.app_id, person.open_id)
}

#[tracing::instrument(skip_all, fields(kind = "digest", app = %f.app_id))]
async fn process_flush(ctx: &AppContext, f: &Flush) -> AppResult<Handled> {
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
        if w.holder.starts_with("digest:") && w.until > now && now - w.claimed_at < RESEND_WITHIN {
            // A redelivered flush: the digest holding this window may never have gone out.
            // Sending it again with the same uuid is safe; Lark drops a repeat within the hour.
            if w.sending.is_empty() {
                return Ok(Attempt::Written(Handled::Done));
            }
            let digest = Digest::of(&w.sending, w.sending_more, w.sending_last.as_ref());
            return send_digest(ctx, person, &w.holder, digest, &snap, &month)
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
        if w.pending.is_empty() {
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
        };
        match ctx.store.claim_window(&claim).await {
            Ok(()) => {
                warn_on_new_step(ctx, &snap, &plan, &month).await?;
                let digest = Digest::of(&w.pending, w.pending_more, w.pending_last.as_ref());
                send_digest(ctx, person, &holder, digest, &snap, &month)
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

/// What one digest card carries: the first lines whole, how many more, and the latest of those.
struct Digest {
    lines: Vec<Notification>,
    more: usize,
    latest: Option<Notification>,
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

async fn send_digest(
    ctx: &AppContext,
    person: PersonKey<'_>,
    holder: &str,
    digest: Digest,
    snap: &Snapshot,
    month: &str,
) -> AppResult<Handled> {
    deliver(
        ctx,
        Delivery {
            person,
            holder,
            card: cards::digest(&digest.lines, digest.more, digest.latest.as_ref()),
            notifications: &digest.lines,
            token: snap.token.clone(),
            tenant: snap.tenant.as_ref(),
            month,
            is_digest: true,
        },
    )
    .await
}

pub(crate) async fn queue_flushes(ctx: &AppContext, people: &[(String, String)]) -> AppResult<()> {
    let bodies: Vec<String> = people
        .iter()
        .map(|(app_id, open_id)| {
            serde_json::json!({"flush": Flush { app_id: app_id.clone(), open_id: open_id.clone() }})
                .to_string()
        })
        .collect();
    crate::notify::send_bodies(ctx, &bodies).await
}

// ----- the budget --------------------------------------------------------------------------------

/// After a counted call: if it moved the app onto a step the TAM should hear about, tell them.
async fn warn_on_new_step(
    ctx: &AppContext,
    snap: &Snapshot,
    plan: &Plan,
    month: &str,
) -> AppResult<()> {
    let before = budget::step(plan, snap.usage.calls, snap.usage.exhausted);
    let after = budget::step(plan, snap.usage.calls + 1, snap.usage.exhausted);
    match &snap.tenant {
        Some(tenant) if after > before && after.warns() => {
            warn_tam(ctx, tenant, after, month).await
        }
        _ => Ok(()),
    }
}

/// Queues one card to the organisation's TAM (through the provider app) per step and month; the
/// id makes a second warning for the same step a duplicate the notifier drops.
async fn warn_tam(ctx: &AppContext, tenant: &Tenant, step: Step, month: &str) -> AppResult<()> {
    let (TenantKind::Customer, Some(tam)) = (tenant.kind, &tenant.tam) else {
        tracing::warn!(app_id = %tenant.app_id, step = step.name(), "Lark API budget step reached");
        return Ok(());
    };
    let allowance = tenant.plan.allowance().unwrap_or_default();
    let (title, excerpt) = if step == Step::Hold {
        (
            format!("{}'s Lark API share for {month} is spent", tenant.org_name),
            "Notifications to this organisation now wait until the 1st and arrive as one digest; emergency pages still go out. Raise the share or record a paid plan in the staff console.".to_owned(),
        )
    } else {
        (
            format!("{} has used 75% of its Lark API share for {month}", tenant.org_name),
            format!("{allowance} calls this month. Notifications now wait up to 2 hours and arrive as digests, to make the rest last."),
        )
    };
    let provider = &ctx.settings.provider_app_id;
    let warning = Notification {
        id: format!("budget.{}.{month}.{}", tenant.app_id, step.name()),
        kind: crate::notify::NotificationKind::Budget,
        urgent: false,
        recipient: crate::notify::Recipient {
            app_id: provider.clone(),
            open_id: tam.clone(),
            name: String::new(),
        },
        org_app_id: tenant.app_id.clone(),
        org_name: tenant.org_name.clone(),
        group_id: None,
        group_name: None,
        actor: None,
        title,
        excerpt,
        link: format!("{}/lark/{provider}/workbench", ctx.settings.base_url),
        created_at: ctx.now(),
        card_key: None,
    };
    crate::notify::enqueue(ctx, &[warning]).await
}

// ----- sending -----------------------------------------------------------------------------------

struct Delivery<'a> {
    person: PersonKey<'a>,
    /// Who took the window: the notification id, or the digest's holder.
    holder: &'a str,
    notifications: &'a [Notification],
    card: Value,
    token: Option<StoredToken>,
    /// The recipient's app, whose TAM hears when its budget runs out.
    tenant: Option<&'a Tenant>,
    month: &'a str,
    is_digest: bool,
}

enum SendError {
    Lark(LarkError),
    Other(AppError),
}

impl From<AppError> for SendError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Lark(cause) => match cause.downcast::<LarkError>() {
                Ok(l) => SendError::Lark(*l),
                Err(other) => SendError::Other(AppError::Lark(other)),
            },
            other => SendError::Other(other),
        }
    }
}

/// Sends the card and settles the outcome: a failure worth retrying gives the window back.
async fn deliver(ctx: &AppContext, d: Delivery<'_>) -> AppResult<Handled> {
    let uuid = rules::lark_uuid(d.holder);
    let failure = match send(ctx, &d, &uuid).await {
        Ok(sent) => {
            tracing::info!(
                app_id = d.person.app_id,
                items = d.notifications.len(),
                message_id = %sent.message_id,
                "DM sent"
            );
            return Ok(Handled::Done);
        }
        Err(SendError::Lark(e)) => e.meaning(),
        Err(SendError::Other(e)) => {
            e.log();
            Failure::Transient
        }
    };
    let now = ctx.now();
    let notif_id = (!d.is_digest).then_some(d.holder);
    let urgent = d.notifications.iter().any(|n| n.urgent);
    match failure {
        Failure::Undeliverable { code, reason } => {
            tracing::warn!(app_id = d.person.app_id, ?code, %reason, "recipient undeliverable");
            for n in d.notifications {
                ctx.store
                    .record_undeliverable(n, code, &reason, now)
                    .await?;
            }
            if !urgent {
                // Nobody received anything: the person's window stays open for others.
                ctx.store
                    .release_window(d.person, d.holder, None, false, d.month, now)
                    .await?;
            }
            Ok(Handled::Done)
        }
        retry => {
            if retry == Failure::QuotaExhausted {
                ctx.store
                    .mark_exhausted(d.person.app_id, d.month, now)
                    .await?;
                if let Some(tenant) = d.tenant {
                    warn_tam(ctx, tenant, Step::Hold, d.month).await?;
                }
            }
            if !urgent {
                ctx.store
                    .release_window(d.person, d.holder, notif_id, d.is_digest, d.month, now)
                    .await?;
            }
            Ok(Handled::RetryIn(match retry {
                Failure::RateLimited(secs) => secs,
                // Ordinary notifications are held on their next try; pages keep trying.
                Failure::QuotaExhausted if !urgent => 0,
                _ => rules::backoff(ctx.settings.retry_base_seconds, 1),
            }))
        }
    }
}

async fn send(ctx: &AppContext, d: &Delivery<'_>, uuid: &str) -> Result<SentMessage, SendError> {
    let app_id = d.person.app_id;
    let token = token_for(ctx, app_id, d.token.as_ref()).await?;
    match send_once(ctx, d, &token, uuid).await {
        Err(SendError::Lark(e)) if e.is_token_invalid() => {
            ctx.lark.forget_token(app_id);
            ctx.store
                .forget_token(app_id, &token)
                .await
                .map_err(AppError::from)?;
            let token = fresh_token(ctx, app_id).await?;
            send_once(ctx, d, &token, uuid).await
        }
        other => other,
    }
}

/// One send with one token: a plain card, or for a card meant to change later (a single
/// notification with a card key) a new card entity, sent and remembered for updates.
async fn send_once(
    ctx: &AppContext,
    d: &Delivery<'_>,
    token: &SecretString,
    uuid: &str,
) -> Result<SentMessage, SendError> {
    let key = match d.notifications {
        [only] if !d.is_digest => only.card_key.as_deref(),
        _ => None,
    };
    let Some(key) = key else {
        return ctx
            .lark
            .send_card(token, d.person.open_id, &d.card, uuid)
            .await
            .map_err(SendError::Lark);
    };
    let card_id = ctx
        .lark
        .create_card(token, &d.card)
        .await
        .map_err(SendError::Lark)?;
    let sent = ctx
        .lark
        .send_card_entity(token, d.person.open_id, &card_id, uuid)
        .await
        .map_err(SendError::Lark)?;
    let record = crate::store::CardRecord {
        card_id,
        sequence: 0,
        created_at: ctx.now(),
    };
    ctx.store
        .save_card(key, d.person, &record, None)
        .await
        .map_err(AppError::from)?;
    Ok(sent)
}

/// The app's tenant token: this instance's, else the one another invocation stored, else a new
/// one from Lark (stored for everyone).
async fn token_for(
    ctx: &AppContext,
    app_id: &str,
    stored: Option<&StoredToken>,
) -> AppResult<SecretString> {
    if let Some((token, _)) = ctx.lark.cached_token(app_id) {
        return Ok(token);
    }
    if let Some(s) = stored {
        if ctx.lark.adopt_token(app_id, &s.token, s.expires_at) {
            return Ok(s.token.clone());
        }
    }
    fresh_token(ctx, app_id).await
}

async fn fresh_token(ctx: &AppContext, app_id: &str) -> AppResult<SecretString> {
    let tenant = crate::orgs::load(ctx, &AppId::parse(app_id)?).await?;
    let secret = crate::orgs::app_secret(ctx, &tenant).await?;
    let (token, expires_at) = ctx
        .lark
        .refresh_tenant_token(Credentials {
            app_id,
            app_secret: &secret,
        })
        .await?;
    ctx.store
        .save_token(
            app_id,
            &StoredToken {
                token: token.clone(),
                expires_at,
            },
        )
        .await?;
    Ok(token)
}
