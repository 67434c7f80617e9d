//! Session fences (`domain::sessions`), read alongside what a request reads anyway.

use aws_sdk_dynamodb::types::AttributeValue;

use super::dynamo::{decode, encode, n, write_err, Keyed};
use super::keys;
use super::{Store, StoreError};
use crate::clock::Epoch;
use crate::domain::model::{Prefs, Staff};
use crate::domain::sessions::SessionFence;
use crate::ids::{AppId, OpenId};

impl Store {
    /// What a person chose for themselves through this app; nothing chosen is the default.
    pub async fn prefs(&self, app_id: &AppId, open_id: &OpenId) -> Result<Prefs, StoreError> {
        let (pk, sk) = keys::prefs(app_id, open_id);
        Ok(self.get(pk, sk).await?.unwrap_or_default())
    }

    pub async fn save_prefs(
        &self,
        app_id: &AppId,
        open_id: &OpenId,
        prefs: &Prefs,
    ) -> Result<(), StoreError> {
        let (pk, sk) = keys::prefs(app_id, open_id);
        self.db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(encode(&Keyed::item(pk, sk, prefs))?))
            .send()
            .await
            .map_err(write_err)?;
        Ok(())
    }

    /// A person's fence; a person who never signed out has the default one.
    pub async fn session_fence(
        &self,
        app_id: &AppId,
        open_id: &OpenId,
    ) -> Result<SessionFence, StoreError> {
        let (pk, sk) = keys::session_fence(app_id, open_id);
        Ok(self.get(pk, sk).await?.unwrap_or_default())
    }

    /// Saves a changed fence unless another change landed since it was read at version `seen`
    /// (`ConditionFailed`: read and decide again). `keep_until` lets DynamoDB delete it later.
    /// With `audit`, the entry is written in the same transaction.
    pub async fn save_session_fence(
        &self,
        app_id: &AppId,
        open_id: &OpenId,
        fence: &SessionFence,
        seen: u64,
        keep_until: Option<Epoch>,
        audit: Option<&crate::domain::audit::AuditEntry>,
    ) -> Result<(), StoreError> {
        let (pk, sk) = keys::session_fence(app_id, open_id);
        let mut keyed = Keyed::item(pk, sk, fence);
        keyed.ttl = keep_until;
        let condition = "attribute_not_exists(pk) OR version = :seen";
        let Some(audit) = audit else {
            self.db
                .put_item()
                .table_name(&self.table)
                .set_item(Some(encode(&keyed)?))
                .condition_expression(condition)
                .expression_attribute_values(":seen", n(seen))
                .send()
                .await
                .map_err(write_err)?;
            return Ok(());
        };
        let put = self
            .put_builder(&keyed)?
            .condition_expression(condition)
            .expression_attribute_values(":seen", n(seen));
        self.transact(vec![Self::put_write(put)?, self.audit_write(audit)?])
            .await
    }

    /// Records a callback's event id; `ConditionFailed` if it was delivered before (Lark may
    /// deliver twice, and a replay inside the window must act once).
    pub async fn first_delivery(
        &self,
        app_id: &AppId,
        event_id: &str,
        now: Epoch,
        keep_until: Epoch,
    ) -> Result<(), StoreError> {
        #[derive(serde::Serialize)]
        struct Seen {
            at: Epoch,
        }
        let (pk, sk) = keys::callback_event(app_id, event_id);
        let seen = Seen { at: now };
        self.put(Keyed::item(pk, sk, &seen).expiring(keep_until), true)
            .await
    }

    /// A staff member and their fence, in one request: what every staff request reads first.
    pub async fn staff_and_fence(
        &self,
        provider_app: &AppId,
        open_id: &OpenId,
    ) -> Result<(Option<Staff>, SessionFence), StoreError> {
        let fence_key = keys::session_fence(provider_app, open_id);
        let keys = vec![
            (keys::app(provider_app), keys::staff(open_id)),
            fence_key.clone(),
        ];
        let (mut staff, mut fence) = (None, SessionFence::default());
        for item in self.batch_items(keys).await? {
            match item.get("sk") {
                Some(AttributeValue::S(sk)) if *sk == fence_key.1 => fence = decode(item)?,
                _ => staff = Some(decode(item)?),
            }
        }
        Ok((staff, fence))
    }

    /// Someone of an app (a colleague's `PERSON#` item, or a staff member's `STAFF#` in the
    /// provider app) and what they chose, in one request: what a card callback reads to know
    /// who pressed and in which language to answer, on Lark's 3-second clock.
    pub async fn someone_and_prefs<T: serde::de::DeserializeOwned>(
        &self,
        app_id: &AppId,
        open_id: &OpenId,
        staff: bool,
    ) -> Result<(Option<T>, Prefs), StoreError> {
        let prefs_key = keys::prefs(app_id, open_id);
        let who = if staff {
            keys::staff(open_id)
        } else {
            keys::person(open_id)
        };
        let keys = vec![(keys::app(app_id), who), prefs_key.clone()];
        let (mut found, mut prefs) = (None, Prefs::default());
        for item in self.batch_items(keys).await? {
            match item.get("sk") {
                Some(AttributeValue::S(sk)) if *sk == prefs_key.1 => prefs = decode(item)?,
                _ => found = Some(decode(item)?),
            }
        }
        Ok((found, prefs))
    }
}
