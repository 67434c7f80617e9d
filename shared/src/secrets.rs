//! App Secrets and callback keys at rest: encrypted with KMS under the deployment's key, with
//! the App ID and what the secret is as encryption context, so a ciphertext copied onto another
//! tenant's record, or into another field of the same record, does not decrypt.

use aws_sdk_kms::primitives::Blob;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("KMS call failed: {0}")]
    Kms(String),
    #[error("stored ciphertext is corrupt")]
    Corrupt,
}

impl From<SecretsError> for crate::error::AppError {
    fn from(e: SecretsError) -> Self {
        crate::error::AppError::Secrets(Box::new(e))
    }
}

/// What a sealed secret is: part of its encryption context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    AppSecret,
    EncryptKey,
    VerificationToken,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::AppSecret => "app_secret",
            Purpose::EncryptKey => "encrypt_key",
            Purpose::VerificationToken => "verification_token",
        }
    }
}

/// Opened secrets by app, purpose and sealed value, for the instance's life: a sign-in or a card press
/// costs a KMS call only the first time this instance opens that app's secret (a changed secret
/// is a new sealed value, opened afresh).
type Opened = std::sync::Arc<
    std::sync::Mutex<
        std::collections::HashMap<(String, Purpose, String), crate::config::SecretString>,
    >,
>;

#[derive(Clone)]
pub struct SecretBox {
    kms: aws_sdk_kms::Client,
    key_id: String,
    opened: Opened,
}

impl SecretBox {
    pub fn new(kms: aws_sdk_kms::Client, key_id: String) -> Self {
        Self {
            kms,
            key_id,
            opened: Opened::default(),
        }
    }

    pub async fn seal(
        &self,
        purpose: Purpose,
        app_id: &str,
        plaintext: &str,
    ) -> Result<String, SecretsError> {
        let out = self
            .kms
            .encrypt()
            .key_id(&self.key_id)
            .plaintext(Blob::new(plaintext.as_bytes()))
            .encryption_context("app_id", app_id)
            .encryption_context("purpose", purpose.as_str())
            .send()
            .await
            .map_err(kms_error)?;
        let blob = out.ciphertext_blob.ok_or(SecretsError::Corrupt)?;
        Ok(B64.encode(blob.into_inner()))
    }

    pub async fn open(
        &self,
        purpose: Purpose,
        app_id: &str,
        sealed: &str,
    ) -> Result<String, SecretsError> {
        let key = (app_id.to_owned(), purpose, sealed.to_owned());
        let cached = self.opened.lock().ok().and_then(|o| o.get(&key).cloned());
        if let Some(plain) = cached {
            return Ok(plain.expose().to_owned());
        }
        let plain = self.decrypt(purpose, app_id, sealed).await?;
        if let Ok(mut opened) = self.opened.lock() {
            opened.insert(key, crate::config::SecretString::new(plain.clone()));
        }
        Ok(plain)
    }

    async fn decrypt(
        &self,
        purpose: Purpose,
        app_id: &str,
        sealed: &str,
    ) -> Result<String, SecretsError> {
        let bytes = B64.decode(sealed).map_err(|_| SecretsError::Corrupt)?;
        let out = self
            .kms
            .decrypt()
            .ciphertext_blob(Blob::new(bytes))
            .encryption_context("app_id", app_id)
            .encryption_context("purpose", purpose.as_str())
            .send()
            .await
            .map_err(kms_error)?;
        let plain = out.plaintext.ok_or(SecretsError::Corrupt)?;
        String::from_utf8(plain.into_inner()).map_err(|_| SecretsError::Corrupt)
    }
}

/// A KMS failure with its whole cause chain (never the plaintext: KMS errors do not carry it).
fn kms_error(e: impl std::error::Error) -> SecretsError {
    SecretsError::Kms(aws_sdk_kms::error::DisplayErrorContext(e).to_string())
}
