//! DynamoDB access for every concept, one method per access pattern. One table (see
//! `template.yaml`): `pk`/`sk`, one GSI (`gsi1pk`/`gsi1sk`) and a `ttl` attribute that DynamoDB
//! uses for clean-up only — code never trusts an item to be gone, it checks expiry itself.
//!
//! The whole key schema, every prefix, is in `keys`.

mod audit;
mod dynamo;
mod groups;
mod invitations;
pub mod keys;
mod limits;
mod notifier;
mod reads;
mod reports;
mod sessions;
mod sockets;
mod tickets;

/// The nouns live in `domain::model`; the store persists them.
pub use crate::domain::model::{
    Author, CallbackKeys, Emergency, Group, GroupKind, Invitation, InvitationStatus, JoinedVia,
    Member, Mention, Message, MessageKind, PageSchedule, Person, Prefs, Rating, ReadPosition,
    ReadPositions, Side, Staff, Tenant, TenantKind, TenantStatus, Ticket, TicketChange, UsedLogin,
};
pub use dynamo::Store;
pub use groups::{MessagePage, Posted, MAX_SEQ, MESSAGE_PAGE};
pub use invitations::expiry_hour;
pub use notifier::{
    due_hour, CardRecord, Claim, MonthUse, NotifRecord, NotifState, PersonKey, Release, Snapshot,
    StoredToken, Undeliverable, Usage, Window, CARD_LIFETIME, DIGEST_LINES,
};
pub use reports::{Count, StaffTally};
pub use tickets::{Declaration, NewTicket, Reassignment, TicketMove, MAX_TICKET};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DynamoDB request failed: {0}")]
    Dynamo(String),
    #[error("a condition on the write failed")]
    ConditionFailed,
    #[error("stored item could not be read: {0}")]
    Decode(String),
}

/// One try of a read-decide-write: the conditional write went through with this result, or
/// another writer changed the item first and the caller must read and decide again.
pub enum Attempt<T> {
    Written(T),
    Lost,
}

/// Optimistic concurrency, in one place: runs `attempt` (read, decide, one conditional write)
/// until its write goes through, re-reading after each lost race with a growing, jittered
/// pause; `Ok(None)` after `tries` lost races, for the caller to say what kept changing.
pub async fn retry_on_conflict<T, Fut>(
    tries: u64,
    mut attempt: impl FnMut() -> Fut,
) -> crate::error::AppResult<Option<T>>
where
    Fut: std::future::Future<Output = crate::error::AppResult<Attempt<T>>>,
{
    for n in 0..tries {
        pause_before_retry(n).await;
        if let Attempt::Written(t) = attempt().await? {
            return Ok(Some(t));
        }
    }
    Ok(None)
}

/// A conditional write's outcome as an `Attempt`: a failed condition is a lost race.
pub fn settle(result: Result<(), StoreError>) -> Result<Attempt<()>, StoreError> {
    match result {
        Ok(()) => Ok(Attempt::Written(())),
        Err(StoreError::ConditionFailed) => Ok(Attempt::Lost),
        Err(e) => Err(e),
    }
}

/// After losing a conditional write to another writer: wait a little longer (with jitter) each
/// attempt, so a burst of writers spreads out instead of colliding again. No wait before the first.
async fn pause_before_retry(attempt: u64) {
    if attempt > 0 {
        let jitter = rand::random::<u64>() % (5 * attempt.min(10));
        tokio::time::sleep(std::time::Duration::from_millis(jitter + 1)).await;
    }
}

impl From<StoreError> for crate::error::AppError {
    fn from(e: StoreError) -> Self {
        crate::error::AppError::Store(Box::new(e))
    }
}
