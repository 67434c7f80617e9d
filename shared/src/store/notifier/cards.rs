//! CardKit card entities kept to update a ticket's status card in place.

use super::card_key;
use crate::store::dynamo::{dynamo_err, n, s, Keyed};
use crate::store::{CardRecord, PersonKey, Store, StoreError, CARD_LIFETIME};

impl Store {
    /// Remembers the card entity a person got for `key`, at its latest sequence. Conditioned on
    /// the sequence read, so two updates cannot both claim the same next number.
    pub async fn save_card(
        &self,
        key: &str,
        person: PersonKey<'_>,
        card: &CardRecord,
        previous: Option<i64>,
    ) -> Result<(), StoreError> {
        let (pk, sk) = card_key(key, person);
        let mut put =
            self.put_builder(&Keyed::item(pk, sk, card).expiring(card.created_at + CARD_LIFETIME))?;
        put = match previous {
            Some(seq) => put
                .condition_expression("#seq = :prev")
                .expression_attribute_names("#seq", "sequence")
                .expression_attribute_values(":prev", n(seq)),
            None => put,
        };
        self.transact(vec![Self::put_write(put)?]).await
    }

    pub async fn forget_card(&self, key: &str, person: PersonKey<'_>) -> Result<(), StoreError> {
        let (pk, sk) = card_key(key, person);
        self.db
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .send()
            .await
            .map_err(dynamo_err)?;
        Ok(())
    }
}
