//! Each person's DM window: what one read returns, taking it, giving it back, putting a
//! notification aside for the digest, and the digest index.

use super::Window;
use super::{card_key, key_item, update};
use crate::clock::Epoch;
use crate::domain::notification::Notification;
use crate::ids::{AppId, OpenId};
use crate::store::dynamo::{built, decode, dynamo_err, n, s};
use crate::store::{
    due_hour, keys, Claim, NotifState, PersonKey, Release, Snapshot, Store, StoreError,
    DIGEST_LINES,
};
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, TransactWriteItem};
use std::collections::HashMap;

impl Store {
    /// The notification's record, the person's window, the app's stored token, its calls this
    /// month and its tenant (plan), in one request.
    pub async fn notifier_snapshot(
        &self,
        notif_id: Option<&str>,
        person: PersonKey<'_>,
        month: &str,
        card: Option<&str>,
    ) -> Result<Snapshot, StoreError> {
        let (usage_pk, usage_sk) = keys::usage(person.app_id, month);
        let mut keys = vec![
            key_item(keys::dm(person.app_id, person.open_id), keys::WINDOW.into()),
            key_item(keys::token(person.app_id).0, keys::TOKEN.into()),
            key_item(usage_pk, usage_sk),
            key_item(keys::app(person.app_id), keys::TENANT.into()),
        ];
        // The person's language choice, so their card is in their language.
        let (prefs_pk, prefs_sk) = keys::prefs(person.app_id, person.open_id);
        keys.push(key_item(prefs_pk, prefs_sk));
        if let Some(id) = notif_id {
            let (pk, sk) = keys::notification(id);
            keys.push(key_item(pk, sk));
        }
        if let Some(key) = card {
            let (pk, sk) = card_key(key, person);
            keys.push(key_item(pk, sk));
        }
        // Where they have read in the web app: what they read there is not sent.
        let (reads_pk, reads_sk) = keys::reads(person.app_id, person.open_id);
        keys.push(key_item(reads_pk, reads_sk));
        let request = built(
            KeysAndAttributes::builder()
                .set_keys(Some(keys))
                .consistent_read(true)
                .build(),
        )?;
        let out = self
            .db
            .batch_get_item()
            .request_items(&self.table, request)
            .send()
            .await
            .map_err(dynamo_err)?;
        if out.unprocessed_keys.as_ref().is_some_and(|u| !u.is_empty()) {
            return Err(StoreError::Dynamo("batch read throttled; retry".into()));
        }
        let mut snap = Snapshot::default();
        for item in out
            .responses
            .and_then(|mut r| r.remove(&self.table))
            .unwrap_or_default()
        {
            let pk = match item.get("pk") {
                Some(AttributeValue::S(pk)) => pk.clone(),
                _ => continue,
            };
            if pk.starts_with(keys::DM_PREFIX) {
                snap.window = decode(item)?;
            } else if pk.starts_with(keys::TOKEN_PREFIX) {
                snap.token = Some(decode(item)?);
            } else if pk.starts_with(keys::USAGE_PREFIX) {
                snap.usage = decode(item)?;
            } else if pk.starts_with(keys::APP_PREFIX) {
                snap.tenant = Some(decode(item)?);
            } else if pk.starts_with(keys::PREFS_PREFIX) {
                snap.prefs = decode(item)?;
            } else if pk.starts_with(keys::READ_PREFIX) {
                snap.reads = decode(item)?;
            } else if pk.starts_with(keys::CARD_PREFIX) {
                snap.card = Some(decode(item)?);
            } else {
                snap.notif = Some(decode(item)?);
            }
        }
        Ok(snap)
    }

    /// Takes the person's window (unless bypassing it), records the claim and counts the call,
    /// atomically. `ConditionFailed`: someone else holds the window, or the notification was
    /// already handled.
    pub async fn claim_window(&self, c: &Claim<'_>) -> Result<(), StoreError> {
        let mut writes = Vec::new();
        if !c.bypass {
            let mut up = update(
                &self.table,
                (
                    keys::dm(c.person.app_id, c.person.open_id),
                    keys::WINDOW.into(),
                ),
            )
            .expression_attribute_values(":now", n(c.now))
            .expression_attribute_values(":until", n(c.until))
            .expression_attribute_values(":holder", s(c.holder));
            let free = "(attribute_not_exists(#until) OR #until <= :now)";
            up = up.expression_attribute_names("#until", "until");
            up = match c.digest {
                Some(seen) => up
                    .update_expression(
                        "SET #until = :until, holder = :holder, claimed_at = :now, sending = if_not_exists(pending, :empty), sending_more = if_not_exists(pending_more, :zero), sending_last = if_not_exists(pending_last, :null), claimed_by = :by REMOVE pending, pending_more, pending_last, digest_due, gsi1pk, gsi1sk",
                    )
                    .condition_expression(format!("{free} AND pending_seq = :seen"))
                    .expression_attribute_values(":seen", n(seen))
                    .expression_attribute_values(":empty", AttributeValue::L(vec![]))
                    .expression_attribute_values(":zero", n(0))
                    .expression_attribute_values(":null", AttributeValue::Null(true))
                    .expression_attribute_values(
                        ":by",
                        c.by.map_or(AttributeValue::Null(true), s),
                    ),
                None => up
                    .update_expression("SET #until = :until, holder = :holder, claimed_at = :now")
                    .condition_expression(format!("{free} AND attribute_not_exists(digest_due)")),
            };
            writes.push(
                TransactWriteItem::builder()
                    .update(built(up.build())?)
                    .build(),
            );
        }
        if let Some(id) = c.notif_id {
            writes.push(self.notif_put(id, NotifState::Claimed, c.now, true)?);
        }
        writes.push(self.count_call(c.person.app_id, c.month, c.calls, c.now)?);
        if let Some(org) = c.page_for {
            writes.push(self.count_page_calls(org, c.month, c.calls, c.now)?);
        }
        self.transact(writes).await
    }

