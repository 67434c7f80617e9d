//! Scheduled functions, each body in a file of its own named after its job. Each runs on an
//! EventBridge schedule in AWS (see `template.yaml`) and on a timer in the local gateway, through
//! the same `run`.

use std::future::Future;
use std::pin::Pin;

use crate::context::AppContext;
use crate::error::AppResult;

mod digest_sweep;
mod emergency_repage;
mod invitation_expiry;
mod sla_check;

type JobFuture<'a> = Pin<Box<dyn Future<Output = AppResult<serde_json::Value>> + Send + 'a>>;
pub type JobFn = for<'a> fn(&'a AppContext) -> JobFuture<'a>;

pub struct Job {
    /// The function's logical id in `template.yaml`.
    pub function: &'static str,
    pub run: JobFn,
}

fn expire_invitations(ctx: &AppContext) -> JobFuture<'_> {
    Box::pin(async move {
        let report = invitation_expiry::expire_due(ctx).await?;
        Ok(serde_json::to_value(report).expect("report serializes"))
    })
}

pub static INVITATION_EXPIRY: Job = Job {
    function: "InvitationExpiryFunction",
    run: expire_invitations,
};

fn sweep_digests(ctx: &AppContext) -> JobFuture<'_> {
    Box::pin(digest_sweep::sweep_due_digests(ctx))
}

pub static DIGEST_SWEEP: Job = Job {
    function: "DigestSweepFunction",
    run: sweep_digests,
};

fn check_sla(ctx: &AppContext) -> JobFuture<'_> {
    Box::pin(sla_check::check_sla(ctx))
}

pub static SLA_CHECK: Job = Job {
    function: "SlaCheckFunction",
    run: check_sla,
};

fn repage(ctx: &AppContext) -> JobFuture<'_> {
    Box::pin(emergency_repage::repage_emergencies(ctx))
}

pub static EMERGENCY_REPAGE: Job = Job {
    function: "EmergencyRepageFunction",
    run: repage,
};

pub static ALL: &[&Job] = &[
    &INVITATION_EXPIRY,
    &DIGEST_SWEEP,
    &SLA_CHECK,
    &EMERGENCY_REPAGE,
];

pub fn by_function(name: &str) -> Option<&'static Job> {
    ALL.iter().copied().find(|j| j.function == name)
}
