//! The audit trail's items (`domain::audit`): written only inside the transaction of the change
//! they record, read per ticket through `gsi1`.

use aws_sdk_dynamodb::types::TransactWriteItem;

use super::dynamo::Keyed;
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
}
