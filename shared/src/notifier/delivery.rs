//! Sending a card and settling the outcome: a failure worth retrying gives the window back.

use super::tokens::{fresh_token, token_for};
use super::warnings::warn_tam;
use super::{budget, cards, rules, Handled};
use crate::context::AppContext;
use crate::domain::budget::Step;
use crate::error::{AppError, AppResult};
use crate::lark::SendFailure as Failure;
use crate::lark::{LarkError, SentMessage};
use crate::notify::Notification;
use crate::store::{PersonKey, Release, StoredToken, Tenant};
use serde_json::Value;

pub(super) struct Delivery<'a> {
    pub(super) person: PersonKey<'a>,
    /// Who took the window: the notification id, or the digest's holder.
    pub(super) holder: &'a str,
    pub(super) notifications: &'a [Notification],
    pub(super) card: Value,
    pub(super) token: Option<StoredToken>,
    /// The recipient's app, whose TAM hears when its budget runs out.
    pub(super) tenant: Option<&'a Tenant>,
    pub(super) month: &'a str,
    pub(super) is_digest: bool,
}

pub(super) enum SendError {
    Lark(LarkError),
    /// The card entity was created, a call Lark counts, but sending it failed.
    AfterCreate(LarkError),
    Other(AppError),
    /// No room in Lark's rate limits this second (nothing was sent).
    Paced,
}

impl crate::lark::TokenFailure for SendError {
    fn is_token_invalid(&self) -> bool {
        matches!(self, SendError::Lark(e) | SendError::AfterCreate(e) if e.is_token_invalid())
    }
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

/// The card entity a delivery creates (a single notification meant to change later), if any.
fn card_key<'a>(d: &Delivery<'a>) -> Option<&'a str> {
    match d.notifications {
        [only] if !d.is_digest => only.card_key.as_deref(),
        _ => None,
    }
}

impl Delivery<'_> {
    /// The Lark calls the delivery makes: a card meant to change later is created, then sent.
    pub(super) fn calls(&self) -> i64 {
        if card_key(self).is_some() {
            2
        } else {
            1
        }
    }

    fn urgent(&self) -> bool {
        self.notifications.iter().any(|n| n.urgent)
    }
}

/// Sends again what a claim sent before, perhaps: the first try may or may not have reached Lark,
/// and the repeat, with the same uuid, is a successful call Lark counts either way, so it is
/// counted here too (a failure gives it back with the window). Pages are the exception: they
/// never give their window's count back, so their one count covers every try.
pub(super) async fn resend(ctx: &AppContext, d: Delivery<'_>) -> AppResult<Handled> {
    if !d.urgent() {
        ctx.store
            .count_lark_calls(d.person.app_id, d.month, d.calls(), ctx.now())
            .await?;
    }
    deliver(ctx, d).await
}

/// Sends the card and settles the outcome: a failure worth retrying gives the window back. The
/// send waits its turn within Lark's rate limits for the app and the person, shared by every
/// notifier instance (`Store::take_send_slot`); without room this second it is retried in one.
pub(super) async fn deliver(ctx: &AppContext, d: Delivery<'_>) -> AppResult<Handled> {
    let uuid = rules::lark_uuid(d.holder);
    let calls = d.calls();
    let paced = ctx
        .store
        .take_send_slot(d.person, calls, budget::LARK_PACE, ctx.now())
        .await?;
    let sent = if paced {
        send(ctx, &d, &uuid).await
    } else {
        tracing::info!(app_id = %d.person.app_id, "no room in Lark's rate limit this second");
        Err(SendError::Paced)
    };
    // A card entity created before its send failed was a call Lark counted: not given back.
    let spent = i64::from(matches!(sent, Err(SendError::AfterCreate(_))));
    let failure = match sent {
        Ok(sent) => {
            tracing::info!(
                app_id = %d.person.app_id,
                items = d.notifications.len(),
                message_id = %sent.message_id,
                "DM sent"
            );
            return Ok(Handled::Done);
        }
        Err(SendError::Lark(e) | SendError::AfterCreate(e)) => e.meaning(),
        // Back in 1 to 5 seconds, spread so that a burst does not come back all in one second
        // (each return counts towards the queue's 20 receives before the dead-letter queue).
        Err(SendError::Paced) => Failure::RateLimited(rand::random::<u64>() % 5 + 1),
        Err(SendError::Other(e)) => {
            e.log();
            Failure::Transient
        }
    };
    let now = ctx.now();
    let urgent = d.urgent();
    let release = |retry_notif, digest_again| Release {
        person: d.person,
        holder: d.holder,
        retry_notif,
        digest_again,
        calls: calls - spent,
        month: d.month,
        now,
    };
    match failure {
        Failure::Undeliverable { code, reason } => {
            tracing::warn!(app_id = %d.person.app_id, ?code, %reason, "recipient undeliverable");
            for n in d.notifications {
                ctx.store
                    .record_undeliverable(n, code, &reason, now)
                    .await?;
            }
            if !urgent {
                // Nobody received anything: the person's window stays open for others.
                ctx.store.release_window(&release(None, false)).await?;
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
                let notif_id = (!d.is_digest).then_some(d.holder);
                ctx.store
                    .release_window(&release(notif_id, d.is_digest))
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

pub(super) async fn send(
    ctx: &AppContext,
    d: &Delivery<'_>,
    uuid: &str,
) -> Result<SentMessage, SendError> {
    let app_id = d.person.app_id;
    let token = token_for(ctx, app_id, d.tenant, d.token.as_ref()).await?;
    crate::lark::with_fresh_token_on_expiry(
        token,
        |t| async move { send_once(ctx, d, &t, uuid).await },
        |stale| async move {
            ctx.lark.forget_token(app_id);
            ctx.store
                .forget_token(app_id, &stale.token)
                .await
                .map_err(AppError::from)?;
            Ok(fresh_token(ctx, app_id).await?)
        },
    )
    .await
}

/// One send with one token: a plain card, or for a card meant to change later (a single
/// notification with a card key) a new card entity, sent and remembered for updates.
pub(super) async fn send_once(
    ctx: &AppContext,
    d: &Delivery<'_>,
    token: &crate::lark::AppToken,
    uuid: &str,
) -> Result<SentMessage, SendError> {
    let card = cards::for_recipient(
        ctx.keys.signer.as_ref(),
        d.card.clone(),
        d.person.app_id,
        d.person.open_id,
    );
    let (Some(key), [only]) = (card_key(d), d.notifications) else {
        return ctx
            .lark
            .send_card(token, d.person.open_id, &card, uuid)
            .await
            .map_err(SendError::Lark);
    };
    let card_id = ctx
        .lark
        .create_card(token, &card)
        .await
        .map_err(SendError::Lark)?;
    let sent = ctx
        .lark
        .send_card_entity(token, d.person.open_id, &card_id, uuid)
        .await
        .map_err(SendError::AfterCreate)?;
    let record = crate::store::CardRecord {
        card_id,
        sequence: 0,
        created_at: ctx.now(),
        shows: only.revision,
    };
    ctx.store
        .save_card(key, d.person, &record, None)
        .await
        .map_err(AppError::from)?;
    Ok(sent)
}
