//! Invitation links. An invitation lives in its group's partition; while it is active it also
//! sits in an hourly expiry bucket of `gsi1` (`INVEXP#{hour}`), so the scheduled expiry reads
//! only the buckets that came due. Ending an invitation removes it from the index (sparse).

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};

use super::dynamo::{s, Keyed};
use super::keys;
use super::{Store, StoreError};
use crate::clock::Epoch;
use crate::domain::audit::AuditEntry;
use crate::domain::model::*;
use crate::ids::{GroupId, InvitationId};

/// Ended invitations stay readable (for "this link was revoked") this long before TTL clean-up.
const KEEP_ENDED: Epoch = 30 * 24 * 3600;

pub fn expiry_hour(at: Epoch) -> i64 {
    at.div_euclid(3600)
}

fn due_key(expires_at: Epoch) -> String {
    format!("{expires_at:012}")
}

fn status_value(status: InvitationStatus) -> AttributeValue {
    s(match status {
        InvitationStatus::Active => "active",
        InvitationStatus::Revoked => "revoked",
        InvitationStatus::Expired => "expired",
    })
}

#[derive(serde::Serialize, serde::Deserialize)]
struct JobState {
    done_through_hour: i64,
}

impl Store {
    /// Creates the link and takes its slot in one transaction; `ConditionFailed` when another
    /// link holds the slot (still active and not revoked).
    pub async fn create_invitation(
        &self,
        inv: &Invitation,
        audit: &AuditEntry,
        now: Epoch,
    ) -> Result<(), StoreError> {
        let keyed = Keyed::item(keys::group(&inv.group_id), keys::invitation(&inv.id), inv)
            .indexed(
                keys::invitation_bucket(expiry_hour(inv.expires_at)),
                format!("{}#{}#{}", due_key(inv.expires_at), inv.group_id, inv.id),
            )
            .expiring(inv.expires_at + KEEP_ENDED);
        let put = self.put_item(keyed, Some("attribute_not_exists(pk)"))?;
        let audit = self.audit_write(audit)?;
        let Some(slot) = inv.slot else {
            return self.transact(vec![put, audit]).await;
        };
        let take = Update::builder()
            .table_name(&self.table)
            .key("pk", s(keys::group(&inv.group_id)))
            .key("sk", s(keys::invitation_slot(slot)))
            .update_expression("SET holder = :id, #until = :until, released = :no")
            .condition_expression("attribute_not_exists(pk) OR #until <= :now OR released = :yes")
            .expression_attribute_names("#until", "until")
            .expression_attribute_values(":id", s(&inv.id))
            .expression_attribute_values(":until", AttributeValue::N(inv.expires_at.to_string()))
            .expression_attribute_values(":now", AttributeValue::N(now.to_string()))
            .expression_attribute_values(":no", AttributeValue::Bool(false))
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .build()
            .map_err(|e| StoreError::Decode(e.to_string()))?;
        self.transact(vec![
            put,
            audit,
            TransactWriteItem::builder().update(take).build(),
        ])
        .await
    }

    pub async fn invitation(
        &self,
        group_id: &GroupId,
        id: &InvitationId,
    ) -> Result<Option<Invitation>, StoreError> {
        self.get(keys::group(group_id), keys::invitation(id)).await
    }

    pub async fn invitations(&self, group_id: &GroupId) -> Result<Vec<Invitation>, StoreError> {
        self.query_prefix(keys::group(group_id), keys::INVITE_PREFIX)
            .await
    }

    /// Revokes or expires an active invitation (a revocation with its audit entry);
    /// `ConditionFailed` if it had already ended.
    pub async fn end_invitation(
        &self,
        inv: &Invitation,
        status: InvitationStatus,
        by: &str,
        audit: Option<&AuditEntry>,
        at: Epoch,
    ) -> Result<(), StoreError> {
        // One transaction: the link ends, and a revoked link gives its slot back at once (an
        // expired one's slot frees itself when its `until` passes).
        let end = Update::builder()
            .table_name(&self.table)
            .key("pk", s(keys::group(&inv.group_id)))
            .key("sk", s(keys::invitation(&inv.id)))
            .update_expression(
                "SET #st = :st, ended_by = :by, ended_at = :at REMOVE gsi1pk, gsi1sk",
            )
            .condition_expression("#st = :active")
            .expression_attribute_names("#st", "status")
            .expression_attribute_values(":st", status_value(status))
            .expression_attribute_values(":active", status_value(InvitationStatus::Active))
            .expression_attribute_values(":by", s(by))
            .expression_attribute_values(":at", AttributeValue::N(at.to_string()))
            .build()
            .map_err(|e| StoreError::Decode(e.to_string()))?;
        let mut writes = vec![TransactWriteItem::builder().update(end).build()];
        if let Some(audit) = audit {
            writes.push(self.audit_write(audit)?);
        }
        if let (InvitationStatus::Revoked, Some(slot)) = (status, inv.slot) {
            let release = Update::builder()
                .table_name(&self.table)
                .key("pk", s(keys::group(&inv.group_id)))
                .key("sk", s(keys::invitation_slot(slot)))
                .update_expression("SET released = :yes")
                .condition_expression("holder = :id")
                .expression_attribute_values(":yes", AttributeValue::Bool(true))
                .expression_attribute_values(":id", s(&inv.id))
                .build()
                .map_err(|e| StoreError::Decode(e.to_string()))?;
            writes.push(TransactWriteItem::builder().update(release).build());
        }
        self.transact(writes).await
    }

    /// Joins `member` with the invitation in one transaction: the membership lands only while
    /// the invitation is active and unexpired, and only once. `ConditionFailed` otherwise.
    pub async fn accept_invitation(
        &self,
        inv: &Invitation,
        member: &Member,
        audit: &AuditEntry,
        now: Epoch,
    ) -> Result<(), StoreError> {
        let count = Update::builder()
            .table_name(&self.table)
            .key("pk", s(keys::group(&inv.group_id)))
            .key("sk", s(keys::invitation(&inv.id)))
            .update_expression("ADD accepted :one")
            .condition_expression("#st = :active AND expires_at > :now")
            .expression_attribute_names("#st", "status")
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":active", status_value(InvitationStatus::Active))
            .expression_attribute_values(":now", AttributeValue::N(now.to_string()))
            .build()
            .map_err(|e| StoreError::Decode(e.to_string()))?;
        let writes = vec![
            self.put_item(Self::keyed_member(member), Some("attribute_not_exists(pk)"))?,
            TransactWriteItem::builder().update(count).build(),
            self.audit_write(audit)?,
        ];
        self.transact(writes).await
    }

    /// Active invitations of one expiry hour that are past due at `now`.
    pub async fn due_invitations(
        &self,
        hour: i64,
        now: Epoch,
    ) -> Result<Vec<Invitation>, StoreError> {
        self.due_in_bucket(keys::invitation_bucket(hour), now).await
    }

    /// The last expiry hour a scheduled job finished, if it ever ran.
    pub async fn job_done_through(&self, job: &str) -> Result<Option<i64>, StoreError> {
        let state: Option<JobState> = self.get(keys::job(job), keys::STATE.into()).await?;
        Ok(state.map(|s| s.done_through_hour))
    }

    pub async fn save_job_done_through(&self, job: &str, hour: i64) -> Result<(), StoreError> {
        let state = JobState {
            done_through_hour: hour,
        };
        let keyed = Keyed::item(keys::job(job), keys::STATE.into(), &state);
        self.put(keyed, false).await
    }
}
