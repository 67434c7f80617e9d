//! Lark's rate limits, held across every notifier instance: one counter item per app and minute
//! (`keys::pace`) counting the minute's calls, each second's, and each person's in each second.
//! One conditional `UpdateItem` takes room for a send in all three at once, atomically, so any
//! number of instances sending for one app together stay within Lark's limits; nothing is
//! reserved ahead and nothing is given back (a slot taken for a send that then fails is a
//! second's room lost, which only errs on the safe side).

use crate::clock::Epoch;
use crate::domain::budget::Pace;
use crate::store::dynamo::{applied, write_err};
use crate::store::dynamo::{n, s};
use crate::store::{keys, PersonKey, Store, StoreError};

/// Counter items are read only within their minute; DynamoDB may clear them after a day.
const PACE_TTL: Epoch = 24 * 3600;

impl Store {
    /// Takes room for `calls` Lark calls to `person` at `now`: `false` when the app's minute or
    /// second, or the person's second, has no room left (try again in a second).
    pub async fn take_send_slot(
        &self,
        person: PersonKey<'_>,
        calls: i64,
        limits: Pace,
        now: Epoch,
    ) -> Result<bool, StoreError> {
        let second = now.rem_euclid(60);
        let (pk, sk) = keys::pace(person.app_id, now);
        let result = self
            .db
            .update_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .update_expression("ADD #m :c, #s :c, #p :c SET #ttl = :ttl")
            .condition_expression(
                "(attribute_not_exists(#m) OR #m <= :m) AND (attribute_not_exists(#s) OR #s <= :s) AND (attribute_not_exists(#p) OR #p <= :p)",
            )
            .expression_attribute_names("#m", "calls")
            .expression_attribute_names("#s", format!("s{second:02}"))
            .expression_attribute_names("#p", format!("p{second:02}_{}", person.open_id))
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":c", n(calls))
            .expression_attribute_values(":m", n(limits.per_minute - calls))
            .expression_attribute_values(":s", n(limits.per_second - calls))
            .expression_attribute_values(":p", n(limits.per_person_second - calls))
            .expression_attribute_values(":ttl", n(now + PACE_TTL))
            .send()
            .await
            .map_err(write_err);
        applied(result)
    }
}
