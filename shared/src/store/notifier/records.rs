//! One record per notification id (dedupe), and the notifications Lark could not deliver.

use super::NOTIF_TTL;
use crate::clock::Epoch;
use crate::domain::notification::Notification;
use crate::ids::AppId;
use crate::store::dynamo::{s, Keyed};
use crate::store::{keys, NotifRecord, NotifState, Store, StoreError, Undeliverable};
use aws_sdk_dynamodb::types::TransactWriteItem;

impl Store {
    /// The notification's record in a transaction. `first` writes it only if the notification
    /// is new or was released for a retry, so a notification is claimed or put aside once.
    pub(super) fn notif_put(
        &self,
        id: &str,
        state: NotifState,
        now: Epoch,
        first: bool,
    ) -> Result<TransactWriteItem, StoreError> {
        let (pk, sk) = keys::notification(id);
        let record = NotifRecord { state, at: now };
        let mut put = self.put_builder(&Keyed::item(pk, sk, &record).expiring(now + NOTIF_TTL))?;
        if first {
            put = put
                .condition_expression("attribute_not_exists(pk) OR #st = :released")
                .expression_attribute_names("#st", "state")
                .expression_attribute_values(":released", s("released"));
        }
        Self::put_write(put)
    }

    /// Records that a notification was not sent, and why (`Read`: its reader had read it
    /// already; `Superseded`: its card shows a later state), once: `ConditionFailed` if it was
    /// handled meanwhile.
    pub async fn mark_unsent(
        &self,
        id: &str,
        why: NotifState,
        now: Epoch,
    ) -> Result<(), StoreError> {
        self.transact(vec![self.notif_put(id, why, now, true)?])
            .await
    }

    /// Marks a notification undeliverable and keeps it for the TAM's console.
    pub async fn record_undeliverable(
        &self,
        notification: &Notification,
        code: Option<i64>,
        reason: &str,
        now: Epoch,
    ) -> Result<(), StoreError> {
        let record = Undeliverable {
            notification: notification.clone(),
            code,
            reason: reason.to_owned(),
            at: now,
        };
        let keyed = Keyed::item(
            keys::undeliverable(&notification.org_app_id),
            format!("{now:012}#{}", notification.id),
            &record,
        )
        .expiring(now + 90 * 24 * 3600);
        self.transact(vec![
            self.put_item(keyed, None)?,
            self.notif_put(&notification.id, NotifState::Undeliverable, now, false)?,
        ])
        .await
    }

    pub async fn undeliverable(
        &self,
        org_app_id: &AppId,
    ) -> Result<Vec<Undeliverable>, StoreError> {
        self.query_prefix(keys::undeliverable(org_app_id), "").await
    }
}