    /// Gives a window back after a send that will be retried, and uncounts its calls (Lark does
    /// not count failed calls). Only the holder can release it.
    pub async fn release_window(&self, r: &Release<'_>) -> Result<(), StoreError> {
        let Release {
            person,
            holder,
            retry_notif: notif_id,
            digest_again,
            calls,
            month,
            now,
        } = *r;
        let mut up = update(
            &self.table,
            (keys::dm(person.app_id, person.open_id), keys::WINDOW.into()),
        )
        .condition_expression("holder = :holder")
        .expression_attribute_names("#until", "until")
        .expression_attribute_values(":zero", n(0))
        .expression_attribute_values(":none", s(""))
        .expression_attribute_values(":holder", s(holder));
        up = if digest_again {
            // What the digest carried waits again, ahead of anything put aside since.
            up.update_expression(
                "SET #until = :zero, holder = :none, digest_due = :now, gsi1pk = :bucket, gsi1sk = :dkey, pending = list_append(if_not_exists(sending, :empty), if_not_exists(pending, :empty)), pending_more = if_not_exists(pending_more, :zero) + if_not_exists(sending_more, :zero), pending_last = if_not_exists(pending_last, :null) REMOVE sending, sending_more, sending_last",
            )
            .expression_attribute_values(":empty", AttributeValue::L(vec![]))
            .expression_attribute_values(":null", AttributeValue::Null(true))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":bucket", s(keys::digest_bucket(due_hour(now))))
            .expression_attribute_values(":dkey", s(format!("{now:012}#{}#{}", person.app_id, person.open_id)))
        } else {
            up.update_expression("SET #until = :zero, holder = :none")
        };
        let mut writes = vec![TransactWriteItem::builder()
            .update(built(up.build())?)
            .build()];
        if let Some(id) = notif_id {
            writes.push(self.notif_put(id, NotifState::Released, now, false)?);
        }
        writes.push(self.count_call(person.app_id, month, -calls, now)?);
        match self.transact(writes).await {
            // The window moved on already (it expired and was taken): nothing to give back.
            Err(StoreError::ConditionFailed) => Ok(()),
            other => other,
        }
    }

    /// Puts a notification aside for the digest at the end of the person's current window (or
    /// for the digest already due). `ConditionFailed` if the window ended meanwhile (take it
    /// instead), someone else put one aside first, or the notification was already handled.
    ///
    /// `hold_until` keeps it until then whatever the window (the month's budget is spent);
    /// `ask_flush` records that the caller queues a flush for the due digest (see
    /// `Window::flush_asked_since_it_ended`).
    pub async fn put_aside(
        &self,
        person: PersonKey<'_>,
        notification: &Notification,
        window: &Window,
        hold_until: Option<Epoch>,
        ask_flush: bool,
        now: Epoch,
    ) -> Result<(), StoreError> {
        let seq = window.pending_seq + 1;
        let due = hold_until
            .unwrap_or_else(|| window.digest_due.unwrap_or(window.until).max(window.until));
        let pk = keys::dm(person.app_id, person.open_id);
        let item = serde_dynamo::to_attribute_value::<_, AttributeValue>(notification)
            .map_err(|e| StoreError::Decode(e.to_string()))?;
        // The first lines are kept whole for the card; the rest are counted, with the latest kept
        // for the card's link.
        let keep = if window.pending.len() < DIGEST_LINES {
            "pending = list_append(if_not_exists(pending, :empty), :item)"
        } else {
            "pending_more = if_not_exists(pending_more, :zero) + :one, pending_last = :last"
        };
        let asked = if ask_flush {
            ", flush_asked = :now"
        } else {
            ""
        };
        let mut bump = update(&self.table, (pk, keys::WINDOW.into()))
            .update_expression(format!(
                "SET pending_seq = :seq, {keep}, digest_due = if_not_exists(digest_due, :due), gsi1pk = if_not_exists(gsi1pk, :bucket), gsi1sk = if_not_exists(gsi1sk, :dkey){asked}"
            ))
            .condition_expression(
                "(#until > :now OR attribute_exists(digest_due) OR :hold = :yes) AND (pending_seq = :prev OR (attribute_not_exists(pending_seq) AND :prev = :zero))",
            )
            .expression_attribute_values(":hold", AttributeValue::Bool(hold_until.is_some()))
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .expression_attribute_names("#until", "until")
            .expression_attribute_values(":seq", n(seq))
            .expression_attribute_values(":prev", n(window.pending_seq))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":due", n(due))
            .expression_attribute_values(":bucket", s(keys::digest_bucket(due_hour(due))))
            .expression_attribute_values(
                ":dkey",
                s(format!("{due:012}#{}#{}", person.app_id, person.open_id)),
            );
        bump = if window.pending.len() < DIGEST_LINES {
            bump.expression_attribute_values(":empty", AttributeValue::L(vec![]))
                .expression_attribute_values(":item", AttributeValue::L(vec![item]))
        } else {
            bump.expression_attribute_values(":one", n(1))
                .expression_attribute_values(":last", item)
        };
        self.transact(vec![
            TransactWriteItem::builder()
                .update(built(bump.build())?)
                .build(),
            self.notif_put(&notification.id, NotifState::Pending, now, true)?,
        ])
        .await
    }

    /// Moves a person's waiting digest to `due` (the budget is spent until then).
    pub async fn postpone_digest(
        &self,
        person: PersonKey<'_>,
        due: Epoch,
    ) -> Result<(), StoreError> {
        let up = update(
            &self.table,
            (keys::dm(person.app_id, person.open_id), keys::WINDOW.into()),
        )
        .update_expression("SET digest_due = :due, gsi1pk = :bucket, gsi1sk = :dkey")
        .condition_expression("attribute_exists(digest_due)")
        .expression_attribute_values(":due", n(due))
        .expression_attribute_values(":bucket", s(keys::digest_bucket(due_hour(due))))
        .expression_attribute_values(
            ":dkey",
            s(format!("{due:012}#{}#{}", person.app_id, person.open_id)),
        );
        self.update_unless_done(up).await.map(|_| ())
    }

    /// Clears a digest that found nothing to send, or only what its reader had read already (only
    /// if nothing was added since it looked).
    pub async fn clear_digest(&self, person: PersonKey<'_>, seen: i64) -> Result<(), StoreError> {
        let up = update(
            &self.table,
            (keys::dm(person.app_id, person.open_id), keys::WINDOW.into()),
        )
        .update_expression("REMOVE digest_due, gsi1pk, gsi1sk, pending, pending_more, pending_last")
        .condition_expression(
            "pending_seq = :seen OR (attribute_not_exists(pending_seq) AND :seen = :zero)",
        )
        .expression_attribute_values(":seen", n(seen))
        .expression_attribute_values(":zero", n(0));
        let del = TransactWriteItem::builder()
            .update(built(up.build())?)
            .build();
        match self.transact(vec![del]).await {
            Err(StoreError::ConditionFailed) => Ok(()),
            other => other,
        }
    }

    /// People whose digest falls due in this hour, at or before `now`.
    pub async fn due_digests(
        &self,
        hour: i64,
        now: Epoch,
    ) -> Result<Vec<(AppId, OpenId)>, StoreError> {
        let items: Vec<HashMap<String, serde_json::Value>> =
            self.due_in_bucket(keys::digest_bucket(hour), now).await?;
        Ok(items
            .into_iter()
            .filter_map(|i| keys::dm_person(i.get("pk")?.as_str()?))
            .collect())
    }

    /// The earliest digest in this hour's bucket falling due after `after` (`None`: none). The
    /// month benchmark (`bench-month`) skips the minutes in which the every-minute sweep would
    /// find nothing, so a simulated month takes minutes rather than days.
    pub async fn next_digest_due(
        &self,
        hour: i64,
        after: Epoch,
    ) -> Result<Option<Epoch>, StoreError> {
        let page = self
            .db
            .query()
            .table_name(&self.table)
            .index_name("gsi1")
            .key_condition_expression("gsi1pk = :b AND gsi1sk > :after")
            .expression_attribute_values(":b", s(keys::digest_bucket(hour)))
            .expression_attribute_values(":after", s(format!("{after:012}~")))
            .limit(1)
            .send()
            .await
            .map_err(dynamo_err)?;
        Ok(page
            .items
            .unwrap_or_default()
            .first()
            .and_then(|i| match i.get("gsi1sk") {
                Some(AttributeValue::S(k)) => k.get(..12)?.parse().ok(),
                _ => None,
            }))
    }

    /// Undoes a window-less claim after a failed call: the notification may be taken again and
    /// the call is not counted (Lark does not count failures).
    pub async fn release_claim(
        &self,
        notif_id: &str,
        app_id: &AppId,
        month: &str,
        now: Epoch,
    ) -> Result<(), StoreError> {
        self.transact(vec![
            self.notif_put(notif_id, NotifState::Released, now, false)?,
            self.count_call(app_id, month, -1, now)?,
        ])
        .await
    }
}
