//! Acting from Lark: a button on a card calls tamlink back, signed (and encrypted when the app
//! has an Encrypt Key) exactly as Lark does (docs/lark.md §7), and gets a toast and the updated
//! card. Requests are built with `lark::callback`'s signing and encryption, which the unit tests
//! hold to the worked vectors of §12.

use reqwest::StatusCode;
use serde_json::{json, Value};
use tamlink::clock::Clock;
use tamlink::lark::callback::{encrypt, legacy_signature, signature};
use tamlink_tests::*;

const NIMBUS_KEY: &str = "sandbox-encrypt-nimbus";
const NIMBUS_TOKEN: &str = "sandbox-token-nimbus";
const ACME_TOKEN: &str = "sandbox-token-acme";

/// A `card.action.trigger` callback as Lark builds it.
/// A press of a button on `open_id`'s own card: the value bound to them as the notifier binds
/// it, unless it carries a `sig` of its own already (a forged or copied press).
fn press(
    t: &TestStack,
    app: &str,
    tenant_key: &str,
    token: &str,
    event_id: &str,
    open_id: &str,
    value: Value,
) -> Value {
    let mut value = value;
    if let (Some(fields), Ok(app_id), Ok(who)) = (
        value.as_object_mut().filter(|v| !v.contains_key("sig")),
        tamlink::ids::AppId::parse(app),
        tamlink::ids::OpenId::parse(open_id),
    ) {
        let signer = t
            .stack
            .ctx
            .keys
            .signer
            .as_ref()
            .expect("the local stack signs");
        tamlink::notifier::cards::bind_value(fields, signer, &app_id, &who);
    }
    json!({
        "schema": "2.0",
        "header": {
            "event_id": event_id, "token": token,
            "create_time": (t.clock.now() * 1_000_000).to_string(),
            "event_type": "card.action.trigger", "tenant_key": tenant_key, "app_id": app
        },
        "event": {
            "operator": {"tenant_key": tenant_key, "open_id": open_id, "union_id": "on_x"},
            "token": "c-123",
            "action": {"tag": "button", "value": value},
            "host": "im_message",
            "context": {"open_message_id": "om_1", "open_chat_id": "oc_1"}
        }
    })
}

struct Sent {
    status: StatusCode,
    body: Value,
}

/// Posts a callback to the app: encrypted and signed with `key` when given (at `ts`), else plain.
async fn send(t: &TestStack, app: &str, payload: &[u8], key: Option<&str>, ts: i64) -> Sent {
    let (body, headers) = match key {
        Some(key) => {
            let body = json!({"encrypt": encrypt(key, payload)}).to_string();
            let ts = ts.to_string();
            let sig = signature(&ts, "nonce-1", key, body.as_bytes());
            (
                body,
                vec![
                    ("x-lark-request-timestamp", ts),
                    ("x-lark-request-nonce", "nonce-1".into()),
                    ("x-lark-signature", sig),
                ],
            )
        }
        None => (String::from_utf8(payload.to_vec()).unwrap(), vec![]),
    };
    send_raw(t, app, body, &headers).await
}

/// A press in the provider app, encrypted and signed with its key as Lark does, by `who`.
async fn staff_press(t: &TestStack, event: &str, who: &str, value: Value) -> Sent {
    let payload = press(
        t,
        PROVIDER_APP_ID,
        "tk_nimbus",
        NIMBUS_TOKEN,
        event,
        who,
        value,
    );
    let body = payload.to_string();
    send(
        t,
        PROVIDER_APP_ID,
        body.as_bytes(),
        Some(NIMBUS_KEY),
        t.clock.now(),
    )
    .await
}

/// A press in Acme's app, which sends its callbacks plain with its token, by `who`.
async fn acme_press(t: &TestStack, event: &str, who: &str, value: Value) -> Sent {
    let payload = press(t, CUSTOMER_APP_ID, "tk_acme", ACME_TOKEN, event, who, value);
    let body = payload.to_string();
    send(t, CUSTOMER_APP_ID, body.as_bytes(), None, t.clock.now()).await
}

