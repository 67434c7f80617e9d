//! Tenant tokens shared by every invocation (never logged).

use crate::ids::AppId;
use crate::store::dynamo::{built, s, Keyed};
use crate::store::{keys, Store, StoreError, StoredToken};
use aws_sdk_dynamodb::types::{Delete, TransactWriteItem};

impl Store {
    pub async fn save_token(&self, app_id: &AppId, token: &StoredToken) -> Result<(), StoreError> {
        let (pk, sk) = keys::token(app_id);
        let keyed = Keyed::item(pk, sk, token).expiring(token.expires_at);
        self.put(keyed, false).await
    }

    /// Removes a stored token Lark called invalid, unless another invocation replaced it already.
    pub async fn forget_token(
        &self,
        app_id: &AppId,
        token: &crate::config::SecretString,
    ) -> Result<(), StoreError> {
        let (pk, sk) = keys::token(app_id);
        let del = built(
            Delete::builder()
                .table_name(&self.table)
                .key("pk", s(pk))
                .key("sk", s(sk))
                .condition_expression("#t = :t")
                .expression_attribute_names("#t", "token")
                .expression_attribute_values(":t", s(token.expose()))
                .build(),
        )?;
        match self
            .transact(vec![TransactWriteItem::builder().delete(del).build()])
            .await
        {
            Err(StoreError::ConditionFailed) => Ok(()),
            other => other,
        }
    }
}
