//! Ending sessions before they expire: signing out (this session), signing out everywhere (every
//! session of the person through this app), and a TAM removing a colleague. Each is one change of
//! the person's fence (`domain::sessions`), retried if two happen at once.

use crate::context::AppContext;
use crate::domain::sessions::SessionFence;
use crate::error::{AppError, AppResult};
use crate::ids::{AppId, OpenId};
use crate::session::{Session, SESSION_TTL};
use crate::store::{retry_on_conflict, settle};

const ATTEMPTS: u64 = 10;

/// Ends this one session; the person's other browsers stay signed in.
#[tracing::instrument(skip_all, fields(app = %session.app_id))]
pub async fn end_one(ctx: &AppContext, session: &Session) -> AppResult<()> {
    change(ctx, &session.app_id, &session.open_id, |fence, now| {
        fence.end(&session.sid, session.exp, now)
    })
    .await
}

/// Ends every session the person has through this app.
#[tracing::instrument(skip_all, fields(app = %app_id))]
pub async fn end_all(ctx: &AppContext, app_id: &AppId, open_id: &OpenId) -> AppResult<()> {
    change(ctx, app_id, open_id, |fence, _| fence.end_all()).await
}

async fn change(
    ctx: &AppContext,
    app_id: &AppId,
    open_id: &OpenId,
    edit: impl Fn(&mut SessionFence, crate::clock::Epoch),
) -> AppResult<()> {
    let edit = &edit;
    retry_on_conflict(ATTEMPTS, || async move {
        let now = ctx.now();
        let mut fence = ctx.store.session_fence(app_id, open_id).await?;
        let seen = fence.version;
        edit(&mut fence, now);
        let keep_until = fence.needed_until(now, SESSION_TTL);
        let saved = ctx
            .store
            .save_session_fence(app_id, open_id, &fence, seen, keep_until)
            .await;
        Ok(settle(saved)?)
    })
    .await?
    .ok_or_else(|| AppError::Unavailable("Signing out is busy; try again in a moment.".into()))
}
