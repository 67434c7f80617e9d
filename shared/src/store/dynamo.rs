//! The DynamoDB adapter. `AttributeValue` does not leave this file.

use std::collections::HashMap;

use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::builders::PutBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, Put, TransactWriteItem};
use aws_sdk_dynamodb::Client;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::keys;
use super::StoreError;
use crate::clock::Epoch;
use crate::domain::model::*;
use crate::ids::{AppId, OpenId};

pub(super) type Item = HashMap<String, AttributeValue>;

#[derive(Clone)]
pub struct Store {
    pub(super) db: Client,
    pub(super) table: String,
}

/// Key attributes stored beside an entity's own fields.
#[derive(Serialize)]
pub(super) struct Keyed<'a, T> {
    pub(super) pk: String,
    pub(super) sk: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) gsi1pk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) gsi1sk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) gsi2pk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) gsi2sk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) ttl: Option<Epoch>,
    #[serde(flatten)]
    pub(super) entity: &'a T,
}

impl<'a, T> Keyed<'a, T> {
    /// An item outside the index that stays until deleted.
    pub(super) fn item(pk: String, sk: String, entity: &'a T) -> Self {
        Self {
            pk,
            sk,
            gsi1pk: None,
            gsi1sk: None,
            gsi2pk: None,
            gsi2sk: None,
            ttl: None,
            entity,
        }
    }

    /// Listed in gsi1 under `pk`, ordered by `sk`.
    pub(super) fn indexed(mut self, pk: String, sk: String) -> Self {
        self.gsi1pk = Some(pk);
        self.gsi1sk = Some(sk);
        self
    }

    /// DynamoDB may delete it after `at` (clean-up only: readers still check expiry themselves).
    pub(super) fn expiring(mut self, at: Epoch) -> Self {
        self.ttl = Some(at);
        self
    }
}

/// The expression, names and values that write some fields of an item.
#[derive(Default)]
struct FieldUpdate {
    expression: String,
    names: HashMap<String, String>,
    values: Item,
}

impl FieldUpdate {
    /// DynamoDB refuses an empty value map (an update that only removes fields has none).
    fn values_if_any(values: Item) -> Option<Item> {
        (!values.is_empty()).then_some(values)
    }
}

/// An SDK builder's result as a store error (a missing required field is our bug).
pub(super) fn built<T, E: std::fmt::Display>(r: Result<T, E>) -> Result<T, StoreError> {
    r.map_err(|e| StoreError::Decode(e.to_string()))
}

/// A number attribute.
pub(super) fn n(v: impl std::fmt::Display) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

pub(super) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub(super) fn dynamo_err<E, R>(e: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    StoreError::Dynamo(DisplayErrorContext(e).to_string())
}

/// A failed condition on a single-item write is `ConditionFailed`; anything else is a failure.
/// A conditional write's outcome, where a failed condition is an answer rather than an error:
/// `Ok(false)` when the condition did not hold (nothing was written).
pub(super) fn applied<T>(result: Result<T, StoreError>) -> Result<bool, StoreError> {
    match result {
        Ok(_) => Ok(true),
        Err(StoreError::ConditionFailed) => Ok(false),
        Err(e) => Err(e),
    }
}

pub(super) fn write_err<E, R>(e: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + aws_sdk_dynamodb::error::ProvideErrorMetadata + 'static,
    R: std::fmt::Debug,
{
    if e.as_service_error()
        .and_then(|se| se.code())
        .is_some_and(|c| c == "ConditionalCheckFailedException")
    {
        StoreError::ConditionFailed
    } else {
        dynamo_err(e)
    }
}

/// A number attribute of an update's answer (`ReturnValue::UpdatedNew`): an atomic counter's
/// value after the add.
pub(super) fn counted<T: std::str::FromStr>(
    attributes: Option<&Item>,
    name: &str,
) -> Result<T, StoreError> {
    attributes
        .and_then(|a| a.get(name))
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| StoreError::Decode(format!("{name} missing from the counter's answer")))
}

