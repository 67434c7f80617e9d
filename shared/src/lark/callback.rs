//! Lark's side of a callback request (docs/lark.md §7): the signature, the encryption, the
//! envelope. Pure functions over bytes; `handlers::card_callback` decides what to do.

use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type Decryptor = cbc::Decryptor<aes::Aes256>;
type Encryptor = cbc::Encryptor<aes::Aes256>;

/// `X-Lark-Signature`: lowercase hex of SHA-256(timestamp ‖ nonce ‖ encrypt key ‖ raw body)
/// (§7.3). The raw body exactly as received, never re-serialised.
pub fn signature(timestamp: &str, nonce: &str, encrypt_key: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(timestamp.as_bytes());
    h.update(nonce.as_bytes());
    h.update(encrypt_key.as_bytes());
    h.update(body);
    hex(&h.finalize())
}

/// Whether `given` is the signature of this request, compared in constant time.
pub fn signature_matches(
    given: &str,
    timestamp: &str,
    nonce: &str,
    encrypt_key: &str,
    body: &[u8],
) -> bool {
    same_hex(&signature(timestamp, nonce, encrypt_key, body), given)
}

/// Whether hex `given` is `want`, in any case, compared in constant time.
fn same_hex(want: &str, given: &str) -> bool {
    bool::from(want.as_bytes().ct_eq(given.to_ascii_lowercase().as_bytes()))
}

/// Whether `given` is a legacy (v1) card callback's signature: lower-case hex of SHA-1 over
/// timestamp, nonce, Verification Token and the raw body (docs/lark.md §7.3).
pub fn legacy_signature_matches(
    given: &str,
    timestamp: &str,
    nonce: &str,
    verification_token: &str,
    body: &[u8],
) -> bool {
    same_hex(
        &legacy_signature(timestamp, nonce, verification_token, body),
        given,
    )
}

/// A legacy card callback's signature (`legacy_signature_matches`).
pub fn legacy_signature(
    timestamp: &str,
    nonce: &str,
    verification_token: &str,
    body: &[u8],
) -> String {
    use sha1::{Digest as _, Sha1};
    let mut h = Sha1::new();
    h.update(timestamp.as_bytes());
    h.update(nonce.as_bytes());
    h.update(verification_token.as_bytes());
    h.update(body);
    hex(&h.finalize())
}

/// `{"encrypt": …}` back to the JSON Lark encrypted (§7.4): AES-256-CBC with SHA-256 of the
/// Encrypt Key as key, the first 16 bytes as IV, PKCS#7 padding.
pub fn decrypt(encrypt_key: &str, encrypted: &str) -> Result<Vec<u8>, &'static str> {
    let raw = B64.decode(encrypted.trim()).map_err(|_| "not base64")?;
    if raw.len() < 32 || raw.len() % 16 != 0 {
        return Err("not a whole number of AES blocks");
    }
    let (iv, ciphertext) = raw.split_at(16);
    let key = Sha256::digest(encrypt_key.as_bytes());
    let mut buf = ciphertext.to_vec();
    let plain = Decryptor::new(key.as_slice().into(), iv.into())
        .decrypt_padded_mut::<Pkcs7>(&mut buf)
        .map_err(|_| "wrong key or damaged")?;
    Ok(plain.to_vec())
}

