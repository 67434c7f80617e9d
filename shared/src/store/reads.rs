//! Read positions (`domain::model::ReadPosition`): how far each person has read each group in
//! the web app. Written when the page says so; read by the notifier before it sends a mention or
//! a reply (inside its one `BatchGetItem`) and before a digest (one query of the person's groups).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};

use super::dynamo::{built, n, s};
use super::keys;
use super::{Store, StoreError};
use crate::clock::Epoch;
use crate::domain::model::ReadPosition;
use crate::ids::{AppId, GroupId, OpenId};

impl Store {
    /// Records that the person has read `group` up to `seq` now. The position never goes back
    /// (an older tab reporting late leaves it where it is), but the time always moves on: the
    /// page's report says they are reading. Returns the position as stored.
    pub async fn mark_read(
        &self,
        app_id: &AppId,
        open_id: &OpenId,
        group: &GroupId,
        seq: u64,
        now: Epoch,
    ) -> Result<ReadPosition, StoreError> {
        let (pk, sk) = keys::read(app_id, open_id, group);
        let seq_i = i64::try_from(seq).unwrap_or(i64::MAX);
        let forward = Update::builder()
            .table_name(&self.table)
            .key("pk", s(pk.clone()))
            .key("sk", s(sk.clone()))
            .update_expression("SET seq = :seq, #at = :now")
            .condition_expression("attribute_not_exists(seq) OR seq <= :seq")
            .expression_attribute_names("#at", "at")
            .expression_attribute_values(":seq", n(seq_i))
            .expression_attribute_values(":now", n(now));
        match self
            .transact(vec![TransactWriteItem::builder()
                .update(built(forward.build())?)
                .build()])
            .await
        {
            Ok(()) => return Ok(ReadPosition { seq, at: now }),
            Err(StoreError::ConditionFailed) => {}
            Err(e) => return Err(e),
        }
        // Further already: only the time moves.
        let out = self
            .db
            .update_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .update_expression("SET #at = :now")
            .expression_attribute_names("#at", "at")
            .expression_attribute_values(":now", n(now))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await
            .map_err(super::dynamo::dynamo_err)?;
        let stored = match out.attributes.as_ref().and_then(|a| a.get("seq")) {
            Some(AttributeValue::N(v)) => v.parse().unwrap_or(seq),
            _ => seq,
        };
        Ok(ReadPosition {
            seq: stored,
            at: now,
        })
    }

    /// Everywhere the person has read, by group (one query).
    pub async fn read_positions(
        &self,
        app_id: &AppId,
        open_id: &OpenId,
    ) -> Result<HashMap<String, ReadPosition>, StoreError> {
        #[derive(serde::Deserialize)]
        struct Item {
            sk: String,
            #[serde(flatten)]
            position: ReadPosition,
        }
        let items: Vec<Item> = self
            .query_prefix(keys::reads_of(app_id, open_id), "")
            .await?;
        Ok(items.into_iter().map(|i| (i.sk, i.position)).collect())
    }
}
