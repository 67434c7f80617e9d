//! Everything a handler needs, built once per cold start and borrowed by every invocation.

use std::sync::Arc;

use aws_config::{BehaviorVersion, Region};

use crate::clock::{Clock, SystemClock};
use crate::config::{ConfigError, Settings};
use crate::lark::LarkClient;
use crate::secrets::SecretBox;
use crate::session::Signer;
use crate::store::Store;

pub struct AppContext {
    pub settings: Settings,
    pub store: Store,
    pub lark: LarkClient,
    pub secrets: SecretBox,
    pub sqs: aws_sdk_sqs::Client,
    pub signer: Signer,
    pub clock: Arc<dyn Clock>,
}

impl AppContext {
    pub async fn from_env() -> Result<Self, ConfigError> {
        Ok(Self::build(Settings::from_env()?, Arc::new(SystemClock)).await)
    }

    pub async fn build(settings: Settings, clock: Arc<dyn Clock>) -> Self {
        let aws = aws_sdk_config(&settings).await;
        let lark = LarkClient::new(
            &settings.lark_base_url,
            &settings.lark_accounts_url,
            clock.clone(),
        );
        Self {
            store: Store::new(
                aws_sdk_dynamodb::Client::new(&aws),
                settings.table_name.clone(),
            ),
            secrets: SecretBox::new(aws_sdk_kms::Client::new(&aws), settings.kms_key_id.clone()),
            sqs: aws_sdk_sqs::Client::new(&aws),
            signer: Signer::new(settings.signing_key.expose().as_bytes()),
            lark,
            clock,
            settings,
        }
    }

    pub fn now(&self) -> crate::clock::Epoch {
        self.clock.now()
    }
}

/// AWS configuration; against a local endpoint (moto) it uses fixed test credentials so nothing
/// on the developer's machine is ever picked up or sent.
pub async fn aws_sdk_config(settings: &Settings) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(settings.aws_region.clone()));
    if let Some(endpoint) = &settings.aws_endpoint_url {
        loader = loader.endpoint_url(endpoint).credentials_provider(
            aws_sdk_dynamodb::config::Credentials::new("testing", "testing", None, None, "local"),
        );
    }
    loader.load().await
}
