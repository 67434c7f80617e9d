//! InvitationExpiryFunction (every 15 minutes): marks Add People links past their 24 hours as
//! expired. Links are refused at use whatever this says; the schedule tidies up.

use serde::Serialize;

use crate::context::AppContext;
use crate::error::AppResult;
use crate::store::{expiry_hour, InvitationStatus, StoreError};

/// How far back the first run looks.
const FIRST_RUN_LOOKBACK_HOURS: i64 = 7 * 24;
/// Where the job records the last hour it finished.
const EXPIRY_JOB: &str = "invitation-expiry";

#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct ExpiryReport {
    /// Hourly buckets read (one query each).
    pub buckets: usize,
    pub expired: usize,
}

/// Marks every active invitation past its expiry as expired. It reads the hourly buckets from
/// where the last run finished up to now (the current hour is read again next time, for links
/// that expire later in it), never the whole table.
#[tracing::instrument(skip_all)]
pub async fn expire_due(ctx: &AppContext) -> AppResult<ExpiryReport> {
    let now = ctx.now();
    let this_hour = expiry_hour(now);
    let from = ctx
        .store
        .job_done_through(EXPIRY_JOB)
        .await?
        .unwrap_or(this_hour - FIRST_RUN_LOOKBACK_HOURS);
    let mut report = ExpiryReport::default();
    for hour in from..=this_hour {
        report.buckets += 1;
        for inv in ctx.store.due_invitations(hour, now).await? {
            match ctx
                .store
                .end_invitation(&inv, InvitationStatus::Expired, "schedule", None, now)
                .await
            {
                Ok(()) => report.expired += 1,
                // Revoked (or expired by an overlapping run) meanwhile.
                Err(StoreError::ConditionFailed) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    ctx.store
        .save_job_done_through(EXPIRY_JOB, this_hour)
        .await?;
    tracing::info!(
        buckets = report.buckets,
        expired = report.expired,
        "invitation expiry ran"
    );
    Ok(report)
}
