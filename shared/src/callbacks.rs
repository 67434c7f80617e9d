//! Acting from Lark: a card button calls back (`card.action.trigger`, docs/lark.md §7) and tamlink
//! answers with a toast and the updated card. The request is Lark's only if it passes every check
//! (signature, decryption, Verification Token, a fresh timestamp, an event not seen before, the
//! app's own tenant); a person's refusal is a toast, never a 4xx (Lark shows a 4xx as a broken
//! card). The reply comes within Lark's 3 s: the state change is one DynamoDB transaction, and
//! whatever needs Lark (telling others) goes to the notifier queue.

use serde_json::{json, Value};

use crate::actor::{Actor, FenceCheck};
use crate::config::SecretString;
use crate::context::AppContext;
use crate::domain::tickets::Status;
use crate::error::AppResult;
use crate::i18n::{Lang, Msg, Text};
use crate::ids::{AppId, OpenId, TicketId};
use crate::lark::callback::{self, Callback, CardAction};
use crate::msg;
use crate::notifier::cards::{self, CardLang};
use crate::secrets::Purpose;
use crate::store::{Side, StoreError, Tenant};

/// How far a callback's time may be from ours. Callbacks are synchronous (Lark never retries
/// them, §7.6), so a genuine one arrives within seconds; 5 minutes absorbs clock skew between
/// Lark and AWS and a slow network, while a captured request is useless soon after. Inside the
/// window, the event id stops a replay (`Store::first_delivery`).
pub const REPLAY_WINDOW: i64 = 5 * 60;

/// The request as it arrived: the raw body and Lark's signature headers.
pub struct Incoming<'a> {
    pub app_id: &'a AppId,
    pub body: &'a [u8],
    pub timestamp: Option<&'a str>,
    pub nonce: Option<&'a str>,
    pub signature: Option<&'a str>,
}

