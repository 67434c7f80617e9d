//! Lark calls counted per app and month, as Lark counts them.

use super::{update, USAGE_TTL};
use crate::clock::Epoch;
use crate::ids::AppId;
use crate::store::dynamo::{built, decode, n};
use crate::store::{keys, MonthUse, Store, StoreError, Usage};
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};

impl Store {
    pub(super) fn count_call(
        &self,
        app_id: &AppId,
        month: &str,
        delta: i64,
        now: Epoch,
    ) -> Result<TransactWriteItem, StoreError> {
        self.count_in(keys::usage(app_id, month), delta, now)
    }

    /// Counts calls the provider app makes paging for `org` (the organisation's page budget).
    pub(super) fn count_page_calls(
        &self,
        org: &AppId,
        month: &str,
        delta: i64,
        now: Epoch,
    ) -> Result<TransactWriteItem, StoreError> {
        self.count_in(keys::page_usage(org, month), delta, now)
    }

    fn count_in(
        &self,
        key: (String, String),
        delta: i64,
        now: Epoch,
    ) -> Result<TransactWriteItem, StoreError> {
        let up = built(
            update(&self.table, key)
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

    /// An organisation's month of Lark use as its report shows it, in one request: its own calls,
    /// the provider app's calls paging for it, and the provider app's plan (its page budget).
    pub async fn month_use(
        &self,
        org: &AppId,
        provider: &AppId,
        month: &str,
    ) -> Result<MonthUse, StoreError> {
        let (usage_pk, usage_sk) = keys::usage(org, month);
        let (pages_pk, pages_sk) = keys::page_usage(org, month);
        let (tenant_pk, tenant_sk) = keys::tenant(provider);
        let mut out = MonthUse::default();
        let asked = vec![
            (usage_pk, usage_sk.clone()),
            (pages_pk, pages_sk.clone()),
            (tenant_pk, tenant_sk.clone()),
        ];
        for item in self.batch_items(asked).await? {
            match item.get("sk") {
                Some(AttributeValue::S(sk)) if *sk == usage_sk => out.usage = decode(item)?,
                Some(AttributeValue::S(sk)) if *sk == pages_sk => {
                    out.page_calls = decode::<Usage>(item)?.calls
                }
                Some(AttributeValue::S(sk)) if *sk == tenant_sk => {
                    out.provider_plan = Some(decode::<crate::domain::model::Tenant>(item)?.plan)
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// The calls the provider app made this month paging for `org`.
    pub async fn page_calls(&self, org: &AppId, month: &str) -> Result<i64, StoreError> {
        let (pk, sk) = keys::page_usage(org, month);
        Ok(self.get::<Usage>(pk, sk).await?.unwrap_or_default().calls)
    }

    pub async fn calls_this_month(&self, app_id: &AppId, month: &str) -> Result<i64, StoreError> {
        Ok(self.usage(app_id, month).await?.calls)
    }
}
