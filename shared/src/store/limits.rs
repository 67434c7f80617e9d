//! The shared counters of the open routes' fair shares (`domain::limits`): one item per key and
//! minute, which only instances past their free share ever write.

use aws_sdk_dynamodb::types::ReturnValue;

use super::dynamo::{applied, counted, n, s, write_err};
use super::keys;
use super::{Store, StoreError};
use crate::clock::Epoch;

/// A counter is read only within its minute; DynamoDB may clear it after a day.
const LIMIT_TTL: Epoch = 24 * 3600;

impl Store {
    /// Adds `add` requests to `limit`'s counter for `key` in the minute starting at `minute`,
    /// and returns the minute's total so far (every instance's).
    pub async fn count_requests(
        &self,
        limit: &str,
        key: &str,
        minute: Epoch,
        add: i64,
    ) -> Result<i64, StoreError> {
        let (pk, sk) = keys::limit(limit, key, minute);
        let out = self
            .db
            .update_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .update_expression("ADD requests :add SET #ttl = :ttl")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":add", n(add))
            .expression_attribute_values(":ttl", n(minute + LIMIT_TTL))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(write_err)?;
        counted(out.attributes.as_ref(), "requests")
    }

    /// Takes one from `quota`'s counter for `key` in the window starting at `start`, unless the
    /// window already holds `max`: `false` then, and nothing written.
    pub async fn take_quota(
        &self,
        quota: &str,
        key: &str,
        start: Epoch,
        max: i64,
        ttl: Epoch,
    ) -> Result<bool, StoreError> {
        let (pk, sk) = keys::limit(quota, key, start);
        let taken = self
            .db
            .update_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .update_expression("ADD requests :one SET #ttl = :ttl")
            .condition_expression("attribute_not_exists(requests) OR requests < :max")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":max", n(max))
            .expression_attribute_values(":ttl", n(ttl))
            .send()
            .await;
        applied(taken.map_err(write_err))
    }

    /// Gives back what [`Store::take_quota`] took, for a request that then failed.
    pub async fn give_back_quota(
        &self,
        quota: &str,
        key: &str,
        start: Epoch,
    ) -> Result<(), StoreError> {
        let (pk, sk) = keys::limit(quota, key, start);
        let given = self
            .db
            .update_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .update_expression("ADD requests :minus")
            .condition_expression("requests > :zero")
            .expression_attribute_values(":minus", n(-1))
            .expression_attribute_values(":zero", n(0))
            .send()
            .await;
        // Nothing to give back (the window's counter is gone): nothing to do.
        applied(given.map_err(write_err)).map(|_| ())
    }
}
