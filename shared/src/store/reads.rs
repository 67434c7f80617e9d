//! Read positions (`domain::model::ReadPositions`): how far each person has read each group in
//! the web app, one item per person (`READ#{app}#{open_id}`) holding a map by group. Written when
//! the page says so; read by the notifier inside the one `BatchGetItem` it makes per person, for
//! single notifications and digests alike, so reading in the web app costs the notifier nothing.
//!
//! One item per person rather than per group is what keeps it inside that read. It grows by
//! about 70 bytes a group; someone in 5,000 groups would still be far below DynamoDB's 400 KB.

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

use super::dynamo::{n, s, write_err, Keyed};
use super::keys;
use super::{Store, StoreError};
use crate::clock::Epoch;
use crate::domain::model::{ReadPosition, ReadPositions};
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
        let (pk, sk) = keys::reads(app_id, open_id);
        let position = ReadPosition { seq, at: now };
        let value = serde_dynamo::to_attribute_value::<_, AttributeValue>(position)
            .map_err(|e| StoreError::Decode(e.to_string()))?;
        let seq_i = i64::try_from(seq).unwrap_or(i64::MAX);
        // Two first reports at once, or an entry appearing between the steps, go round again.
        for _ in 0..3 {
            // Forward (or first) in this group of a person who has read somewhere before. A
            // plain conditional update: one request, and a refusal here is the usual case of an
            // older tab, not a race worth a transaction.
            let forward = self
                .db
                .update_item()
                .table_name(&self.table)
                .key("pk", s(pk.clone()))
                .key("sk", s(sk.clone()))
                .update_expression("SET groups.#g = :pos")
                .condition_expression(
                    "attribute_exists(groups) AND (attribute_not_exists(groups.#g) OR groups.#g.seq <= :seq)",
                )
                .expression_attribute_names("#g", group.as_str())
                .expression_attribute_values(":pos", value.clone())
                .expression_attribute_values(":seq", n(seq_i))
                .send()
                .await;
            match forward.map_err(write_err) {
                Ok(_) => return Ok(position),
                Err(StoreError::ConditionFailed) => {}
                Err(e) => return Err(e),
            }
            // Their first report anywhere.
            let first = ReadPositions {
                groups: [(group.to_string(), position)].into(),
            };
            match self
                .put(Keyed::item(pk.clone(), sk.clone(), &first), true)
                .await
            {
                Ok(()) => return Ok(position),
                Err(StoreError::ConditionFailed) => {}
                Err(e) => return Err(e),
            }
            // Further already: only the time moves.
            let touched = self
                .db
                .update_item()
                .table_name(&self.table)
                .key("pk", s(pk.clone()))
                .key("sk", s(sk.clone()))
                .update_expression("SET groups.#g.#at = :now")
                .condition_expression("attribute_exists(groups.#g)")
                .expression_attribute_names("#g", group.as_str())
                .expression_attribute_names("#at", "at")
                .expression_attribute_values(":now", n(now))
                .return_values(ReturnValue::AllNew)
                .send()
                .await;
            match touched.map_err(write_err) {
                Ok(out) => {
                    let stored: ReadPositions = match out.attributes {
                        Some(item) => super::dynamo::decode(item)?,
                        None => ReadPositions::default(),
                    };
                    return Ok(stored.of(group).copied().unwrap_or(position));
                }
                Err(StoreError::ConditionFailed) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::ConditionFailed)
    }

    /// Everywhere the person has read.
    pub async fn read_positions(
        &self,
        app_id: &AppId,
        open_id: &OpenId,
    ) -> Result<ReadPositions, StoreError> {
        let (pk, sk) = keys::reads(app_id, open_id);
        Ok(self.get(pk, sk).await?.unwrap_or_default())
    }
}
