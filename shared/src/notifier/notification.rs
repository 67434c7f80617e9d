//! One notification: take the person's window and send, or put it aside for the digest; a
//! ticket's status card is updated in place instead.

use super::delivery::{deliver, resend, Delivery};
use super::digest::queue_flushes;
use super::tokens::token_for;
use super::warnings::warn_on_new_step;
use super::ATTEMPTS;
use super::{budget, cards, person_of, rules, Handled};
use crate::context::AppContext;
use crate::domain::budget::Step;
use crate::error::{AppError, AppResult};
use crate::lark::LarkError;
use crate::notifier::rules::WINDOW_SECONDS;
use crate::notify::Notification;
use crate::store::{
    retry_on_conflict, Attempt, Claim, NotifState, Snapshot, StoreError, TenantKind,
};

#[tracing::instrument(skip_all, fields(kind = ?n.kind, id = %n.id, app = %n.recipient.app_id, urgent = n.urgent))]
pub(super) async fn process_notification(ctx: &AppContext, n: &Notification) -> AppResult<Handled> {
    let person = person_of(n);
    retry_on_conflict(ATTEMPTS, || async move {
        let now = ctx.now();
        let month = budget::month_of(now);
        let snap = ctx
            .store
            .notifier_snapshot(Some(&n.id), person, &month, n.card_key.as_deref())
            .await?;
        let read = n.group_id.as_ref().and_then(|g| snap.reads.of(g));
        let plan = snap.tenant.as_ref().map(|t| t.plan).unwrap_or_default();
        let step = budget::step(&plan, snap.usage.calls, snap.usage.exhausted);
        let delivery = Delivery {
            person,
            holder: &n.id,
            notifications: std::slice::from_ref(n),
            card: cards::single(n, cards::Reader::of(snap.tenant.as_ref(), snap.prefs.lang)),
            token: snap.token.clone(),
            tenant: snap.tenant.as_ref(),
            month: &month,
            is_digest: false,
        };
        let live_card = snap.card.as_ref().filter(|c| snap.now_ok(c, now));
        let unsent = match snap.notif.as_ref().map(|r| r.state) {
            Some(
                NotifState::Pending
                | NotifState::Undeliverable
                | NotifState::Read
                | NotifState::Superseded,
            ) => return Ok(Attempt::Written(Handled::Done)),
            // Arrived after a later change to the ticket reached the card (the queue does not
            // keep order): updating the card, or resending it, would turn it back.
            _ if live_card.is_some_and(|c| n.is_older_than(c.shows)) => {
                Some(NotifState::Superseded)
            }
            // They read it in the web app before it went out: telling them again costs a call
            // and their attention for nothing.
            Some(NotifState::Released) | None if rules::already_read(n, read) => {
                Some(NotifState::Read)
            }
            _ => None,
        };
        if let Some(why) = unsent {
            return match ctx.store.mark_unsent(&n.id, why, now).await {
                Ok(()) | Err(StoreError::ConditionFailed) => Ok(Attempt::Written(Handled::Done)),
                Err(e) => Err(e.into()),
            };
        }
        match snap.notif.as_ref().map(|r| r.state) {
            // Taken before: the send may or may not have happened. While the window is still
            // its own, sending again with the same uuid is safe (Lark drops the repeat).
            Some(NotifState::Claimed) if n.urgent || snap.window.holder == n.id => {
                return resend(ctx, delivery).await.map(Attempt::Written)
            }
            Some(NotifState::Claimed) => return Ok(Attempt::Written(Handled::Done)),
            _ => {}
        }
        if let (Some(key), Some(card)) = (&n.card_key, live_card) {
            return update_in_place(ctx, n, key, card, &snap, &month)
                .await
                .map(Attempt::Written);
        }
        if n.only_update {
            // Their copy is gone (or they never had one): a new DM is not what this is for.
            return Ok(Attempt::Written(Handled::Done));
        }
        // A page within its organisation's page budget goes at once; past it, it waits for the
        // window like any notification.
        let demoted;
        let (n, delivery) =
            if n.urgent && !within_page_budget(ctx, n, &snap, &month, delivery.calls()).await? {
                demoted = Notification {
                    urgent: false,
                    ..n.clone()
                };
                (
                    &demoted,
                    Delivery {
                        notifications: std::slice::from_ref(&demoted),
                        ..delivery
                    },
                )
            } else {
                (n, delivery)
            };
        let window = &snap.window;
        let free = window.until <= now && window.digest_due.is_none();
        let mut hold = (step == Step::Hold).then(|| budget::next_month_start(now));
        if free && hold.is_none() && rules::reading_live(n, read, now) {
            // They are reading the group right now: give them a minute to see it there; the
            // digest then carries it only if they did not.
            hold = Some(now + rules::READ_GRACE_SECONDS);
        }
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
                by: None,
                calls: delivery.calls(),
                page_for: n.urgent.then_some(&n.org_app_id),
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
        // The window is over and a digest is already due: send it now rather than at the sweep's
        // next minute (but not one waiting for its reader's minute in the web app), asking once.
        let due_now = window.digest_due.is_none_or(|due| due <= now);
        let ask_flush = window.until <= now
            && hold.is_none()
            && due_now
            && !window.flush_asked_since_it_ended();
        match ctx
            .store
            .put_aside(person, n, window, hold, ask_flush, now)
            .await
        {
            Ok(()) => {
                if ask_flush {
                    queue_flushes(ctx, &[(person.app_id.clone(), person.open_id.clone())]).await?;
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

/// A change to something the person already has a card for (a ticket's status): the card entity
/// is updated in place — not a new DM, so no window — and counted as the call it is.
pub(super) async fn update_in_place(
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
        by: None,
        calls: 1,
        page_for: None,
    };
    match ctx.store.claim_window(&claim).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed) => return Ok(Handled::Done), // handled already
        Err(e) => return Err(e.into()),
    }
    let sequence = card.sequence + 1;
    if !ctx
        .store
        .take_send_slot(person, 1, budget::LARK_PACE, now)
        .await?
    {
        ctx.store
            .release_claim(&n.id, person.app_id, month, now)
            .await?;
        return Ok(Handled::RetryIn(1));
    }
    let result = async {
        let token = token_for(
            ctx,
            person.app_id,
            snap.tenant.as_ref(),
            snap.token.as_ref(),
        )
        .await?;
        ctx.lark
            .update_card(
                &token,
                &card.card_id,
                &cards::for_recipient(
                    ctx.keys.signer.as_ref(),
                    cards::single(n, cards::Reader::of(snap.tenant.as_ref(), snap.prefs.lang)),
                    person.app_id,
                    person.open_id,
                ),
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
                shows: n.revision.or(card.shows),
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

/// Whether a page to the service team still fits its organisation's page budget this month
/// (`budget::page_budget` of the provider app's plan). A page to anyone else, or from an
/// unmetered provider app, always does.
async fn within_page_budget(
    ctx: &AppContext,
    n: &Notification,
    snap: &Snapshot,
    month: &str,
    calls: i64,
) -> AppResult<bool> {
    let provider = snap
        .tenant
        .as_ref()
        .filter(|t| t.kind == TenantKind::Provider && t.app_id == n.recipient.app_id);
    let Some(budget) = provider.and_then(|t| budget::page_budget(&t.plan)) else {
        return Ok(true);
    };
    let spent = ctx.store.page_calls(&n.org_app_id, month).await?;
    if spent + calls > budget {
        tracing::warn!(org = %n.org_app_id, spent, budget, "the organisation's page budget is spent; the page waits for the DM window");
        return Ok(false);
    }
    Ok(true)
}
