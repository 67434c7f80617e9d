//! Report counters (`domain::report`): added to inside the transaction of the change they count,
//! read per organisation and month in one query, per engineer and month in one index query.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use serde::Deserialize;

use super::dynamo::{built, n, s};
use super::keys;
use super::{Store, StoreError};
use crate::clock::Epoch;
use crate::domain::report::{Event, Tally, REPORT_KEPT};
use crate::ids::{AppId, OpenId};

/// One counted change: of which organisation, for which engineer (the one it is credited to,
/// if any), when, and what.
#[derive(Debug, Clone)]
pub struct Count<'a> {
    pub org: &'a AppId,
    pub staff: Option<(&'a OpenId, &'a str)>,
    pub at: Epoch,
    pub event: Event,
}

/// An engineer's counters for a month, with who they are.
#[derive(Debug, Clone)]
pub struct StaffTally {
    pub open_id: OpenId,
    pub name: String,
    pub org: AppId,
    pub tally: Tally,
}

#[derive(Deserialize)]
struct ReportItem {
    #[serde(default)]
    open_id: Option<OpenId>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    org: Option<AppId>,
    #[serde(flatten)]
    rest: HashMap<String, serde_json::Value>,
}

impl ReportItem {
    fn tally(&self) -> Tally {
        Tally(
            self.rest
                .iter()
                .filter(|(k, _)| k.as_str() != "ttl")
                .filter_map(|(k, v)| v.as_i64().map(|v| (k.clone(), v)))
                .collect::<BTreeMap<_, _>>(),
        )
    }
}

impl Store {
    /// The updates that add `counts` to their organisation's months and, when credited to an
    /// engineer, to theirs. Counts landing on the same item are added up first: a transaction
    /// may touch an item once (a move can be a first response and a resolution at once).
    pub(super) fn counts_writes(
        &self,
        counts: &[Count<'_>],
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        // (org, month, engineer) → (engineer's name, counter → sum, latest time for the TTL).
        type Target<'a> = (&'a AppId, String, Option<&'a OpenId>);
        let mut targets: BTreeMap<Target<'_>, (&str, BTreeMap<String, i64>, Epoch)> =
            BTreeMap::new();
        for c in counts {
            let month = crate::domain::budget::month_of(c.at);
            let mut wanted = vec![((c.org, month.clone(), None), "")];
            if let Some((open_id, name)) = c.staff {
                wanted.push(((c.org, month, Some(open_id)), name));
            }
            for (target, name) in wanted {
                let entry = targets
                    .entry(target)
                    .or_insert_with(|| (name, BTreeMap::new(), c.at));
                entry.2 = entry.2.max(c.at);
                for (counter, delta) in c.event.increments(c.at) {
                    *entry.1.entry(counter).or_default() += delta;
                }
            }
        }
        let mut writes = Vec::new();
        for ((org, month, staff), (name, increments, at)) in targets {
            let (pk, sk) = match staff {
                Some(open_id) => keys::report_staff(org, &month, open_id),
                None => keys::report(org, &month),
            };
            let mut up = Update::builder()
                .table_name(&self.table)
                .key("pk", s(pk))
                .key("sk", s(sk))
                .expression_attribute_names("#ttl", "ttl")
                .expression_attribute_values(":ttl", n(at + REPORT_KEPT));
            let mut adds = Vec::new();
            for (i, (counter, delta)) in increments.iter().enumerate() {
                up = up
                    .expression_attribute_names(format!("#c{i}"), counter)
                    .expression_attribute_values(format!(":c{i}"), n(*delta));
                adds.push(format!("#c{i} :c{i}"));
            }
            let adds = adds.join(", ");
            up = match staff {
                None => up.update_expression(format!("SET #ttl = :ttl ADD {adds}")),
                // Who it is, and the engineer's index entry (their months across organisations).
                Some(open_id) => up
                    .update_expression(format!(
                        "SET #ttl = :ttl, open_id = :open, #name = :name, org = :org, gsi1pk = :g1, gsi1sk = :g2 ADD {adds}"
                    ))
                    .expression_attribute_names("#name", "name")
                    .expression_attribute_values(":open", s(open_id.to_string()))
                    .expression_attribute_values(":name", s(name))
                    .expression_attribute_values(":org", s(org.to_string()))
                    .expression_attribute_values(":g1", s(keys::report_of_staff(open_id)))
                    .expression_attribute_values(":g2", s(format!("{month}#{org}"))),
            };
            writes.push(
                TransactWriteItem::builder()
                    .update(built(up.build())?)
                    .build(),
            );
        }
        Ok(writes)
    }

    /// An organisation's month: its own counters and each engineer's (one query).
    pub async fn org_month(
        &self,
        org: &AppId,
        month: &str,
    ) -> Result<(Tally, Vec<StaffTally>), StoreError> {
        let (pk, _) = keys::report(org, month);
        let items: Vec<ReportItem> = self.query_prefix(pk, &format!("{month}#")).await?;
        let mut own = Tally::default();
        let mut staff = Vec::new();
        for item in items {
            match (&item.open_id, &item.org) {
                (Some(open_id), Some(org)) => staff.push(StaffTally {
                    open_id: open_id.clone(),
                    name: item.name.clone().unwrap_or_default(),
                    org: org.clone(),
                    tally: item.tally(),
                }),
                _ => own = item.tally(),
            }
        }
        Ok((own, staff))
    }

    /// An engineer's month in every organisation (one index query).
    pub async fn staff_month(
        &self,
        open_id: &OpenId,
        month: &str,
    ) -> Result<Vec<StaffTally>, StoreError> {
        let query = self
            .db
            .query()
            .table_name(&self.table)
            .index_name("gsi1")
            .key_condition_expression("gsi1pk = :pk AND begins_with(gsi1sk, :m)")
            .expression_attribute_values(":pk", s(keys::report_of_staff(open_id)))
            .expression_attribute_values(":m", s(format!("{month}#")));
        let items: Vec<ReportItem> = self.query_all(query).await?;
        Ok(items
            .into_iter()
            .filter_map(|item| {
                Some(StaffTally {
                    tally: item.tally(),
                    open_id: item.open_id?,
                    name: item.name.unwrap_or_default(),
                    org: item.org?,
                })
            })
            .collect())
    }
}