/// The inverse of `decrypt`, with a random IV: what Lark does (the sandbox and tests use it).
pub fn encrypt(encrypt_key: &str, plain: &[u8]) -> String {
    let key = Sha256::digest(encrypt_key.as_bytes());
    let iv: [u8; 16] = rand::random();
    let mut buf = plain.to_vec();
    buf.resize(plain.len() + 16 - plain.len() % 16, 0);
    let ciphertext = Encryptor::new(key.as_slice().into(), (&iv).into())
        .encrypt_padded_mut::<Pkcs7>(&mut buf, plain.len())
        .expect("room for a padding block");
    let mut out = iv.to_vec();
    out.extend_from_slice(ciphertext);
    B64.encode(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The outer body: encrypted, or the object itself.
#[derive(Debug, Deserialize)]
pub struct Encrypted {
    pub encrypt: String,
}

/// The few fields that say what a decrypted body is and prove whose it is, read before anything
/// else of it: URL verification's `type`, `challenge` and `token`; a schema 2.0 callback's
/// `header.token` and `header.event_type`; a legacy card callback's `open_id`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Peek {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub challenge: Option<String>,
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub schema: Option<String>,
    #[serde(default)]
    pub header: Option<PeekHeader>,
    #[serde(default)]
    pub open_id: Option<serde::de::IgnoredAny>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct PeekHeader {
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub event_type: Option<String>,
}

impl Peek {
    /// `None` for a body that is not a JSON object.
    pub fn of(plain: &[u8]) -> Option<Self> {
        serde_json::from_slice(plain).ok()
    }
}

/// What a callback request holds once decrypted: URL verification, a schema 2.0 callback, or a
/// legacy (v1) card callback, which tamlink does not serve.
#[derive(Debug)]
pub enum Callback {
    Challenge { challenge: String, token: String },
    CardAction(Box<CardAction>),
    Legacy,
    Other { event_type: String },
}

/// `card.action.trigger` (§7.6), the fields tamlink reads.
#[derive(Debug, Deserialize)]
pub struct CardAction {
    pub header: Header,
    pub event: CardEvent,
}

#[derive(Debug, Deserialize)]
pub struct Header {
    pub event_id: String,
    pub token: String,
    /// Microseconds since the epoch, as a string.
    pub create_time: String,
    pub event_type: String,
    #[serde(default)]
    pub tenant_key: String,
    #[serde(default)]
    pub app_id: String,
}

#[derive(Debug, Deserialize)]
pub struct CardEvent {
    pub operator: Operator,
    pub action: Action,
}

#[derive(Debug, Deserialize)]
pub struct Operator {
    #[serde(default)]
    pub tenant_key: String,
    pub open_id: String,
}

#[derive(Debug, Deserialize)]
pub struct Action {
    #[serde(default)]
    pub value: serde_json::Value,
    /// A form's inputs by name, when the button submitted a form (§7.6).
    #[serde(default)]
    pub form_value: serde_json::Value,
}

impl Callback {
    /// Reads a decrypted body. `None`: not JSON, or not a shape Lark sends.
    pub fn parse(plain: &[u8]) -> Option<Self> {
        let v: serde_json::Value = serde_json::from_slice(plain).ok()?;
        if v["type"] == "url_verification" {
            return Some(Self::Challenge {
                challenge: v["challenge"].as_str()?.to_owned(),
                token: v["token"].as_str().unwrap_or_default().to_owned(),
            });
        }
        if v.get("schema").is_none() {
            // The legacy card callback: flat, no schema (§7.6, last paragraph).
            return v.get("open_id").map(|_| Self::Legacy);
        }
        if v["schema"] != "2.0" {
            return None;
        }
        let event_type = v["header"]["event_type"].as_str()?.to_owned();
        if event_type != "card.action.trigger" {
            return Some(Self::Other { event_type });
        }
        serde_json::from_value(v)
            .ok()
            .map(|a| Self::CardAction(Box::new(a)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/lark.md §12: the legacy SHA-1 rule over the GO SDK's fixture with `121` as the
    /// Verification Token, as computed for the reference.
    #[test]
    fn legacy_signatures_follow_the_sha1_rule() {
        let body = r#"{"schema":"2.0","header":{"event_id":"f7984f25108f8137722bb63cee927e66","event_type":"contact.user.created_v3","app_id":"cli_xxxxxxxx","tenant_key":"xxxxxxx","create_time":"1603977298000000","token":"v"},"event":{"object":{"open_id":"ou_7dab8a3d3cdcc9da365777c7ad535d62","union_id":"on_576833b917gda3d939b9a3c2d53e72c8","user_id":"e33ggbyz","name":"张三","employee_no":"employee_no"}},"challenge":"1212","type":"url_verification"}"#.as_bytes();
        let sig = "51278cb5067148b45f0e6393e6450ae1aab2a5d1";
        assert!(legacy_signature_matches(
            sig,
            "timestamp",
            "nonce",
            "121",
            body
        ));
        assert!(!legacy_signature_matches(
            sig,
            "timestamp",
            "nonce",
            "122",
            body
        ));
    }

    // docs/lark.md §7.4: the official doc's example.
    #[test]
    fn decrypts_the_documented_example() {
        assert_eq!(
            hex(&Sha256::digest(b"test key")),
            "fa2bdca424f01f01ffb48df93acc35d439c7fd331a1a7fba6ac2fd83aa9ab31a"
        );
        let plain = decrypt("test key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=").unwrap();
        assert_eq!(plain, b"hello world");
    }

    const B_ENCRYPT: &str = "4T4ivT/PR2APX9OYkhRKtu54s1rtIpj9xJU69Hs1yWQ/1RutbufsBs9xjx5YC3u/0hMRF49sN0kevQiEL8iB3bVEdpfyJXzXGDfKUjvKQTmG64GbMdTW6qRpadVPem3f32jHuT6fc+4TRg4BigwoUId+l/D+vcIwu3mDgAEbaqzWfmvccmpiRMfQbh9JhdK/akmrRjo/CXPLM+hZciFXJMSpKueV3SjZJoSls5y0ZTHC8zak/Mp/DSl1wa4mYe5laP367Lnl4ylGiXBKx3Ku29oWv79rYcO/5QT63H4rkl8bwYmAzScpb2KNnV11L3xiDzJp3hFdfXczUvm93FXu4Lw8eDAsRzIWCccKrqHh0UvtDJD95tNn6LvYew4+Xbk1RD4k7UzWJS9AMobOK778NLNxfQ+Kn7MKzBHilXnSIVY5V+dcsOOdfqJviW4yWmT73JHYKq1qJip7Cw7lbkmRMUmettUwdVFWxeXH6iTex3YXCgqoriCx/MzeQhdNEycipooB/vHItRt1CF44uFWj9tf8n3TdbdH4dNMD0hw8ejHJSbEHb9HAGCugUniN8BzL9wxE959JU4cu3BKjDuIk5oS9hLR1mSc3vKBuSa3VKOE=";
    const C_ENCRYPT: &str = "bZ3L7yh6m3Fkuffl4g+3uGjIHnhOm5fVZbKVuyT8t7tcd5ABMYm8l28/X900ZL3knZ7n+sCREu/H2WnIzft0amC7+xWqNH8o25IU63N4BnZWfHh+4hyG76QPd19vkw2bPJCx9aqxK8Nz+xqFNbk0RdgyWhmgd30jSxHtcQXAllkI7FMpGpOCteJad3bLXPDBQIV/xkCtKICCS7Z63gakpxZCLaRZ3qCXP1fapHh+LBIupxenrU6ysc7I3nHmjmKie41IiWwS5puG4zQHhVbq6KWLcgWm/3NBZOPQy53ucMu75SXA55I7jarVLZXWUcqBGrcgE3vouWbtwgZuzmoTQl0GSh5VYSVvpW992BuGxUWj0XjPYdICJm6Cr7xouNXwMcdb7N8caVdkdSZeEnswG19qSyDoQhklwzNGW0yiaayulBqJNjfge/G5V3401c2XaIuAeEIo+QQ4RSNpRGfnHkbu/j55FGQAGWjpuBNaIwZbaUoVP3NkGP+vM5rpEDe3sL2GN+Xsd+g9yBs7FqdMV8mXTGgLjCqjrPrke5/km76Q3Pe6KPs2YexMRG4MkSx3xUTzZnNn7zIzShPcjeSwBd2pxk6ht5N+fzueZdxl6Oo=";
    const B_PLAIN: &str = r#"{"schema":"2.0","header":{"event_id":"f7984f25108f8137722bb63cee927e66","event_type":"contact.user.created_v3","app_id":"cli_xxxxxxxx","tenant_key":"xxxxxxx","create_time":"1603977298000000","token":"v"},"event":{"object":{"open_id":"ou_7dab8a3d3cdcc9da365777c7ad535d62","union_id":"on_576833b917gda3d939b9a3c2d53e72c8","user_id":"e33ggbyz","name":"张三","employee_no":"employee_no"}},"challenge":"1212","type":"url_verification1"}"#;

    fn c_plain() -> String {
        B_PLAIN.replace("url_verification1", "url_verification")
    }

    // §12 B and C: the Java and Go SDKs' fixtures.
    #[test]
    fn decrypts_the_sdk_fixtures() {
        assert_eq!(
            decrypt("1212121212", B_ENCRYPT).unwrap(),
            B_PLAIN.as_bytes()
        );
        let c = decrypt("1212121212", C_ENCRYPT).unwrap();
        assert_eq!(c, c_plain().as_bytes());
        assert_eq!(c.len(), 432);
        assert!(decrypt("wrong key", C_ENCRYPT).is_err());
        assert!(decrypt("1212121212", "not base64!").is_err());
        assert!(decrypt("1212121212", "AAAA").is_err());
    }

    // §12 D: the signature table.
    #[test]
    fn signs_as_the_table_says() {
        let encrypted_body = format!(r#"{{"encrypt":"{B_ENCRYPT}"}}"#);
        assert_eq!(
            signature(
                "timestamp",
                "nonce",
                "1212121212",
                encrypted_body.as_bytes()
            ),
            "7a51a17e7c0c52c059d226070d35f8d76e041993495ffaf5f3d05603c810e253"
        );
        let c = c_plain();
        assert_eq!(
            signature("timestamp", "nonce", "121", c.as_bytes()),
            "a45b6f47131499bfcb2d1c0213fa8cd85a06c562a7e8bd3121ef546bd8da689b"
        );
        assert_eq!(
            signature("timestamp", "nonce", "v", c.as_bytes()),
            "a1c50c0025ab8475902f13821a98db579836b8a5faa46f23a2a35786b0e3c206"
        );
        assert!(signature_matches(
            "A45B6F47131499BFCB2D1C0213FA8CD85A06C562A7E8BD3121EF546BD8DA689B",
            "timestamp",
            "nonce",
            "121",
            c.as_bytes()
        ));
        assert!(!signature_matches(
            "a45b",
            "timestamp",
            "nonce",
            "121",
            c.as_bytes()
        ));
    }

    #[test]
    fn what_is_encrypted_decrypts() {
        let sealed = encrypt("k", b"{\"a\":1}");
        assert_eq!(decrypt("k", &sealed).unwrap(), b"{\"a\":1}");
        assert_ne!(
            encrypt("k", b"x"),
            encrypt("k", b"x"),
            "a fresh IV each time"
        );
    }

    #[test]
    fn reads_the_shapes_lark_sends() {
        assert!(matches!(
            Callback::parse(c_plain().as_bytes()),
            Some(Callback::Challenge { ref challenge, ref token }) if challenge == "1212" && token.is_empty()
        ));
        assert!(matches!(
            Callback::parse(br#"{"open_id":"ou_1","action":{"value":{}}}"#),
            Some(Callback::Legacy)
        ));
        assert!(matches!(
            Callback::parse(B_PLAIN.as_bytes()),
            Some(Callback::Other { ref event_type }) if event_type == "contact.user.created_v3"
        ));
        assert!(Callback::parse(b"not json").is_none());
    }
}
