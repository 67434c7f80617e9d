//! `./run bench callback [emergencies] [toasts]`: how fast the card callback answers Lark, warm,
//! through the local gateway (real handler, moto): Acknowledge presses on distinct emergencies
//! (one DynamoDB transaction, the recipients read, notifications queued) and presses that end in
//! a toast (an unknown button). Lark gives a callback 3 s; the goal here is p99 ≤ 300 ms.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tamlink::lark::callback::{encrypt, signature};
use tamlink_gateway::bench::{arg, demo_stack, json_reply, percentile, session_cookie};
use tamlink_gateway::demo::{self, CUSTOMER_APP_ID};
use tamlink_gateway::local::PROVIDER_APP_ID;

const KEY: &str = "sandbox-encrypt-nimbus";
const TOKEN: &str = "sandbox-token-nimbus";

#[tokio::main]
async fn main() -> Result<(), String> {
    let emergencies = arg(1, 30, "emergencies")?;
    let toasts = arg(2, 200, "toasts")?;
    let stack = demo_stack().await?;
    let clock = stack.ctx.clock.clone();
    let client = reqwest::Client::new();
    // Ana (a colleague) opens tickets and declares emergencies, through the real routes.
    let cookie = session_cookie(&stack, CUSTOMER_APP_ID, "ana", "Ana Ortiz").await?;
    let api = format!("{}/lark/{CUSTOMER_APP_ID}/api/tickets", stack.base_url);
    let mut ids = Vec::new();
    // One more emergency than measured: the first is acknowledged to warm the function.
    for i in 0..=emergencies {
        let opened = json_reply(
            client
                .post(&api)
                .header("cookie", &cookie)
                .json(&json!({"title": format!("Outage {i}"), "severity": "sev2"})),
        )
        .await?;
        let id = opened["id"]
            .as_str()
            .ok_or(format!("no ticket: {opened}"))?
            .to_owned();
        client
            .post(format!("{api}/{id}/emergency"))
            .header("cookie", &cookie)
            .json(&json!({"reason": "business_outage", "confirm": true}))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        ids.push(id);
    }
    let tara = demo::open_id(&stack, PROVIDER_APP_ID, "tara").await?;
    let nimbus_key = "tk_nimbus";
    let url = format!("{}/lark/{PROVIDER_APP_ID}/callback", stack.base_url);
    // Tara presses buttons of her own cards: each value bound to her as the notifier binds it.
    let signer = stack.ctx.keys.signer.clone().ok_or("no signing key")?;
    let tara_id = tamlink::ids::OpenId::parse(&tara).map_err(|e| e.to_string())?;
    let provider = tamlink::ids::AppId::parse(PROVIDER_APP_ID).map_err(|e| e.to_string())?;
    let press = |event: String, value: Value| {
        let mut value = value;
        if let Some(fields) = value.as_object_mut() {
            tamlink::notifier::cards::bind_value(fields, &signer, &provider, &tara_id);
        }
        let payload = json!({
            "schema": "2.0",
            "header": {"event_id": event, "token": TOKEN, "create_time": (clock.now() * 1_000_000).to_string(),
                       "event_type": "card.action.trigger", "tenant_key": nimbus_key, "app_id": PROVIDER_APP_ID},
            "event": {"operator": {"tenant_key": nimbus_key, "open_id": tara}, "token": "c-1",
                      "action": {"tag": "button", "value": value}}
        });
        let body = json!({"encrypt": encrypt(KEY, payload.to_string().as_bytes())}).to_string();
        let ts = clock.now().to_string();
        let sig = signature(&ts, "nonce", KEY, body.as_bytes());
        client
            .post(&url)
            .header("x-lark-request-timestamp", ts)
            .header("x-lark-request-nonce", "nonce")
            .header("x-lark-signature", sig)
            .body(body)
    };
    let timed = |label: &str, mut runs: Vec<Duration>| {
        runs.sort();
        println!(
            "{label:<34} n={:<4} p50 {:>7.1} ms   p99 {:>7.1} ms",
            runs.len(),
            percentile(&runs, 0.5).as_secs_f64() * 1e3,
            percentile(&runs, 0.99).as_secs_f64() * 1e3
        );
    };
    // Warm: the first call of a function loads its clients and opens its connections (KMS for
    // the keys, DynamoDB, SQS); Lark's traffic finds it warm. So one press of each kind first.
    press("warm-up".into(), json!({"action": "nothing"}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let warm = ids.remove(0);
    json_reply(press(
        "ack-warm".into(),
        json!({"action": "ack", "ticket": warm}),
    ))
    .await?;
    let mut acks = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let t0 = Instant::now();
        let reply = json_reply(press(
            format!("ack-{i}"),
            json!({"action": "ack", "ticket": id}),
        ))
        .await?;
        acks.push(t0.elapsed());
        if reply["toast"]["type"] != "success" {
            return Err(format!("acknowledge failed: {reply}"));
        }
    }
    let mut refusals = Vec::new();
    for i in 0..toasts {
        let t0 = Instant::now();
        press(format!("toast-{i}"), json!({"action": "nothing"}))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        refusals.push(t0.elapsed());
    }
    if std::env::var_os("BENCH_VERBOSE").is_some() {
        let mut slow: Vec<(usize, Duration)> = acks.iter().copied().enumerate().collect();
        slow.sort_by_key(|(_, d)| std::cmp::Reverse(*d));
        println!(
            "slowest acknowledgements (press #, time): {:?}",
            &slow[..5.min(slow.len())]
        );
    }
    timed("Acknowledge (state change)", acks);
    timed("unknown button (toast)", refusals);
    Ok(())
}
