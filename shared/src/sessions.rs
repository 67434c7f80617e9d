//! Ending sessions before they expire: signing out (this session), signing out everywhere (every
//! session of the person through this app), and a TAM removing a colleague. Each is one change of
//! the person's fence (`domain::sessions`), retried if two happen at once.

use crate::context::AppContext;
use crate::domain::audit::{AuditActor, AuditEntry, AuditKind};
use crate::domain::sessions::SessionFence;
use crate::error::{AppError, AppResult};
use crate::ids::{AppId, OpenId};
use crate::session::{Session, SESSION_TTL};
use crate::store::{retry_on_conflict, settle, Attempt};

const ATTEMPTS: u64 = 10;

/// Signs `session` out: this session alone, or (`everywhere`) every session the person has
/// through this app. A session the fence no longer admits (ended, or a copy of a cookie whose
/// person signed out everywhere since) changes nothing: it is already out, and a stolen copy must
/// not keep ending its owner's new sessions.
#[tracing::instrument(skip_all, fields(app = %session.app_id))]
pub async fn sign_out(ctx: &AppContext, session: &Session, everywhere: bool) -> AppResult<()> {
    // Signing out everywhere is on the trail of the person's organisation (staff: the provider's).
    let audit = everywhere.then(|| {
        AuditEntry::new(
            &session.app_id,
            ctx.now(),
            AuditActor::person(&session.app_id, &session.open_id, &session.name),
            AuditKind::SignedOutEverywhere,
        )
    });
    change(
        ctx,
        &session.app_id,
        &session.open_id,
        audit,
        |fence, now| {
            if !fence.admits(session.generation, &session.sid) {
                return false;
            }
            if everywhere {
                fence.end_all();
            } else {
                fence.end(&session.sid, session.exp, now);
            }
            true
        },
    )
    .await
}

/// Ends every session the person has through this app (their removal by the service team,
/// `by`), on the audit trail of their organisation.
#[tracing::instrument(skip_all, fields(app = %app_id))]
pub async fn end_all(
    ctx: &AppContext,
    app_id: &AppId,
    open_id: &OpenId,
    by: AuditActor,
) -> AppResult<()> {
    let audit = AuditEntry::new(app_id, ctx.now(), by, AuditKind::SessionsEnded).change(
        "person",
        None,
        Some(open_id.to_string()),
    );
    change(ctx, app_id, open_id, Some(audit), |fence, _| {
        fence.end_all();
        true
    })
    .await
}

/// Applies `edit` to the person's fence and saves it (with `audit`, in one transaction), unless
/// `edit` says it changed nothing.
async fn change(
    ctx: &AppContext,
    app_id: &AppId,
    open_id: &OpenId,
    audit: Option<AuditEntry>,
    edit: impl Fn(&mut SessionFence, crate::clock::Epoch) -> bool,
) -> AppResult<()> {
    let edit = &edit;
    let audit = audit.as_ref();
    retry_on_conflict(ATTEMPTS, || async move {
        let now = ctx.now();
        let mut fence = ctx.store.session_fence(app_id, open_id).await?;
        let seen = fence.version;
        if !edit(&mut fence, now) {
            return Ok(Attempt::Written(()));
        }
        let keep_until = fence.needed_until(now, SESSION_TTL);
        let saved = ctx
            .store
            .save_session_fence(app_id, open_id, &fence, seen, keep_until, audit)
            .await;
        Ok(settle(saved)?)
    })
    .await?
    .ok_or_else(|| AppError::Unavailable("Signing out is busy; try again in a moment.".into()))
}