async fn send_raw(t: &TestStack, app: &str, body: String, headers: &[(&str, String)]) -> Sent {
    let mut req = reqwest::Client::new()
        .post(format!("{}/lark/{app}/callback", t.base()))
        .header("content-type", "application/json; charset=utf-8")
        .body(body);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let body = resp.json().await.unwrap_or(Value::Null);
    Sent { status, body }
}

async fn emergency(t: &TestStack) -> (Browser, String) {
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (_, opened) = ana
        .open_ticket(CUSTOMER_APP_ID, &json!({"title": "Robots offline", "description": "All of hall B.", "severity": "sev2"}))
        .await;
    let id = opened["id"].as_str().unwrap().to_owned();
    let (status, body) = ana
        .declare_emergency(
            CUSTOMER_APP_ID,
            &id,
            &json!({"reason": "business_outage", "confirm": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (ana, id)
}

#[tokio::test]
async fn the_tam_acknowledges_an_emergency_from_the_page_card() {
    let t = TestStack::demo().await;
    let (ana, id) = emergency(&t).await;
    t.deliver().await;
    // Tara's page carries an Acknowledge button that calls back with the ticket, bound to her.
    let ack = button_value(&t, PROVIDER_APP_ID, "tara", "ack").await;
    let tara = t.open_id(PROVIDER_APP_ID, "tara").await;
    assert_eq!(
        (&ack["action"], &ack["ticket"]),
        (&json!("ack"), &json!(id))
    );
    assert_eq!(ack["for"], tara.as_str());

    // Whoever has seen that press cannot make it as someone else, change what it does, or make
    // one up: each is refused with a toast, and nothing is acknowledged.
    let erin = t.open_id(PROVIDER_APP_ID, "erin").await;
    let mut other_ticket = ack.clone();
    other_ticket["ticket"] = json!(format!("{CUSTOMER_APP_ID}.99"));
    let mut unsigned = ack.clone();
    unsigned["sig"] = json!("");
    for (who, value) in [(&erin, &ack), (&tara, &other_ticket), (&tara, &unsigned)] {
        let sent = staff_press(
            &t,
            &format!("ev-forged-{}", value["ticket"]),
            who,
            value.clone(),
        )
        .await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
        assert_eq!(sent.body["toast"]["type"], "error", "{}", sent.body);
        assert!(
            sent.body
                .to_string()
                .contains("This button was not sent to you"),
            "{}",
            sent.body
        );
    }
    let tickets = ana.tickets(CUSTOMER_APP_ID).await;
    let t1 = tickets.iter().find(|x| x["id"] == id.as_str()).unwrap();
    assert_eq!(
        t1["emergency_open"], true,
        "a forged press acknowledged nothing"
    );

    let value = ack.clone();
    let sent = staff_press(&t, "ev-ack-1", &tara, value.clone()).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert_eq!(sent.body["toast"]["type"], "success", "{}", sent.body);
    assert!(sent.body["toast"]["content"]
        .as_str()
        .unwrap()
        .contains("Acknowledged"));
    let card = &sent.body["card"]["data"];
    assert_eq!(
        card["schema"], "2.0",
        "the same schema as the card it replaces"
    );
    assert!(
        card.to_string().contains("Tara Lin acknowledged it"),
        "{card}"
    );

    // The customer sees it in the workbench, and the pages stop.
    let tickets = ana.tickets(CUSTOMER_APP_ID).await;
    let t1 = tickets.iter().find(|x| x["id"] == id.as_str()).unwrap();
    assert_eq!(t1["emergency_open"], false);
    assert_eq!(t1["emergency"]["acknowledged_by"], "Tara Lin");
    t.clock.advance(16 * 60);
    let report = t.stack.run_job("EmergencyRepageFunction").await.unwrap();
    assert_eq!(report["repaged"], 0, "{report}");

    // Lark delivering the same event again acts once.
    let stale = press(
        &t,
        PROVIDER_APP_ID,
        "tk_nimbus",
        NIMBUS_TOKEN,
        "ev-ack-1",
        &tara,
        value,
    )
    .to_string();
    let again = send(
        &t,
        PROVIDER_APP_ID,
        stale.as_bytes(),
        Some(NIMBUS_KEY),
        t.clock.now() - 16 * 60,
    )
    .await;
    assert_eq!(
        again.status,
        StatusCode::UNAUTHORIZED,
        "outside the window it is refused outright"
    );
    let again = staff_press(
        &t,
        "ev-ack-1",
        &tara,
        json!({"action": "ack", "ticket": id}),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["toast"]["content"], "Already done.");
}

#[tokio::test]
async fn url_verification_answers_the_challenge_plain_and_encrypted() {
    let t = TestStack::demo().await;
    let plain =
        json!({"challenge": "ch-1", "token": ACME_TOKEN, "type": "url_verification"}).to_string();
    let sent = send(&t, CUSTOMER_APP_ID, plain.as_bytes(), None, 0).await;
    assert_eq!(
        (sent.status, sent.body.clone()),
        (StatusCode::OK, json!({"challenge": "ch-1"}))
    );
    let encrypted =
        json!({"challenge": "ch-2", "token": NIMBUS_TOKEN, "type": "url_verification"}).to_string();
    let body = json!({"encrypt": encrypt(NIMBUS_KEY, encrypted.as_bytes())}).to_string();
    let sent = send_raw(&t, PROVIDER_APP_ID, body, &[]).await;
    assert_eq!(
        (sent.status, sent.body.clone()),
        (StatusCode::OK, json!({"challenge": "ch-2"}))
    );
    let wrong =
        json!({"challenge": "ch-3", "token": "guess", "type": "url_verification"}).to_string();
    assert_eq!(
        send(&t, CUSTOMER_APP_ID, wrong.as_bytes(), None, 0)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

/// Every kind of bad request: a 401 (not Lark's) or a refusal toast (Lark's, but not allowed),
/// and the emergency stays unacknowledged.
#[tokio::test]
async fn bad_callbacks_are_refused_and_change_nothing() {
    let t = TestStack::demo().await;
    let (ana, id) = emergency(&t).await;
    let tara = t.open_id(PROVIDER_APP_ID, "tara").await;
    let ana_id = t.open_id(CUSTOMER_APP_ID, "ana").await;
    let now = t.clock.now();
    let ack = json!({"action": "ack", "ticket": id});
    let good = |event: &str| {
        press(
            &t,
            PROVIDER_APP_ID,
            "tk_nimbus",
            NIMBUS_TOKEN,
            event,
            &tara,
            ack.clone(),
        )
        .to_string()
    };

    // Not Lark's: 401.
    let body = json!({"encrypt": encrypt(NIMBUS_KEY, good("e1").as_bytes())}).to_string();
    let ts = now.to_string();
    let bad_sig = vec![
        ("x-lark-request-timestamp", ts.clone()),
        ("x-lark-request-nonce", "n".into()),
        ("x-lark-signature", "0".repeat(64)),
    ];
    assert_eq!(
        send_raw(&t, PROVIDER_APP_ID, body.clone(), &bad_sig)
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "wrong signature"
    );
    assert_eq!(
        send_raw(&t, PROVIDER_APP_ID, body.clone(), &[])
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "missing headers"
    );
    assert_eq!(
        send(
            &t,
            PROVIDER_APP_ID,
            good("e2").as_bytes(),
            Some(NIMBUS_KEY),
            now - 301
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED,
        "stale timestamp"
    );
    assert_eq!(
        send(
            &t,
            PROVIDER_APP_ID,
            good("e3").as_bytes(),
            Some("another key"),
            now
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED,
        "undecryptable"
    );
    let not_json = json!({"encrypt": encrypt(NIMBUS_KEY, b"not json")}).to_string();
    let sig = signature(&ts, "n", NIMBUS_KEY, not_json.as_bytes());
    let headers = vec![
        ("x-lark-request-timestamp", ts.clone()),
        ("x-lark-request-nonce", "n".into()),
        ("x-lark-signature", sig),
    ];
    assert_eq!(
        send_raw(&t, PROVIDER_APP_ID, not_json, &headers)
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "not JSON inside"
    );
    let wrong_token = press(
        &t,
        PROVIDER_APP_ID,
        "tk_nimbus",
        "guess",
        "e4",
        &tara,
        ack.clone(),
    )
    .to_string();
    assert_eq!(
        send(
            &t,
            PROVIDER_APP_ID,
            wrong_token.as_bytes(),
            Some(NIMBUS_KEY),
            now
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED,
        "wrong token"
    );
    assert_eq!(
        send(&t, "cli_nosuchapp01", good("e5").as_bytes(), None, now)
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "unknown app"
    );
    assert_eq!(
        send_raw(&t, CUSTOMER_APP_ID, "{not json".into(), &[])
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "garbage"
    );

    // Lark's, but not allowed: a toast, never a 4xx.
    let toast = |s: &Sent| {
        assert_eq!(s.status, StatusCode::OK, "{}", s.body);
        assert_eq!(s.body["toast"]["type"], "error", "{}", s.body);
        s.body["toast"]["content"].as_str().unwrap().to_owned()
    };
    let unknown = press(
        &t,
        PROVIDER_APP_ID,
        "tk_nimbus",
        NIMBUS_TOKEN,
        "e6",
        &tara,
        json!({"action": "explode"}),
    )
    .to_string();
    assert!(toast(
        &send(
            &t,
            PROVIDER_APP_ID,
            unknown.as_bytes(),
            Some(NIMBUS_KEY),
            now
        )
        .await
    )
    .contains("not one tamlink knows"));
    let foreign = press(
        &t,
        PROVIDER_APP_ID,
        "tk_acme",
        NIMBUS_TOKEN,
        "e7",
        &tara,
        ack.clone(),
    )
    .to_string();
    assert!(toast(
        &send(
            &t,
            PROVIDER_APP_ID,
            foreign.as_bytes(),
            Some(NIMBUS_KEY),
            now
        )
        .await
    )
    .contains("does not know you"));
    let customer = press(
        &t,
        CUSTOMER_APP_ID,
        "tk_acme",
        ACME_TOKEN,
        "e8",
        &ana_id,
        ack.clone(),
    )
    .to_string();
    assert!(
        toast(&send(&t, CUSTOMER_APP_ID, customer.as_bytes(), None, now).await)
            .contains("service team")
    );
    // A legacy (v1) card callback is answered only when its SHA-1 signature proves it Lark's.
    let legacy = json!({"open_id": ana_id, "tenant_key": "tk_acme", "token": "c-1", "action": {"value": ack, "tag": "button"}}).to_string();
    assert_eq!(
        send(&t, CUSTOMER_APP_ID, legacy.as_bytes(), None, now)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let ts = now.to_string();
    let signed = [
        ("x-lark-request-timestamp", ts.clone()),
        ("x-lark-request-nonce", "n-legacy".to_owned()),
        (
            "x-lark-signature",
            legacy_signature(&ts, "n-legacy", ACME_TOKEN, legacy.as_bytes()),
        ),
    ];
    assert!(
        toast(&send_raw(&t, CUSTOMER_APP_ID, legacy.clone(), &signed).await)
            .contains("old callback format")
    );
    // A body larger than any callback is refused before anything of it is read.
    let huge = format!("{{\"pad\": \"{}\"}}", "x".repeat(70 * 1024));
    assert_eq!(
        send_raw(&t, CUSTOMER_APP_ID, huge, &[]).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );

    let tickets = ana.tickets(CUSTOMER_APP_ID).await;
    let t1 = tickets.iter().find(|x| x["id"] == id.as_str()).unwrap();
    assert_eq!(t1["emergency_open"], true, "nothing was acknowledged");
}

/// The value of `user`'s newest card button whose action is `action`.
async fn button_value(t: &TestStack, app: &str, user: &str, action: &str) -> Value {
    for content in t.cards(app, user).await.iter().rev() {
        let mut found = None;
        find_callbacks(content, &mut |v| {
            if v["action"] == action && found.is_none() {
                found = Some(v.clone());
            }
        });
        if let Some(v) = found {
            return v;
        }
    }
    panic!("{user} has no card with a {action} button");
}

fn find_callbacks(v: &Value, f: &mut impl FnMut(&Value)) {
    match v {
        Value::Object(o) => {
            if o.get("type").and_then(Value::as_str) == Some("callback") {
                if let Some(value) = o.get("value") {
                    f(value);
                }
            }
            o.values().for_each(|x| find_callbacks(x, f));
        }
        Value::Array(a) => a.iter().for_each(|x| find_callbacks(x, f)),
        _ => {}
    }
}

#[tokio::test]
async fn the_engineer_starts_work_and_the_customer_reminds_from_their_cards() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (_, opened) = ana
        .open_ticket(
            CUSTOMER_APP_ID,
            &json!({"title": "Exports fail", "description": "Since 09:00.", "severity": "sev3"}),
        )
        .await;
    let id = opened["id"].as_str().unwrap().to_owned();
    let engineer = assignee_user(&opened);
    t.deliver().await;

    // The engineer's "assigned" card: Start work.
    let start = button_value(&t, PROVIDER_APP_ID, engineer, "move").await;
    let eng = t.open_id(PROVIDER_APP_ID, engineer).await;
    assert_eq!(
        (
            &start["action"],
            &start["ticket"],
            &start["to"],
            &start["for"]
        ),
        (
            &json!("move"),
            &json!(id),
            &json!("in_progress"),
            &json!(eng)
        )
    );
    let sent = staff_press(&t, "ev-start", &eng, start.clone()).await;
    assert_eq!(sent.body["toast"]["type"], "success", "{}", sent.body);
    assert!(
        sent.body["card"]["data"]
            .to_string()
            .contains("In progress"),
        "{}",
        sent.body
    );
    let now = ana.tickets(CUSTOMER_APP_ID).await;
    assert_eq!(
        now.iter().find(|x| x["id"] == id.as_str()).unwrap()["status"],
        "in_progress"
    );
    // The same move again is not one the lifecycle allows now: a toast, not an error.
    let sent = staff_press(&t, "ev-start-2", &eng, start).await;
    assert_eq!(
        (sent.status, sent.body["toast"]["type"].clone()),
        (StatusCode::OK, json!("error")),
        "{}",
        sent.body
    );

    // Ana's ticket card (it moved) carries Remind the team; Acme's app sends plain callbacks.
    t.deliver().await;
    let remind = button_value(&t, CUSTOMER_APP_ID, "ana", "remind").await;
    let ana_id = t.open_id(CUSTOMER_APP_ID, "ana").await;
    let sent = acme_press(&t, "ev-remind-1", &ana_id, remind.clone()).await;
    assert_eq!(sent.body["toast"]["type"], "success", "{}", sent.body);
    // Inside the 30-minute cooldown: the toast says when the next one is possible.
    let sent = acme_press(&t, "ev-remind-2", &ana_id, remind).await;
    assert_eq!(sent.body["toast"]["type"], "error");
    assert!(
        sent.body["toast"]["content"]
            .as_str()
            .unwrap()
            .contains("next reminder is possible"),
        "{}",
        sent.body
    );
}

#[tokio::test]
async fn the_customer_rates_a_resolved_ticket_from_its_card() {
    let t = TestStack::demo().await;
    let (ana, opened) = t.anas_s3_ticket("Exports fail").await;
    let id = opened["id"].as_str().unwrap().to_owned();
    let ana_id = t.open_id(CUSTOMER_APP_ID, "ana").await;
    let rate = |event: &str, score: u64| {
        press(
            &t,
            CUSTOMER_APP_ID,
            "tk_acme",
            ACME_TOKEN,
            event,
            &ana_id,
            json!({"action": "rate", "ticket": id, "score": score}),
        )
        .to_string()
    };
    // Still open: nothing to rate yet.
    let sent = send(
        &t,
        CUSTOMER_APP_ID,
        rate("r0", 5).as_bytes(),
        None,
        t.clock.now(),
    )
    .await;
    assert_eq!(sent.body["toast"]["type"], "error", "{}", sent.body);
    assert!(sent.body["toast"]["content"]
        .as_str()
        .unwrap()
        .contains("still open"));

    // The TAM resolves it; Ana's ticket card now asks how it went.
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let (status, body) = tara
        .post_json(
            &format!("/lark/{PROVIDER_APP_ID}/api/tickets/{id}/status"),
            &json!({"status": "resolved"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    t.deliver().await;
    let four = button_value(&t, CUSTOMER_APP_ID, "ana", "rate").await;
    assert_eq!(four["ticket"], id.as_str());
    // The stars submit the card's form: the comment comes as `form_value`.
    let mut with_comment: Value = serde_json::from_str(&rate("r1", 4)).unwrap();
    with_comment["event"]["action"]["form_value"] =
        json!({"comment": "  Quick and clear, thank you.  "});
    let body = with_comment.to_string();
    let sent = send(&t, CUSTOMER_APP_ID, body.as_bytes(), None, t.clock.now()).await;
    assert_eq!(sent.body["toast"]["type"], "success", "{}", sent.body);
    assert_eq!(sent.body["toast"]["content"], "Thanks for rating #1: 4/5.");

    // The rating is on the ticket, for the service team to see.
    let mine = ana.tickets(CUSTOMER_APP_ID).await;
    let rated = mine.iter().find(|x| x["id"] == id.as_str()).unwrap();
    assert_eq!(rated["rating"]["score"], 4);
    assert_eq!(rated["rating"]["by"], "Ana Ortiz");
    assert_eq!(rated["rating"]["comment"], "Quick and clear, thank you.");
    let group = rated["group_id"].as_str().unwrap();
    let console = tara
        .get(&format!("/lark/{PROVIDER_APP_ID}/workbench?group={group}"))
        .await;
    console.assert_contains("Rated 4/5 by Ana Ortiz");
    console.assert_contains("Quick and clear, thank you.");

    // A comment too long, or not a number from 1 to 5: refused, and the rating stands.
    let mut long: Value = serde_json::from_str(&rate("r3", 2)).unwrap();
    long["event"]["action"]["form_value"] = json!({"comment": "x".repeat(1001)});
    let body = long.to_string();
    let sent = send(&t, CUSTOMER_APP_ID, body.as_bytes(), None, t.clock.now()).await;
    assert_eq!(sent.body["toast"]["type"], "error", "{}", sent.body);
    let sent = send(
        &t,
        CUSTOMER_APP_ID,
        rate("r2", 9).as_bytes(),
        None,
        t.clock.now(),
    )
    .await;
    assert_eq!(sent.body["toast"]["type"], "error");
    let mine = ana.tickets(CUSTOMER_APP_ID).await;
    assert_eq!(
        mine.iter().find(|x| x["id"] == id.as_str()).unwrap()["rating"]["score"],
        4
    );
}

/// The titles of `user`'s cards, as they stand now.
async fn entity_titles(t: &TestStack, app: &str, user: &str) -> Vec<String> {
    t.cards(app, user)
        .await
        .iter()
        .filter_map(|c| c["header"]["title"]["content"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn every_copy_of_every_page_turns_acknowledged_without_a_new_dm() {
    let t = TestStack::demo().await;
    let (_, id) = emergency(&t).await;
    t.deliver().await;
    // Nobody answers: a second page 15 minutes later.
    t.clock.advance(15 * 60);
    t.stack.run_job("EmergencyRepageFunction").await.unwrap();
    t.deliver().await;
    let pages = |titles: &[String]| titles.iter().filter(|x| x.starts_with("EMERGENCY")).count();
    assert_eq!(
        pages(&entity_titles(&t, PROVIDER_APP_ID, "mo").await),
        2,
        "two pages, each its own card"
    );
    let dms_before = t.dms(PROVIDER_APP_ID, "mo").await.len();

    // Tara acknowledges from her card; Mo's two pages change in place.
    let tara = t.open_id(PROVIDER_APP_ID, "tara").await;
    let sent = staff_press(
        &t,
        "ev-copies",
        &tara,
        json!({"action": "ack", "ticket": id}),
    )
    .await;
    assert_eq!(sent.body["toast"]["type"], "success", "{}", sent.body);
    t.deliver().await;
    let mo = entity_titles(&t, PROVIDER_APP_ID, "mo").await;
    assert_eq!(pages(&mo), 0, "{mo:?}");
    assert_eq!(
        mo.iter().filter(|x| x.contains("acknowledged")).count(),
        2,
        "{mo:?}"
    );
    assert_eq!(
        t.dms(PROVIDER_APP_ID, "mo").await.len(),
        dms_before,
        "changed in place, no new DM"
    );
}

#[tokio::test]
async fn the_tam_sets_an_apps_callback_keys_from_the_console_and_they_take_effect() {
    let t = TestStack::demo().await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    // Acme's presses come with only a Verification Token: the checklist warns, without blocking.
    let warning = "Without an Encrypt Key, anyone who has seen one card press can press buttons as anyone in the organisation.";
    let console = tara
        .get(&format!("/lark/{PROVIDER_APP_ID}/workbench"))
        .await;
    console.assert_contains(warning);
    let path = format!("/lark/{PROVIDER_APP_ID}/api/customers/{CUSTOMER_APP_ID}/callback-keys");
    let (status, body) = tara
        .post_json(
            &path,
            &json!({"verification_token": "new-token", "encrypt_key": "new-key"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["callbacks"], true);
    assert!(!body.to_string().contains("new-key") && !body.to_string().contains("new-token"));
    let console = tara
        .get(&format!("/lark/{PROVIDER_APP_ID}/workbench"))
        .await;
    console.assert_contains("Act from cards: on");
    assert!(!console.text.contains(warning), "an Encrypt Key is set now");
    assert!(!console.body.contains("new-key") && !console.body.contains("new-token"));

    // Acme's callbacks now prove themselves with the new keys; the old plain ones are refused.
    let challenge =
        json!({"challenge": "c", "token": "new-token", "type": "url_verification"}).to_string();
    let sealed = json!({"encrypt": encrypt("new-key", challenge.as_bytes())}).to_string();
    let sent = send_raw(&t, CUSTOMER_APP_ID, sealed, &[]).await;
    assert_eq!(sent.body, json!({"challenge": "c"}));
    let ana_id = t.open_id(CUSTOMER_APP_ID, "ana").await;
    let old = press(
        &t,
        CUSTOMER_APP_ID,
        "tk_acme",
        ACME_TOKEN,
        "ev-old",
        &ana_id,
        json!({"action": "remind"}),
    )
    .to_string();
    assert_eq!(
        send(&t, CUSTOMER_APP_ID, old.as_bytes(), None, t.clock.now())
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    // Keys that are not single words are refused; a colleague cannot set them at all.
    let (status, _) = tara
        .post_json(&path, &json!({"verification_token": "two words"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (status, _) = ana
        .post_json(
            &format!("/lark/{CUSTOMER_APP_ID}/api/customers/{CUSTOMER_APP_ID}/callback-keys"),
            &json!({"verification_token": "mine"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn toasts_speak_the_persons_language_or_every_language() {
    let t = TestStack::demo().await;
    let (ana, opened) = t.anas_s3_ticket("Exports fail").await;
    let remind = json!({"action": "remind", "ticket": opened["id"]});
    let ana_id = t.open_id(CUSTOMER_APP_ID, "ana").await;
    // Ana chose Chinese: her toast is Chinese whatever her Lark client speaks.
    ana.choose_language(CUSTOMER_APP_ID, "zh-CN").await;
    let sent = acme_press(&t, "ev-lang-1", &ana_id, remind.clone()).await;
    assert_eq!(
        sent.body["toast"]["content"], "已就工单 #1 催办服务团队。",
        "{}",
        sent.body
    );
    assert!(sent.body["toast"].get("i18n").is_none(), "{}", sent.body);
    // Her refusal (inside the cooldown) is Chinese too.
    let sent = acme_press(&t, "ev-lang-2", &ana_id, remind).await;
    assert_eq!(sent.body["toast"]["type"], "error");
    assert!(
        sent.body["toast"]["content"]
            .as_str()
            .unwrap()
            .contains("分钟后可再次催办"),
        "{}",
        sent.body
    );
    // Ben chose nothing: every language, and his Lark client shows its own.
    let ben_id = t.open_id(CUSTOMER_APP_ID, "ben").await;
    t.signed_in(CUSTOMER_APP_ID, "ben").await;
    let sent = acme_press(&t, "ev-lang-3", &ben_id, json!({"action": "dance"})).await;
    let toast = &sent.body["toast"];
    assert_eq!(
        toast["i18n"]["en_us"], "This button is not one tamlink knows.",
        "{toast}"
    );
    assert_eq!(
        toast["i18n"]["zh_cn"], "tamlink 不认识这个按钮。",
        "{toast}"
    );
    assert_eq!(
        toast["content"], toast["i18n"]["en_us"],
        "Acme's default is English"
    );
}

/// Card callbacks share one API Gateway bucket for every organisation; tamlink holds each
/// organisation to its own share, so a flood of one organisation's callback address (here with
/// bodies that are not Lark's) leaves another organisation's people acting from their cards.
#[tokio::test]
async fn a_flood_of_one_organisations_callbacks_leaves_the_others_acting_from_cards() {
    use tamlink::domain::limits::CARD_PRESSES_PER_APP;
    let t = TestStack::demo().await;
    let (_ana, id) = emergency(&t).await;
    t.deliver().await;
    for i in 0..CARD_PRESSES_PER_APP.per_minute {
        let sent = send_raw(&t, CUSTOMER_APP_ID, format!("{{\"flood\": {i}}}"), &[]).await;
        assert_eq!(
            sent.status,
            StatusCode::UNAUTHORIZED,
            "press {i}, not Lark's: {}",
            sent.body
        );
    }
    // Acme's share of the minute is spent: a real press is told so, in every language.
    let ana = t.open_id(CUSTOMER_APP_ID, "ana").await;
    let remind = json!({"action": "remind", "ticket": id});
    let sent = acme_press(&t, "ev-flood-1", &ana, remind.clone()).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert_eq!(sent.body["toast"]["type"], "error", "{}", sent.body);
    let toast = sent.body["toast"].to_string();
    assert!(toast.contains("Too many card presses"), "{toast}");
    assert!(toast.contains("卡片操作过多"), "{toast}");
    // The provider's staff act from their cards all the while.
    let tara = t.open_id(PROVIDER_APP_ID, "tara").await;
    let sent = staff_press(
        &t,
        "ev-flood-ack",
        &tara,
        json!({"action": "ack", "ticket": id}),
    )
    .await;
    assert_eq!(sent.body["toast"]["type"], "success", "{}", sent.body);
    // The next minute, Acme's presses are heard again.
    t.clock.advance(60);
    let sent = acme_press(&t, "ev-flood-2", &ana, remind).await;
    assert!(
        !sent.body["toast"]
            .to_string()
            .contains("Too many card presses"),
        "{}",
        sent.body
    );
}

/// Each kind of secret is sealed under its own encryption context: a Verification Token copied
/// into the App Secret's field (or another app's record) does not open.
#[tokio::test]
async fn a_sealed_secret_opens_only_as_what_it_is_and_for_its_app() {
    use tamlink::secrets::Purpose;
    let t = TestStack::demo().await;
    let acme = t.tenant(CUSTOMER_APP_ID).await;
    let token = acme
        .callback
        .expect("Acme has callback keys")
        .verification_token_sealed;
    let secrets = &t.stack.ctx.secrets;
    assert_eq!(
        secrets
            .open(Purpose::VerificationToken, CUSTOMER_APP_ID, &token)
            .await
            .unwrap(),
        ACME_TOKEN
    );
    assert!(secrets
        .open(Purpose::AppSecret, CUSTOMER_APP_ID, &token)
        .await
        .is_err());
    assert!(secrets
        .open(Purpose::EncryptKey, CUSTOMER_APP_ID, &token)
        .await
        .is_err());
    assert!(secrets
        .open(Purpose::VerificationToken, PROVIDER_APP_ID, &token)
        .await
        .is_err());
}
