//! Everything a handler needs, built once per cold start and borrowed by every invocation.

use std::sync::Arc;

use aws_config::{BehaviorVersion, Region};
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;

use crate::clock::{Clock, SystemClock};
use crate::config::{ConfigError, Settings};
use crate::domain::limits::Windows;
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
    /// The WebSocket API's Management API, on the functions that have `SOCKET_ENDPOINT`.
    pub sockets: Option<crate::connections::Connections>,
    /// The deployment secrets this function was given (signing keys, on-call webhook).
    pub keys: Keys,
    pub clock: Arc<dyn Clock>,
    /// This instance's counts of the open routes' requests (`limits`).
    limits: std::sync::Mutex<Windows>,
}

impl AppContext {
    /// A Lambda function's context: settings from the environment, and AWS credentials from the
    /// variables Lambda sets for the function's role. Only this is linked into the Lambda
    /// binary, not aws-config's default chain (profiles, SSO, STS, IMDS), which it never needs.
    pub async fn from_env() -> Result<Self, ConfigError> {
        Self::build(Settings::from_env()?, Arc::new(SystemClock), None).await
    }

    /// An operator's context (`tamlink-admin` on a workstation): AWS's default credential chain.
    pub async fn from_env_with_default_credentials() -> Result<Self, ConfigError> {
        let settings = Settings::from_env()?;
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(https_client())
            .region(Region::new(settings.aws_region.clone()));
        if let Some(endpoint) = &settings.aws_endpoint_url {
            loader = loader.endpoint_url(endpoint);
        }
        let aws = loader.load().await;
        Self::build_with(settings, Arc::new(SystemClock), None, aws).await
    }

    /// Builds the clients and reads the function's secrets. `interceptor` sees every AWS call
    /// (the local stack checks each against the function's role in `template.yaml`).
    pub async fn build(
        settings: Settings,
        clock: Arc<dyn Clock>,
        interceptor: Option<SharedInterceptor>,
    ) -> Result<Self, ConfigError> {
        let aws = aws_sdk_config(&settings);
        Self::build_with(settings, clock, interceptor, aws).await
    }

    async fn build_with(
        settings: Settings,
        clock: Arc<dyn Clock>,
        interceptor: Option<SharedInterceptor>,
        aws: aws_config::SdkConfig,
    ) -> Result<Self, ConfigError> {
        macro_rules! client {
            ($sdk:ident) => {{
                client!($sdk, $sdk::config::Builder::from(&aws))
            }};
            ($sdk:ident, $builder:expr) => {{
                let mut config = $builder;
                if let Some(i) = &interceptor {
                    config.push_interceptor(i.clone());
                }
                $sdk::Client::from_conf(config.build())
            }};
        }
        let sockets = settings.socket_endpoint.as_ref().map(|endpoint| {
            crate::connections::Connections::new(client!(
                aws_sdk_apigatewaymanagement,
                aws_sdk_apigatewaymanagement::config::Builder::from(&aws).endpoint_url(endpoint)
            ))
        });
        let keys = Keys::load(&settings, &client!(aws_sdk_secretsmanager)).await?;
        let lark = LarkClient::new(settings.lark_endpoints.clone(), clock.clone());
        Ok(Self {
            store: Store::new(client!(aws_sdk_dynamodb), settings.table_name.clone()),
            secrets: SecretBox::new(client!(aws_sdk_kms), settings.kms_key_id.clone()),
            sqs: client!(aws_sdk_sqs),
            sockets,
            keys,
            lark,
            clock,
            settings,
            limits: Default::default(),
        })
    }

    pub fn now(&self) -> crate::clock::Epoch {
        self.clock.now()
    }

    /// This instance's fair-share counts. A panic while they were held leaves counts that are
    /// still counts, so a poisoned lock is taken as it is.
    pub fn limits(&self) -> std::sync::MutexGuard<'_, Windows> {
        self.limits.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The signing keys; only functions given `SIGNING_KEY_SECRET_ARN` have them (a test keeps
    /// every HTTP function so configured in `template.yaml`).
    pub fn signer(&self) -> AppResult<&Signer> {
        self.keys.signer.as_ref().ok_or_else(|| {
            AppError::Internal("this function has no signing key (SIGNING_KEY_SECRET_ARN)".into())
        })
    }
}

/// One TLS stack for the whole binary: rustls on ring, as reqwest uses for Lark.
fn https_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https()
}

/// AWS configuration for a function: credentials from the environment variables Lambda sets;
/// against a local endpoint (moto) fixed test credentials, so nothing on the developer's machine
/// is ever picked up or sent.
pub fn aws_sdk_config(settings: &Settings) -> aws_config::SdkConfig {
    use aws_credential_types::provider::SharedCredentialsProvider;
    let credentials = match &settings.aws_endpoint_url {
        Some(_) => SharedCredentialsProvider::new(aws_credential_types::Credentials::new(
            "testing", "testing", None, None, "local",
        )),
        None => SharedCredentialsProvider::new(
            aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
        ),
    };
    let mut builder = aws_config::SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(settings.aws_region.clone()))
        .http_client(https_client())
        .sleep_impl(aws_smithy_async::rt::sleep::default_async_sleep().expect("tokio sleep"))
        .time_source(aws_smithy_async::time::SystemTimeSource::new())
        .credentials_provider(credentials);
    if let Some(endpoint) = &settings.aws_endpoint_url {
        builder = builder.endpoint_url(endpoint);
    }
    builder.build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::provider::ProvideCredentials;

    fn settings(endpoint: Option<&str>) -> Settings {
        let mut s = Settings::from_lookup(|k| {
            Some(
                match k {
                    "TABLE_NAME" => "t",
                    "QUEUE_URL" => "q",
                    "PAGE_QUEUE_URL" => "p",
                    "KMS_KEY_ID" => "k",
                    "PROVIDER_APP_ID" => "cli_p",
                    "TAMLINK_BASE_URL" => "https://support.example.com",
                    _ => return None,
                }
                .to_owned(),
            )
        })
        .unwrap();
        s.aws_endpoint_url = endpoint.map(str::to_owned);
        s
    }

    #[tokio::test]
    async fn on_lambda_credentials_are_the_roles_from_the_environment_and_locally_fixed() {
        // Lambda sets these for the function's role; nothing else is consulted.
        std::env::set_var("AWS_ACCESS_KEY_ID", "ASIAFUNCTIONROLE");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "role-secret");
        std::env::set_var("AWS_SESSION_TOKEN", "role-session");
        let lambda = aws_sdk_config(&settings(None));
        let creds = lambda
            .credentials_provider()
            .unwrap()
            .provide_credentials()
            .await
            .unwrap();
        assert_eq!(creds.access_key_id(), "ASIAFUNCTIONROLE");
        assert_eq!(creds.session_token(), Some("role-session"));

        let local = aws_sdk_config(&settings(Some("http://127.0.0.1:5000")));
        let creds = local
            .credentials_provider()
            .unwrap()
            .provide_credentials()
            .await
            .unwrap();
        assert_eq!(creds.access_key_id(), "testing");
        assert_eq!(local.endpoint_url(), Some("http://127.0.0.1:5000"));
    }
}
