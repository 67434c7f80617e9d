//! Signed tokens: sessions (a cookie per app) and OAuth state. Both are
//! `base64url(json) "." base64url(HMAC-SHA256(key, purpose "." base64url(json)))`, carry an expiry,
//! and name their app, so a token minted for one app or purpose is useless for another.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use sha2::Sha256;

use crate::clock::Epoch;
use crate::ids::{AppId, GroupId, InvitationId, OpenId};

pub const SESSION_TTL: i64 = 12 * 3600;
pub const OAUTH_STATE_TTL: i64 = 10 * 60;

/// Signs with the current key; verifies with it or, during a rotation, the previous one.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
    previous: Option<Vec<u8>>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer([redacted])")
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("malformed token")]
    Malformed,
    #[error("bad signature")]
    BadSignature,
    #[error("expired")]
    Expired,
    #[error("issued for another app")]
    WrongApp,
}

/// Who is signed in, for one Lark app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub app_id: AppId,
    pub open_id: OpenId,
    pub union_id: String,
    pub tenant_key: String,
    pub name: String,
    pub avatar: String,
    /// This session's id (random), so signing out can end it alone.
    pub sid: String,
    /// The person's fence generation when it was issued (`domain::sessions`).
    pub generation: u64,
    pub exp: Epoch,
}

/// The OAuth `state` parameter: which app, which login attempt, and where to go afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthState {
    pub app_id: AppId,
    pub nonce: String,
    /// Where to go after signing in (already checked by `safe_return_to`).
    pub return_to: String,
    pub exp: Epoch,
}

/// What an invitation link's `token` parameter carries (see `invitations`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationToken {
    pub app_id: AppId,
    pub group_id: GroupId,
    pub invitation_id: InvitationId,
    pub exp: Epoch,
}

/// What a chat socket's `ticket` carries: the session it was made from (its id and fence
/// generation, so ending the session ends the ticket) and the one group it may follow. Pages get
/// it inside the group page they render; `$connect` checks it (`sockets::connect`). The session
/// cookie itself cannot reach the socket on AWS: it is scoped to `/lark/{appId}` on the HTTP
/// API's domain, and a WebSocket API can neither share that domain nor route by path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocketTicket {
    pub app_id: AppId,
    pub open_id: OpenId,
    pub group_id: GroupId,
    pub sid: String,
    pub generation: u64,
    /// The language the page shows (tamlink's own lines are pushed in it).
    pub lang: crate::i18n::Lang,
    pub exp: Epoch,
}

trait Expiring {
    fn app_id(&self) -> &str;
    fn exp(&self) -> Epoch;
}

impl Expiring for Session {
    fn app_id(&self) -> &str {
        &self.app_id
    }
    fn exp(&self) -> Epoch {
        self.exp
    }
}

impl Expiring for OAuthState {
    fn app_id(&self) -> &str {
        &self.app_id
    }
    fn exp(&self) -> Epoch {
        self.exp
    }
}

impl Expiring for InvitationToken {
    fn app_id(&self) -> &str {
        &self.app_id
    }
    fn exp(&self) -> Epoch {
        self.exp
    }
}

impl Expiring for SocketTicket {
    fn app_id(&self) -> &str {
        &self.app_id
    }
    fn exp(&self) -> Epoch {
        self.exp
    }
}

/// The purpose a card button's signature is made for (no other token verifies as one).
const PRESS: &str = "press";
/// A button's signature is the first 16 bytes of its HMAC-SHA256: 128 bits, and short enough
/// for a card's button value.
const PRESS_MAC_BYTES: usize = 16;

impl Signer {
    pub fn new(key: &[u8]) -> Self {
        Self::with_previous(key, None)
    }

    /// A signer in the middle of a key rotation: tokens signed with `previous` (sessions live
    /// 12 hours) still verify, new ones are signed with `key`.
    pub fn with_previous(key: &[u8], previous: Option<&[u8]>) -> Self {
        Self {
            key: key.to_vec(),
            previous: previous.map(<[u8]>::to_vec),
        }
    }

    fn mac(&self, purpose: &str, payload: &str) -> Hmac<Sha256> {
        Self::mac_with(&self.key, purpose, payload)
    }

    fn mac_with(key: &[u8], purpose: &str, payload: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(purpose.as_bytes());
        mac.update(b".");
        mac.update(payload.as_bytes());
        mac
    }

    fn sign<T: Serialize>(&self, purpose: &str, value: &T) -> String {
        let payload = B64.encode(serde_json::to_vec(value).expect("plain structs serialize"));
        let sig = B64.encode(self.mac(purpose, &payload).finalize().into_bytes());
        format!("{payload}.{sig}")
    }