pub(super) fn decode<T: DeserializeOwned>(item: Item) -> Result<T, StoreError> {
    serde_dynamo::from_item(item).map_err(|e| StoreError::Decode(e.to_string()))
}

pub(super) fn encode<T: Serialize>(keyed: &Keyed<'_, T>) -> Result<Item, StoreError> {
    serde_dynamo::to_item(keyed).map_err(|e| StoreError::Decode(e.to_string()))
}

impl Store {
    pub fn new(db: Client, table: impl Into<String>) -> Self {
        Self {
            db,
            table: table.into(),
        }
    }

    // ----- generic helpers -----------------------------------------------------------------------

    pub(super) async fn get<T: DeserializeOwned>(
        &self,
        pk: String,
        sk: String,
    ) -> Result<Option<T>, StoreError> {
        let out = self
            .db
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(dynamo_err)?;
        out.item.map(decode).transpose()
    }

    pub(super) async fn put<T: Serialize>(
        &self,
        keyed: Keyed<'_, T>,
        only_if_new: bool,
    ) -> Result<(), StoreError> {
        let mut req = self
            .db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(encode(&keyed)?));
        if only_if_new {
            req = req.condition_expression("attribute_not_exists(pk)");
        }
        req.send().await.map_err(write_err)?;
        Ok(())
    }

    /// Items by key in as few requests as DynamoDB allows (100 keys each); missing keys are
    /// simply absent from the result.
    pub(super) async fn batch_items(
        &self,
        mut keys: Vec<(String, String)>,
    ) -> Result<Vec<Item>, StoreError> {
        // DynamoDB refuses a batch that names an item twice.
        keys.sort();
        keys.dedup();
        let mut out = Vec::new();
        for chunk in keys.chunks(100) {
            let mut request = KeysAndAttributes::builder().consistent_read(true);
            for (pk, sk) in chunk {
                request = request.keys(Item::from([
                    ("pk".to_owned(), s(pk.clone())),
                    ("sk".to_owned(), s(sk.clone())),
                ]));
            }
            let request = request
                .build()
                .map_err(|e| StoreError::Decode(e.to_string()))?;
            let mut pending = Some(HashMap::from([(self.table.clone(), request)]));
            while let Some(request) = pending.take().filter(|r| !r.is_empty()) {
                let page = self
                    .db
                    .batch_get_item()
                    .set_request_items(Some(request))
                    .send()
                    .await
                    .map_err(dynamo_err)?;
                out.extend(
                    page.responses
                        .and_then(|mut r| r.remove(&self.table))
                        .unwrap_or_default(),
                );
                pending = page.unprocessed_keys;
            }
        }
        Ok(out)
    }

    /// Every item a query matches, following DynamoDB's pages. `query` is the request without
    /// its start key.
    pub(super) async fn query_all<T: DeserializeOwned>(
        &self,
        query: QueryFluentBuilder,
    ) -> Result<Vec<T>, StoreError> {
        self.query_up_to(query, usize::MAX).await
    }

    /// Every page of a query until `max` items are in hand (fewer pages when it stops early).
    pub(super) async fn query_up_to<T: DeserializeOwned>(
        &self,
        query: QueryFluentBuilder,
        max: usize,
    ) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let page = query
                .clone()
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(dynamo_err)?;
            for item in page.items.unwrap_or_default() {
                out.push(decode(item)?);
            }
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() && out.len() < max => start = Some(k),
                _ => return Ok(out),
            }
        }
    }

    pub(super) async fn query_prefix<T: DeserializeOwned>(
        &self,
        pk: String,
        sk_prefix: &str,
    ) -> Result<Vec<T>, StoreError> {
        let query = self
            .db
            .query()
            .table_name(&self.table)
            .expression_attribute_values(":pk", s(pk));
        // DynamoDB refuses an empty prefix: no prefix means the whole partition.
        let query = if sk_prefix.is_empty() {
            query.key_condition_expression("pk = :pk")
        } else {
            query
                .key_condition_expression("pk = :pk AND begins_with(sk, :p)")
                .expression_attribute_values(":p", s(sk_prefix))
        };
        self.query_all(query).await
    }

    /// One page of a query (at most `limit` items), and whether more lie beyond it.
    pub(super) async fn query_page<T: DeserializeOwned>(
        &self,
        query: QueryFluentBuilder,
        limit: i32,
    ) -> Result<(Vec<T>, bool), StoreError> {
        let out = query.limit(limit).send().await.map_err(dynamo_err)?;
        let more = out.last_evaluated_key.is_some_and(|k| !k.is_empty());
        let items = out
            .items
            .unwrap_or_default()
            .into_iter()
            .map(decode)
            .collect::<Result<Vec<T>, _>>()?;
        Ok((items, more))
    }

    pub(super) async fn query_index<T: DeserializeOwned>(
        &self,
        gsi1pk: String,
    ) -> Result<Vec<T>, StoreError> {
        let query = self
            .db
            .query()
            .table_name(&self.table)
            .index_name("gsi1")
            .key_condition_expression("gsi1pk = :pk")
            .expression_attribute_values(":pk", s(gsi1pk));
        self.query_all(query).await
    }

    /// Items of a time-bucketed `gsi1` partition whose sort key starts with a due time at or
    /// before `now` (sort keys are `{due:012}#…`; `#` sorts below every digit).
    pub(super) async fn due_in_bucket<T: DeserializeOwned>(
        &self,
        bucket: String,
        now: Epoch,
    ) -> Result<Vec<T>, StoreError> {
        let query = self
            .db
            .query()
            .table_name(&self.table)
            .index_name("gsi1")
            .key_condition_expression("gsi1pk = :b AND gsi1sk < :due")
            .expression_attribute_values(":b", s(bucket))
            .expression_attribute_values(":due", s(format!("{:012}", now + 1)));
        self.query_all(query).await
    }

    // ----- tenants -------------------------------------------------------------------------------

    fn keyed_tenant(tenant: &Tenant) -> Keyed<'_, Tenant> {
        let (pk, sk) = keys::tenant(&tenant.app_id);
        let kind = match tenant.kind {
            TenantKind::Customer => "customer",
            TenantKind::Provider => "provider",
        };
        Keyed::item(pk, sk, tenant)
            .indexed(keys::TENANTS.into(), format!("{kind}#{}", tenant.app_id))
    }

    /// Registers a new tenant; `ConditionFailed` if the App ID is already registered.
    /// Stores a new tenant (`ConditionFailed` if its App ID is taken), with the registration's
    /// audit entry when someone made it (the provider's own bootstrap has none).
    pub async fn create_tenant(
        &self,
        tenant: &Tenant,
        audit: Option<&crate::domain::audit::AuditEntry>,
    ) -> Result<(), StoreError> {
        let mut writes =
            vec![self.put_item(Self::keyed_tenant(tenant), Some("attribute_not_exists(pk)"))?];
        if let Some(audit) = audit {
            writes.push(self.audit_write(audit)?);
        }
        self.transact(writes).await
    }

    /// `SET`s (and `REMOVE`s, for fields now absent) of exactly these fields of the tenant, so a
    /// write never undoes a concurrent change of another field (the ticket counter, say).
    fn tenant_fields(tenant: &Tenant, fields: &[&'static str]) -> Result<FieldUpdate, StoreError> {
        let whole = serde_dynamo::to_item::<_, Item>(tenant)
            .map_err(|e| StoreError::Decode(e.to_string()))?;
        let mut out = FieldUpdate::default();
        let (mut sets, mut removes) = (Vec::new(), Vec::new());
        for (i, field) in fields.iter().enumerate() {
            out.names.insert(format!("#f{i}"), (*field).to_owned());
            match whole.get(*field) {
                Some(v) => {
                    out.values.insert(format!(":v{i}"), v.clone());
                    sets.push(format!("#f{i} = :v{i}"));
                }
                None => removes.push(format!("#f{i}")),
            }
        }
        if !sets.is_empty() {
            out.expression.push_str(&format!("SET {}", sets.join(", ")));
        }
        if !removes.is_empty() {
            out.expression
                .push_str(&format!(" REMOVE {}", removes.join(", ")));
        }
        out.expression = out.expression.trim().to_owned();
        Ok(out)
    }

    /// Sets the named fields of a registered tenant from `tenant`, and only those: a whole-item
    /// put would write back the `ticket_seq` and `last_assigned` it read, undoing tickets opened
    /// meanwhile (the next ticket would then collide with an existing number forever).
    pub async fn update_tenant(
        &self,
        tenant: &Tenant,
        fields: &[&'static str],
    ) -> Result<(), StoreError> {
        self.write_tenant_fields(tenant, fields, None).await
    }

    /// `update_tenant` with its audit entry, in one transaction.
    pub async fn update_tenant_audited(
        &self,
        tenant: &Tenant,
        fields: &[&'static str],
        audit: &crate::domain::audit::AuditEntry,
    ) -> Result<(), StoreError> {
        self.write_tenant_fields(tenant, fields, Some(audit)).await
    }

    /// The one write of a tenant's fields, with an audit entry when the change has one.
    /// `ConditionFailed`: the tenant is not registered.
    async fn write_tenant_fields(
        &self,
        tenant: &Tenant,
        fields: &[&'static str],
        audit: Option<&crate::domain::audit::AuditEntry>,
    ) -> Result<(), StoreError> {
        let f = Self::tenant_fields(tenant, fields)?;
        let (pk, sk) = keys::tenant(&tenant.app_id);
        let up = aws_sdk_dynamodb::types::Update::builder()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .condition_expression("attribute_exists(pk)")
            .update_expression(f.expression)
            .set_expression_attribute_names(Some(f.names))
            .set_expression_attribute_values(FieldUpdate::values_if_any(f.values));
        let mut writes = vec![TransactWriteItem::builder()
            .update(built(up.build())?)
            .build()];
        if let Some(audit) = audit {
            writes.push(self.audit_write(audit)?);
        }
        self.transact(writes).await
    }

    pub async fn tenant(&self, app_id: &AppId) -> Result<Option<Tenant>, StoreError> {
        let (pk, sk) = keys::tenant(app_id);
        self.get(pk, sk).await
    }

    pub async fn tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        self.query_index(keys::TENANTS.into()).await
    }

    /// Activation in one transaction: the service group, its first members and the tenant's new
    /// state all land, or none do. Fails with `ConditionFailed` if the tenant is already active.
    pub async fn activate_tenant(
        &self,
        tenant: &Tenant,
        group: &Group,
        members: &[Member],
        audit: &crate::domain::audit::AuditEntry,
    ) -> Result<(), StoreError> {
        let tenant_put = self
            .put_builder(&Self::keyed_tenant(tenant))?
            .condition_expression("attribute_exists(pk) AND #st <> :active")
            .expression_attribute_names("#st", "status")
            .expression_attribute_values(":active", s("active"));
        let mut writes = vec![Self::put_write(tenant_put)?];
        writes.push(self.put_item(Self::keyed_group(group), Some("attribute_not_exists(pk)"))?);
        for m in members {
            writes.push(self.put_item(Self::keyed_member(m), None)?);
        }
        writes.push(self.audit_write(audit)?);
        self.transact(writes).await
    }

    /// One conditional update whose failed condition means "already done": `Ok(false)` then.
    /// (In a transaction: it writes alongside others. A single write uses [`applied`].)
    pub(super) async fn update_unless_done(
        &self,
        update: aws_sdk_dynamodb::types::builders::UpdateBuilder,
    ) -> Result<bool, StoreError> {
        let update = update
            .build()
            .map_err(|e| StoreError::Decode(e.to_string()))?;
        match self
            .transact(vec![TransactWriteItem::builder().update(update).build()])
            .await
        {
            Ok(()) => Ok(true),
            Err(StoreError::ConditionFailed) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Runs writes as one transaction; a failed condition anywhere is `ConditionFailed`.
    pub(super) async fn transact(&self, writes: Vec<TransactWriteItem>) -> Result<(), StoreError> {
        self.db
            .transact_write_items()
            .set_transact_items(Some(writes))
            .send()
            .await
            .map_err(|e| {
                if e.as_service_error()
                    .is_some_and(|se| se.is_transaction_canceled_exception())
                {
                    StoreError::ConditionFailed
                } else {
                    dynamo_err(e)
                }
            })?;
        Ok(())
    }

    /// A put of one keyed item, for the caller to add a condition and its values.
    pub(super) fn put_builder<T: Serialize>(
        &self,
        keyed: &Keyed<'_, T>,
    ) -> Result<PutBuilder, StoreError> {
        Ok(Put::builder()
            .table_name(&self.table)
            .set_item(Some(encode(keyed)?)))
    }

    /// A finished put as one write of a transaction.
    pub(super) fn put_write(put: PutBuilder) -> Result<TransactWriteItem, StoreError> {
        let put = put.build().map_err(|e| StoreError::Decode(e.to_string()))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// A put with an optional condition that needs no values (`attribute_not_exists(pk)`).
    pub(super) fn put_item<T: Serialize>(
        &self,
        keyed: Keyed<'_, T>,
        condition: Option<&str>,
    ) -> Result<TransactWriteItem, StoreError> {
        let put = self.put_builder(&keyed)?;
        Self::put_write(match condition {
            Some(c) => put.condition_expression(c),
            None => put,
        })
    }

    // ----- staff and people ----------------------------------------------------------------------

    pub async fn save_staff(&self, provider_app: &AppId, staff: &Staff) -> Result<(), StoreError> {
        let keyed = Keyed::item(keys::app(provider_app), keys::staff(&staff.open_id), staff);
        self.put(keyed, false).await
    }

    pub async fn staff(
        &self,
        provider_app: &AppId,
        open_id: &OpenId,
    ) -> Result<Option<Staff>, StoreError> {
        self.get(keys::app(provider_app), keys::staff(open_id))
            .await
    }

    pub async fn all_staff(&self, provider_app: &AppId) -> Result<Vec<Staff>, StoreError> {
        self.query_prefix(keys::app(provider_app), keys::STAFF_PREFIX)
            .await
    }

    pub async fn save_person(&self, person: &Person) -> Result<(), StoreError> {
        let keyed = Keyed::item(
            keys::app(&person.app_id),
            keys::person(&person.open_id),
            person,
        );
        self.put(keyed, false).await
    }

    pub async fn person(
        &self,
        app_id: &AppId,
        open_id: &OpenId,
    ) -> Result<Option<Person>, StoreError> {
        self.get(keys::app(app_id), keys::person(open_id)).await
    }

    pub async fn people(&self, app_id: &AppId) -> Result<Vec<Person>, StoreError> {
        self.query_prefix(keys::app(app_id), keys::PERSON_PREFIX)
            .await
    }

    // ----- sign-in states ------------------------------------------------------------------------

    /// Burns a sign-in state: `ConditionFailed` if it was burnt before. A state is good for one
    /// callback, burnt before Lark is asked about its code.
    pub async fn burn_login(&self, used: &UsedLogin) -> Result<(), StoreError> {
        let keyed = Keyed::item(keys::login(&used.nonce), keys::LOGIN.into(), used)
            .expiring(used.expires_at);
        self.put(keyed, true).await
    }

    /// The sign-in's entry on the organisation's audit trail.
    pub async fn record_sign_in(
        &self,
        audit: &crate::domain::audit::AuditEntry,
    ) -> Result<(), StoreError> {
        self.transact(vec![self.audit_write(audit)?]).await
    }
}
