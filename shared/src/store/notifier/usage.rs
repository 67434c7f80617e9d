//! Lark calls counted per app and month, as Lark counts them.

use super::*;

impl Store {
    pub(super) fn count_call(
        &self,
        app_id: &AppId,
        month: &str,
        delta: i64,
        now: Epoch,
    ) -> Result<TransactWriteItem, StoreError> {
        let up = built(
            update(&self.table, keys::usage(app_id, month))
                .update_expression("ADD calls :d SET #ttl = :ttl")
                .expression_attribute_names("#ttl", "ttl")
                .expression_attribute_values(":d", n(delta))
                .expression_attribute_values(":ttl", n(now + USAGE_TTL))
                .build(),
        )?;
        Ok(TransactWriteItem::builder().update(up).build())
    }

    /// Remembers that Lark refused a call for the month's quota.
    pub async fn mark_exhausted(
        &self,
        app_id: &AppId,
        month: &str,
        now: Epoch,
    ) -> Result<(), StoreError> {
        let up = update(&self.table, keys::usage(app_id, month))
            .update_expression("SET exhausted = :yes, #ttl = :ttl")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .expression_attribute_values(":ttl", n(now + USAGE_TTL));
        self.transact(vec![TransactWriteItem::builder()
            .update(built(up.build())?)
            .build()])
            .await
    }

    pub async fn usage(&self, app_id: &AppId, month: &str) -> Result<Usage, StoreError> {
        let (pk, sk) = keys::usage(app_id, month);
        Ok(self.get::<Usage>(pk, sk).await?.unwrap_or_default())
    }

    /// Counts Lark calls made outside the notifier (registration and re-check introspection) in
    /// the app's month, where the budget sees them.
    pub async fn count_lark_calls(
        &self,
        app_id: &AppId,
        month: &str,
        calls: i64,
        now: Epoch,
    ) -> Result<(), StoreError> {
        if calls == 0 {
            return Ok(());
        }
        self.transact(vec![self.count_call(app_id, month, calls, now)?])
            .await
    }

    pub async fn calls_this_month(&self, app_id: &AppId, month: &str) -> Result<i64, StoreError> {
        Ok(self.usage(app_id, month).await?.calls)
    }
}