    fn verify<T: DeserializeOwned + Expiring>(
        &self,
        purpose: &str,
        token: &str,
        app_id: &str,
        now: Epoch,
    ) -> Result<T, TokenError> {
        let (payload, sig) = token.split_once('.').ok_or(TokenError::Malformed)?;
        let sig = B64.decode(sig).map_err(|_| TokenError::Malformed)?;
        let signed_by = |key: &[u8]| {
            Self::mac_with(key, purpose, payload)
                .verify_slice(&sig)
                .is_ok()
        };
        if !signed_by(&self.key) && !self.previous.as_deref().is_some_and(signed_by) {
            return Err(TokenError::BadSignature);
        }
        let bytes = B64.decode(payload).map_err(|_| TokenError::Malformed)?;
        let value: T = serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)?;
        if value.app_id() != app_id {
            return Err(TokenError::WrongApp);
        }
        if value.exp() <= now {
            return Err(TokenError::Expired);
        }
        Ok(value)
    }

    /// What a card's button carries so that a press proves it came from the card's recipient
    /// (`notifier::cards::bind`): a MAC over the app and the button's fields (its recipient
    /// among them), 16 bytes of it.
    pub fn sign_press(&self, app_id: &str, fields: &str) -> String {
        let mac = self.mac(PRESS, &format!("{app_id}|{fields}")).finalize();
        B64.encode(&mac.into_bytes()[..PRESS_MAC_BYTES])
    }

    /// Whether `sig` is [`Signer::sign_press`]'s for these fields, with the current key or the
    /// previous one (a card signed before a rotation still works until the next).
    pub fn verify_press(&self, app_id: &str, fields: &str, sig: &str) -> bool {
        let Ok(sig) = B64.decode(sig) else {
            return false;
        };
        if sig.len() != PRESS_MAC_BYTES {
            return false;
        }
        let payload = format!("{app_id}|{fields}");
        let signed_by = |key: &[u8]| {
            Self::mac_with(key, PRESS, &payload)
                .verify_truncated_left(&sig)
                .is_ok()
        };
        signed_by(&self.key) || self.previous.as_deref().is_some_and(signed_by)
    }

    pub fn sign_session(&self, session: &Session) -> String {
        self.sign("session", session)
    }

    pub fn verify_session(
        &self,
        token: &str,
        app_id: &str,
        now: Epoch,
    ) -> Result<Session, TokenError> {
        self.verify("session", token, app_id, now)
    }

    pub fn sign_state(&self, state: &OAuthState) -> String {
        self.sign("oauth-state", state)
    }

    pub fn verify_state(
        &self,
        token: &str,
        app_id: &str,
        now: Epoch,
    ) -> Result<OAuthState, TokenError> {
        self.verify("oauth-state", token, app_id, now)
    }

    pub fn sign_invitation(&self, token: &InvitationToken) -> String {
        self.sign("invitation", token)
    }

    pub fn sign_socket(&self, ticket: &SocketTicket) -> String {
        self.sign("socket", ticket)
    }

    pub fn verify_socket(
        &self,
        token: &str,
        app_id: &str,
        now: Epoch,
    ) -> Result<SocketTicket, TokenError> {
        self.verify("socket", token, app_id, now)
    }

    pub fn verify_invitation(
        &self,
        token: &str,
        app_id: &str,
        now: Epoch,
    ) -> Result<InvitationToken, TokenError> {
        self.verify("invitation", token, app_id, now)
    }
}

/// A fresh unguessable id (128 random bits), for nonces and tokens.
pub fn random_token() -> String {
    let bytes: [u8; 16] = rand::random();
    B64.encode(bytes)
}

/// `return_to` must stay inside the same app: a path under `/lark/{appId}`, no scheme, no host,
/// no `//` or backslash tricks. Anything else falls back to the workbench.
pub fn safe_return_to(app_id: &str, requested: Option<&str>) -> String {
    let fallback = format!("/lark/{app_id}/workbench");
    let Some(path) = requested else {
        return fallback;
    };
    let prefix = format!("/lark/{app_id}");
    let inside = path == prefix
        || path.starts_with(&format!("{prefix}/"))
        || path.starts_with(&format!("{prefix}?"));
    // Judge the path as the browser will use it: percent-decoded (`.%2e` is `..`, `%2f` is `/`).
    let decoded = percent_decode(path.split('?').next().unwrap_or(path));
    let tricky = [path, decoded.as_str()].iter().any(|p| {
        p.contains("//")
            || p.contains('\\')
            || p.split('/')
                .any(|segment| segment == "." || segment == "..")
            || p.chars().any(|c| c.is_control())
    });
    if inside && !tricky && path.len() <= 1024 {
        path.to_owned()
    } else {
        fallback
    }
}

