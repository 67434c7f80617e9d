//! Everything a handler needs, built once per cold start and borrowed by every invocation.

use std::sync::Arc;

use aws_config::{BehaviorVersion, Region};
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;

use crate::clock::{Clock, SystemClock};
use crate::config::{ConfigError, Settings};
use crate::error::{AppError, AppResult};
use crate::keys::Keys;
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
    /// The deployment secrets this function was given (signing keys, on-call webhook).
    pub keys: Keys,
    pub clock: Arc<dyn Clock>,
}

impl AppContext {
    pub async fn from_env() -> Result<Self, ConfigError> {
        Self::build(Settings::from_env()?, Arc::new(SystemClock), None).await
    }

    /// Builds the clients and reads the function's secrets. `interceptor` sees every AWS call
    /// (the local stack checks each against the function's role in `template.yaml`).
    pub async fn build(
        settings: Settings,
        clock: Arc<dyn Clock>,
        interceptor: Option<SharedInterceptor>,
    ) -> Result<Self, ConfigError> {
        let aws = aws_sdk_config(&settings).await;
        macro_rules! client {
            ($sdk:ident) => {{
                let mut config = $sdk::config::Builder::from(&aws);
                if let Some(i) = &interceptor {
                    config.push_interceptor(i.clone());
                }
                $sdk::Client::from_conf(config.build())
            }};
        }
        let keys = Keys::load(&settings, &client!(aws_sdk_secretsmanager)).await?;
        let lark = LarkClient::new(
            &settings.lark_base_url,
            &settings.lark_accounts_url,
            clock.clone(),
        );
        Ok(Self {
            store: Store::new(client!(aws_sdk_dynamodb), settings.table_name.clone()),
            secrets: SecretBox::new(client!(aws_sdk_kms), settings.kms_key_id.clone()),
            sqs: client!(aws_sdk_sqs),
            keys,
            lark,
            clock,
            settings,
        })
    }

    pub fn now(&self) -> crate::clock::Epoch {
        self.clock.now()
    }

    /// The signing keys; only functions given `SIGNING_KEY_SECRET_ARN` have them (a test keeps
    /// every HTTP function so configured in `template.yaml`).
    pub fn signer(&self) -> AppResult<&Signer> {
        self.keys.signer.as_ref().ok_or_else(|| {
            AppError::Internal("this function has no signing key (SIGNING_KEY_SECRET_ARN)".into())
        })
    }
}

/// AWS configuration; against a local endpoint (moto) it uses fixed test credentials so nothing
/// on the developer's machine is ever picked up or sent.
pub async fn aws_sdk_config(settings: &Settings) -> aws_config::SdkConfig {
    // One TLS stack for the whole binary: rustls on ring, as reqwest uses for Lark.
    let https = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(https)
        .region(Region::new(settings.aws_region.clone()));
    if let Some(endpoint) = &settings.aws_endpoint_url {
        loader = loader.endpoint_url(endpoint).credentials_provider(
            aws_sdk_dynamodb::config::Credentials::new("testing", "testing", None, None, "local"),
        );
    }
    loader.load().await
}
