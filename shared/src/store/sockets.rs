//! Chat sockets (`domain::socket`): which connections follow which group. One item per
//! connection in its group's partition (`SOCKETS#{group}`), so a push finds a group's followers
//! in one query; indexed by connection (gsi1) because `$disconnect` names only the connection.
//! Items expire with DynamoDB's TTL shortly after API Gateway's 2-hour limit; reads check
//! `Subscription::live` themselves.

use std::collections::{HashMap, HashSet};

use aws_sdk_dynamodb::types::AttributeValue;

use super::dynamo::{decode, dynamo_err, s, Keyed};
use super::keys;
use super::{Member, Store, StoreError};
use crate::clock::Epoch;
use crate::domain::sessions::SessionFence;
use crate::domain::socket::{Subscription, MAX_CONNECTION_SECONDS, MAX_FOLLOWERS};
use crate::ids::{AppId, ConnectionId, GroupId, OpenId};

/// Kept a little past the connection's end, for DynamoDB's TTL to clear what `$disconnect`
/// missed (API Gateway does not promise a `$disconnect` for every connection).
const TTL_MARGIN: Epoch = 600;

impl Store {
    /// One write.
    pub async fn subscribe(&self, sub: &Subscription) -> Result<(), StoreError> {
        let (gsi1pk, gsi1sk) = keys::socket(&sub.connection_id);
        self.put(
            Keyed::item(
                keys::sockets(&sub.group_id),
                sub.connection_id.to_string(),
                sub,
            )
            .indexed(gsi1pk, gsi1sk)
            .expiring(sub.connected_at + MAX_CONNECTION_SECONDS + TTL_MARGIN),
            false,
        )
        .await
    }

    /// The connection's subscription, if it has one (one query of gsi1).
    pub async fn subscription(
        &self,
        connection: &ConnectionId,
    ) -> Result<Option<Subscription>, StoreError> {
        let (pk, _) = keys::socket(connection);
        Ok(self
            .query_index::<Subscription>(pk)
            .await?
            .into_iter()
            .next())
    }

    /// One write; deleting what is already gone is fine.
    pub async fn unsubscribe(&self, sub: &Subscription) -> Result<(), StoreError> {
        self.db
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(keys::sockets(&sub.group_id)))
            .key("sk", s(sub.connection_id.to_string()))
            .send()
            .await
            .map_err(dynamo_err)?;
        Ok(())
    }

    /// The connections following a group that can still be open (one query of at most
    /// `MAX_FOLLOWERS`).
    pub async fn subscribers(
        &self,
        group: &GroupId,
        now: Epoch,
    ) -> Result<Vec<Subscription>, StoreError> {
        let query = self
            .db
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(keys::sockets(group)));
        let (all, more): (Vec<Subscription>, bool) = self.query_page(query, MAX_FOLLOWERS).await?;
        if more {
            tracing::warn!(group = %group, "more followers than one push reads; the rest wait for their next poll");
        }
        Ok(all.into_iter().filter(|s| s.live(now)).collect())
    }

    /// Which of `people` are members of the group now, and their session fences (one batch
    /// read per 50 people): who may still be pushed to.
    pub async fn members_and_fences(
        &self,
        group: &GroupId,
        people: &[(AppId, OpenId)],
    ) -> Result<
        (
            HashSet<(AppId, OpenId)>,
            HashMap<(AppId, OpenId), SessionFence>,
        ),
        StoreError,
    > {
        let mut keys = Vec::new();
        for (app, open) in people {
            keys.push((keys::group(group), keys::member(app, open)));
            keys.push(keys::session_fence(app, open));
        }
        let fence_pks: HashMap<String, (AppId, OpenId)> = people
            .iter()
            .map(|p| (keys::session_fence(&p.0, &p.1).0, p.clone()))
            .collect();
        let (mut members, mut fences) = (HashSet::new(), HashMap::new());
        for item in self.batch_items(keys).await? {
            let pk = match item.get("pk") {
                Some(AttributeValue::S(pk)) => pk.clone(),
                _ => continue,
            };
            match fence_pks.get(&pk) {
                Some(person) => {
                    fences.insert(person.clone(), decode::<SessionFence>(item)?);
                }
                None => {
                    let m = decode::<Member>(item)?;
                    members.insert((m.app_id, m.open_id));
                }
            }
        }
        Ok((members, fences))
    }
}