/// What to answer Lark.
#[derive(Debug, PartialEq)]
pub enum Reply {
    /// URL verification: echo the challenge.
    Challenge(String),
    /// Not Lark's (or not for us): 401, no state change.
    NotLark(&'static str),
    /// A person acted: a toast in their language, and the card to show instead (none: keep it).
    Toast {
        kind: ToastKind,
        text: Text,
        lang: CardLang,
        card: Option<Value>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Info,
    Error,
}

impl Reply {
    pub fn body(&self) -> Value {
        match self {
            Reply::Challenge(c) => json!({ "challenge": c }),
            Reply::NotLark(why) => json!({ "message": why }),
            Reply::Toast {
                kind,
                text,
                lang,
                card,
            } => {
                let kind = match kind {
                    ToastKind::Success => "success",
                    ToastKind::Info => "info",
                    ToastKind::Error => "error",
                };
                // The person's chosen language wins; otherwise every language, and their Lark
                // client shows its own (`i18n`, docs/lark.md §7.6).
                let (default, langs): (Lang, &[Lang]) = match *lang {
                    CardLang::One(l) => (l, &[]),
                    CardLang::All { default } => (default, &Lang::ALL),
                };
                let i18n: serde_json::Map<String, Value> = langs
                    .iter()
                    .map(|l| (l.lark().to_owned(), json!(text.in_lang(*l))))
                    .collect();
                let mut body = json!({
                    "toast": {"type": kind, "content": text.in_lang(default)}
                });
                if !i18n.is_empty() {
                    body["toast"]["i18n"] = Value::Object(i18n);
                }
                if let Some(card) = card {
                    body["card"] = json!({"type": "raw", "data": card});
                }
                body
            }
        }
    }

    /// A refusal: an error toast, the card left as it is.
    pub fn refuse(text: impl Into<Text>, lang: CardLang) -> Self {
        Reply::Toast {
            kind: ToastKind::Error,
            text: text.into(),
            lang,
            card: None,
        }
    }
}

/// The app's keys, opened (they never print: `SecretString`).
struct Keys {
    encrypt_key: Option<SecretString>,
    verification_token: SecretString,
}

async fn keys(ctx: &AppContext, tenant: &Tenant) -> AppResult<Option<Keys>> {
    let Some(k) = &tenant.callback else {
        return Ok(None);
    };
    // Opened once per instance (`SecretBox` keeps what it opened): after the first callback of
    // an app, no KMS call is repeated on Lark's 3 s clock.
    let encrypt_key = match &k.encrypt_key_sealed {
        Some(sealed) => Some(SecretString::new(
            ctx.secrets
                .open(Purpose::EncryptKey, &tenant.app_id, sealed)
                .await?,
        )),
        None => None,
    };
    let verification_token = SecretString::new(
        ctx.secrets
            .open(
                Purpose::VerificationToken,
                &tenant.app_id,
                &k.verification_token_sealed,
            )
            .await?,
    );
    Ok(Some(Keys {
        encrypt_key,
        verification_token,
    }))
}

fn same(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Checks a callback request and acts on it.
#[tracing::instrument(skip_all, fields(app = %req.app_id))]
pub async fn handle(ctx: &AppContext, req: Incoming<'_>) -> AppResult<Reply> {
    let Some(tenant) = ctx.store.tenant(req.app_id).await? else {
        return Ok(Reply::NotLark("unknown app"));
    };
    let Some(keys) = keys(ctx, &tenant).await? else {
        return Ok(Reply::NotLark("callbacks are not configured for this app"));
    };
    let now = ctx.now();
    let signed = match (req.timestamp, req.nonce, req.signature) {
        (Some(ts), Some(nonce), Some(sig)) => Some((ts, nonce, sig)),
        _ => None,
    };
    // The body: encrypted when the app has an Encrypt Key (§7.4), else the object itself. A
    // signed body is proven before it is decrypted (§7.3); only URL verification comes unsigned.
    let plain = match (
        &keys.encrypt_key,
        serde_json::from_slice::<callback::Encrypted>(req.body),
    ) {
        (Some(key), Ok(sealed)) => {
            if let Some((ts, nonce, sig)) = signed {
                if !callback::signature_matches(sig, ts, nonce, key.expose(), req.body) {
                    return Ok(Reply::NotLark("bad signature"));
                }
                if !ts
                    .parse::<i64>()
                    .is_ok_and(|t| (now - t).abs() <= REPLAY_WINDOW)
                {
                    return Ok(Reply::NotLark("timestamp outside the replay window"));
                }
            }
            match callback::decrypt(key.expose(), &sealed.encrypt) {
                Ok(plain) => plain,
                Err(_) => {
                    return Ok(Reply::NotLark(
                        "the body does not decrypt with this app's key",
                    ))
                }
            }
        }
        (None, Ok(_)) => return Ok(Reply::NotLark("encrypted, but this app has no Encrypt Key")),
        (_, Err(_)) => req.body.to_vec(),
    };
    // What it is and whose, from a few fields, before the event itself is read.
    let Some(peek) = callback::Peek::of(&plain) else {
        return Ok(Reply::NotLark("not a callback Lark sends"));
    };
    let token = keys.verification_token.expose();
    if peek.kind.as_deref() == Some("url_verification") {
        // URL verification carries no signature (§7.2); its token is the proof.
        return Ok(
            match (peek.challenge, peek.token.is_some_and(|t| same(&t, token))) {
                (Some(challenge), true) => Reply::Challenge(challenge),
                _ => Reply::NotLark("wrong verification token"),
            },
        );
    }
    if keys.encrypt_key.is_some() && signed.is_none() {
        return Ok(Reply::NotLark("missing signature headers"));
    }
    if peek.schema.is_none() && peek.open_id.is_some() {
        // A legacy card callback proves itself by its SHA-1 signature with the token (§7.3).
        let proven = signed.is_some_and(|(ts, nonce, sig)| {
            callback::legacy_signature_matches(sig, ts, nonce, token, req.body)
        });
        return Ok(if proven {
            Reply::refuse(msg!("toast-legacy"), everyone(&tenant))
        } else {
            Reply::NotLark("legacy callback without its signature")
        });
    }
    let header = peek.header.unwrap_or_default();
    if !header.token.is_some_and(|t| same(&t, token)) {
        return Ok(Reply::NotLark("wrong verification token"));
    }
    if header.event_type.as_deref() != Some("card.action.trigger") {
        return Ok(Reply::NotLark("not a card action"));
    }
    let Some(Callback::CardAction(action)) = Callback::parse(&plain) else {
        return Ok(Reply::NotLark("not a callback Lark sends"));
    };
    let created = action.header.create_time.parse::<i64>().unwrap_or(0) / 1_000_000;
    if (now - created).abs() > REPLAY_WINDOW {
        return Ok(Reply::NotLark("callback outside the replay window"));
    }
    if !action.header.app_id.is_empty() && action.header.app_id != req.app_id.as_str() {
        return Ok(Reply::NotLark("callback for another app"));
    }
    // The button must be one tamlink put on a card for this very person (`cards::bind`): the
    // Verification Token alone proves only that the body is Lark's format, not who pressed.
    let bound = match (
        ctx.keys.signer.as_ref(),
        OpenId::parse(&action.event.operator.open_id),
    ) {
        (Some(signer), Ok(operator)) => {
            cards::bound_to(&action.event.action.value, signer, req.app_id, &operator)
        }
        _ => false,
    };
    if !bound {
        tracing::warn!("a press of a button not bound to its presser refused");
        return Ok(Reply::refuse(
            msg!("toast-not-your-card"),
            everyone(&tenant),
        ));
    }
    match ctx
        .store
        .first_delivery(
            req.app_id,
            &action.header.event_id,
            now,
            now + 2 * REPLAY_WINDOW,
        )
        .await
    {
        Ok(()) => {}
        Err(StoreError::ConditionFailed) => {
            return Ok(Reply::Toast {
                kind: ToastKind::Info,
                text: msg!("toast-already-done").into(),
                lang: everyone(&tenant),
                card: None,
            })
        }
        Err(e) => return Err(e.into()),
    }
    act(ctx, &tenant, &action).await
}

/// The person behind the button, as the web routes would see them, and the language they chose.
async fn operator(
    ctx: &AppContext,
    tenant: &Tenant,
    a: &CardAction,
) -> AppResult<Option<(Actor, Option<Lang>)>> {
    let op = &a.event.operator;
    let tenant_key = if op.tenant_key.is_empty() {
        &a.header.tenant_key
    } else {
        &op.tenant_key
    };
    if *tenant_key != tenant.tenant_key {
        return Ok(None);
    }
    let Ok(open_id) = OpenId::parse(&op.open_id) else {
        return Ok(None);
    };
    // No browser asks for a language here: the person's saved choice, else their
    // organisation's default (cards and toasts then carry every language). Who they are and what
    // they chose come in one request.
    let staff_app = tenant.app_id == ctx.settings.provider_app_id;
    let lang_of = |chosen: Option<Lang>| chosen.or(tenant.lang).unwrap_or_default();
    if !staff_app {
        // Colleagues act only through their own org's app; nothing they may do from a card yet
        // needs more than who they are.
        let (person, prefs) = ctx
            .store
            .someone_and_prefs::<crate::store::Person>(&tenant.app_id, &open_id, false)
            .await?;
        let Some(person) = person else {
            return Ok(None);
        };
        return Ok(Some((
            Actor {
                app_id: tenant.app_id.clone(),
                open_id,
                name: person.name,
                avatar: person.avatar,
                side: Side::Colleague,
                staff: None,
                fence: FenceCheck::Passed,
                lang: lang_of(prefs.lang),
            },
            prefs.lang,
        )));
    }
    let (staff, prefs) = ctx
        .store
        .someone_and_prefs::<crate::store::Staff>(&tenant.app_id, &open_id, true)
        .await?;
    let Some(staff) = staff else {
        return Ok(None);
    };
    Ok(Some((
        Actor {
            app_id: tenant.app_id.clone(),
            open_id,
            name: staff.name.clone(),
            avatar: staff.avatar.clone(),
            side: Side::Service,
            staff: Some(staff),
            fence: FenceCheck::Passed,
            lang: lang_of(prefs.lang),
        },
        prefs.lang,
    )))
}

/// Every language, the organisation's first: for answers before we know who pressed.
fn everyone(tenant: &Tenant) -> CardLang {
    CardLang::All {
        default: tenant.lang.unwrap_or_default(),
    }
}

async fn act(ctx: &AppContext, tenant: &Tenant, a: &CardAction) -> AppResult<Reply> {
    let Some((actor, chosen)) = operator(ctx, tenant, a).await? else {
        return Ok(Reply::refuse(
            msg!("toast-unknown-person"),
            everyone(tenant),
        ));
    };
    let value = &a.event.action.value;
    let ticket = value["ticket"]
        .as_str()
        .and_then(|t| TicketId::parse(t).ok());
    let reader = crate::notifier::cards::Reader::of(Some(tenant), chosen);
    let lang = reader.lang;
    let link = |t: &crate::tickets::TicketView| {
        crate::notify::group_link(&ctx.settings.base_url, &actor.app_id, &t.group_id)
    };
    // The card that replaces the pressed one is the presser's, its buttons bound to them.
    let done = |text: Msg, card: Value| Reply::Toast {
        kind: ToastKind::Success,
        text: text.into(),
        lang,
        card: Some(cards::for_recipient(
            ctx.keys.signer.as_ref(),
            card,
            &actor.app_id,
            &actor.open_id,
        )),
    };
    let to = serde_json::from_value::<Status>(value["to"].clone()).ok();
    let result = match (value["action"].as_str(), ticket, to) {
        (Some("ack"), Some(id), _) => {
            crate::tickets::acknowledge(ctx, &actor, &id)
                .await
                .map(|t| {
                    done(
                        msg!("toast-acknowledged", number = t.number),
                        crate::notifier::cards::acknowledged(&t, &link(&t), reader),
                    )
                })
        }
        (Some("move"), Some(id), Some(to)) => crate::tickets::move_to(ctx, &actor, &id, to)
            .await
            .map(|t| {
                let note = msg!("note-moved-by", who = &actor.name, to = t.status.as_arg());
                done(
                    msg!("toast-moved", number = t.number, status = t.status.as_arg()),
                    crate::notifier::cards::ticket(&t, &note, &link(&t), reader),
                )
            }),
        (Some("remind"), Some(id), _) => crate::tickets::remind(ctx, &actor, &id).await.map(|t| {
            let note = msg!("card-reminded", who = &actor.name, nth = t.reminders);
            done(
                msg!("toast-reminded", number = t.number),
                crate::notifier::cards::ticket(&t, &note, &link(&t), reader),
            )
        }),
        (Some("rate"), Some(id), _) => {
            let Some(score) = value["score"].as_u64().and_then(|s| u8::try_from(s).ok()) else {
                return Ok(Reply::refuse(msg!("toast-unknown-button"), lang));
            };
            let comment = a.event.action.form_value["comment"].as_str();
            crate::tickets::rate(ctx, &actor, &id, score, comment)
                .await
                .map(|t| {
                    let note = msg!("card-rated", who = &actor.name, score = score);
                    done(
                        msg!("toast-rated", number = t.number, score = score),
                        crate::notifier::cards::ticket(&t, &note, &link(&t), reader),
                    )
                })
        }
        _ => return Ok(Reply::refuse(msg!("toast-unknown-button"), lang)),
    };
    match result {
        Ok(reply) => Ok(reply),
        // The person's refusals are toasts in their words; trouble on our side is an error the
        // platform shows as such, and the notifier's work is not lost (it is queued).
        Err(e) if e.status().is_client_error() => Ok(Reply::refuse(e.text(), lang)),
        Err(e) => Err(e),
    }
}
