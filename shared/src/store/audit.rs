//! The audit trail's items (`domain::audit`): written only inside the transaction of the change
//! they record, read per ticket through `gsi1`.

use aws_sdk_dynamodb::types::TransactWriteItem;

use super::dynamo::{s, Keyed};
use super::keys;
use super::{Store, StoreError};
use crate::domain::audit::{AuditEntry, AUDIT_KEPT};
use crate::ids::AppId;

impl Store {
    /// The entry's put, for the transaction of the change it records. Never overwrites.
    pub(super) fn audit_write(&self, e: &AuditEntry) -> Result<TransactWriteItem, StoreError> {
        let (pk, sk) = keys::audit(&e.org, e.at, &e.id);
        let mut keyed = Keyed::item(pk, sk.clone(), e).expiring(e.at + AUDIT_KEPT);
        if let Some(number) = e.ticket {
            keyed = keyed.indexed(keys::audit_ticket(&e.org, number), sk);
        }
        self.put_item(keyed, Some("attribute_not_exists(pk)"))
    }

    /// A ticket's entries, oldest first (one query).
    pub async fn ticket_audit(
        &self,
        org: &AppId,
        number: u64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        self.query_index(keys::audit_ticket(org, number)).await
    }

    /// An organisation's entries between two times (inclusive), newest first, of one kind or
    /// all; at most `limit`, and whether there were more.
    pub async fn org_audit(
        &self,
        org: &AppId,
        from: crate::clock::Epoch,
        to: crate::clock::Epoch,
        kind: Option<crate::domain::audit::AuditKind>,
        limit: usize,
    ) -> Result<(Vec<AuditEntry>, bool), StoreError> {
        let (pk, _) = keys::audit(org, 0, "");
        let mut query = self
            .db
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :to")
            .expression_attribute_values(":pk", s(pk))
            .expression_attribute_values(":from", s(format!("{from:012}")))
            .expression_attribute_values(":to", s(format!("{to:012}~")))
            .scan_index_forward(false);
        if let Some(kind) = kind {
            query = query
                .filter_expression("#kind = :kind")
                .expression_attribute_names("#kind", "kind")
                .expression_attribute_values(":kind", s(kind.as_str()));
        }
        // Pages stop once one more than asked is in hand: that one only says there is more.
        let mut all: Vec<AuditEntry> = self.query_up_to(query, limit + 1).await?;
        let more = all.len() > limit;
        all.truncate(limit);
        Ok((all, more))
    }
}