/// `%xx` escapes decoded as a browser reads a path (invalid escapes stay as typed).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_press_signature_holds_for_its_app_and_fields_only_and_across_one_rotation() {
        let old = Signer::new(b"old key");
        let sig = old.sign_press("cli_a", "action=\"ack\"&for=\"ou_1\"");
        assert!(old.verify_press("cli_a", "action=\"ack\"&for=\"ou_1\"", &sig));
        assert!(!old.verify_press("cli_b", "action=\"ack\"&for=\"ou_1\"", &sig));
        assert!(!old.verify_press("cli_a", "action=\"ack\"&for=\"ou_2\"", &sig));
        assert!(!old.verify_press("cli_a", "action=\"ack\"&for=\"ou_1\"", "junk"));
        let rotated = Signer::with_previous(b"new key", Some(b"old key"));
        assert!(rotated.verify_press("cli_a", "action=\"ack\"&for=\"ou_1\"", &sig));
        assert!(!Signer::new(b"new key").verify_press(
            "cli_a",
            "action=\"ack\"&for=\"ou_1\"",
            &sig
        ));
    }

    #[test]
    fn return_to_is_judged_after_percent_decoding() {
        for bad in [
            "/lark/cli_a/.%2e/cli_b/workbench",
            "/lark/cli_a/%2E%2E/cli_b/workbench",
            "/lark/cli_a/%2e%2e/cli_b",
            "/lark/cli_a/%2f%2fevil.example",
            "/lark/cli_a/%5cevil",
            "/lark/cli_a/./workbench",
            "/lark/cli_a/%00",
        ] {
            assert_eq!(
                safe_return_to("cli_a", Some(bad)),
                "/lark/cli_a/workbench",
                "{bad}"
            );
        }
        let ok = "/lark/cli_a/workbench?group=g_1&q=a%2Fb";
        assert_eq!(safe_return_to("cli_a", Some(ok)), ok);
    }

    fn session(exp: Epoch) -> Session {
        Session {
            app_id: "cli_a".into(),
            open_id: "ou_1".into(),
            union_id: "on_1".into(),
            tenant_key: "tk".into(),
            name: "Ann".into(),
            avatar: String::new(),
            sid: "s1".into(),
            generation: 0,
            exp,
        }
    }

    #[test]
    fn session_round_trips() {
        let s = Signer::new(b"k");
        let token = s.sign_session(&session(100));
        assert_eq!(s.verify_session(&token, "cli_a", 99).unwrap(), session(100));
    }

    #[test]
    fn expired_foreign_tampered_and_wrong_key_sessions_are_refused() {
        let s = Signer::new(b"k");
        let token = s.sign_session(&session(100));
        assert_eq!(
            s.verify_session(&token, "cli_a", 100),
            Err(TokenError::Expired)
        );
        assert_eq!(
            s.verify_session(&token, "cli_b", 1),
            Err(TokenError::WrongApp)
        );
        let mut tampered = token.clone();
        tampered.insert(3, 'x');
        assert!(s.verify_session(&tampered, "cli_a", 1).is_err());
        assert_eq!(
            Signer::new(b"other").verify_session(&token, "cli_a", 1),
            Err(TokenError::BadSignature)
        );
        assert_eq!(
            s.verify_session("garbage", "cli_a", 1),
            Err(TokenError::Malformed)
        );
    }

    #[test]
    fn during_a_rotation_the_previous_key_still_verifies_and_new_tokens_use_the_current_one() {
        let old = Signer::new(b"old-key");
        let before = old.sign_session(&session(100));
        let rotating = Signer::with_previous(b"new-key", Some(b"old-key"));
        assert_eq!(
            rotating.verify_session(&before, "cli_a", 1).unwrap(),
            session(100)
        );
        let after = rotating.sign_session(&session(100));
        assert!(Signer::new(b"new-key")
            .verify_session(&after, "cli_a", 1)
            .is_ok());
        // Once the previous key is dropped, its sessions end.
        assert_eq!(
            Signer::new(b"new-key").verify_session(&before, "cli_a", 1),
            Err(TokenError::BadSignature)
        );
        assert_eq!(format!("{rotating:?}"), "Signer([redacted])");
    }

    #[test]
    fn a_session_is_not_an_oauth_state() {
        let s = Signer::new(b"k");
        let token = s.sign_session(&session(100));
        assert_eq!(
            s.verify_state(&token, "cli_a", 1),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn return_to_stays_inside_the_app() {
        let ok = "/lark/cli_a/workbench?tab=tickets";
        assert_eq!(safe_return_to("cli_a", Some(ok)), ok);
        for bad in [
            "https://evil.example/lark/cli_a",
            "//evil.example",
            "/lark/cli_b/workbench",
            "/lark/cli_a//evil.example",
            "/lark/cli_a/../cli_b",
            "/lark/cli_a\\evil",
            "/lark/cli_abc",
        ] {
            assert_eq!(
                safe_return_to("cli_a", Some(bad)),
                "/lark/cli_a/workbench",
                "{bad}"
            );
        }
    }

    #[test]
    fn random_tokens_differ() {
        assert_ne!(random_token(), random_token());
        assert_eq!(random_token().len(), 22);
    }
}
