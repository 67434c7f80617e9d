//! `./run bench callback [emergencies] [toasts]`: how fast the card callback answers Lark, warm,
//! through the local gateway (real handler, moto): Acknowledge presses on distinct emergencies
//! (KMS opens the keys, one DynamoDB transaction, a queued notification) and presses that end in
//! a toast (an unknown button). Lark gives a callback 3 s; the goal here is p99 ≤ 300 ms.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tamlink::clock::{Clock, SystemClock};
use tamlink::ids::{AppId, OpenId};
use tamlink::lark::callback::{encrypt, signature};
use tamlink::session::{random_token, Session, SESSION_TTL};
use tamlink_gateway::demo::{self, CUSTOMER_APP_ID};
use tamlink_gateway::local::{LocalStack, Options, PROVIDER_APP_ID};

const KEY: &str = "sandbox-encrypt-nimbus";
const TOKEN: &str = "sandbox-token-nimbus";

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[(((sorted.len() - 1) as f64) * p).round() as usize]
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let emergencies: usize = args
        .next()
        .map_or(Ok(30), |a| a.parse())
        .map_err(|_| "emergencies")?;
    let toasts: usize = args
        .next()
        .map_or(Ok(200), |a| a.parse())
        .map_err(|_| "toasts")?;
    let clock = Arc::new(SystemClock);
    let stack = LocalStack::start(Options::ephemeral(clock.clone()))
        .await
        .map_err(|e| e.to_string())?;
    demo::seed(&stack).await?;
    let client = reqwest::Client::new();
    // Ana (a colleague) opens tickets and declares emergencies, through the real routes.
    let ana = OpenId::parse(&demo::open_id(&stack, CUSTOMER_APP_ID, "ana").await?)
        .map_err(|e| e.to_string())?;
    let customer = AppId::parse(CUSTOMER_APP_ID).map_err(|e| e.to_string())?;
    let tenant_key = |app: AppId| {
        let stack = &stack;
        async move {
            stack
                .ctx
                .store
                .tenant(&app)
                .await
                .ok()
                .flatten()
                .map(|t| t.tenant_key)
                .unwrap_or_default()
        }
    };
    let acme_key = tenant_key(customer.clone()).await;
    let token = stack
        .ctx
        .signer()
        .map_err(|e| e.to_string())?
        .sign_session(&Session {
            app_id: customer.clone(),
            open_id: ana,
            union_id: String::new(),
            tenant_key: acme_key,
            name: "Ana Ortiz".into(),
            avatar: String::new(),
            sid: random_token(),
            generation: 0,
            exp: clock.now() + SESSION_TTL,
        });
    let cookie = format!("tl_session={token}");
    let api = format!("{}/lark/{CUSTOMER_APP_ID}/api/tickets", stack.base_url);
    let mut ids = Vec::new();
    for i in 0..emergencies {
        let opened: Value = client
            .post(&api)
            .header("cookie", &cookie)
            .json(&json!({"title": format!("Outage {i}"), "severity": "sev2"}))
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
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
    let nimbus_key = tenant_key(AppId::parse(PROVIDER_APP_ID).map_err(|e| e.to_string())?).await;
    let url = format!("{}/lark/{PROVIDER_APP_ID}/callback", stack.base_url);
    let press = |event: String, value: Value| {
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
    // Warm: the first call of a function loads its clients; Lark's traffic finds it warm.
    press("warm-up".into(), json!({"action": "nothing"}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let mut acks = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let t0 = Instant::now();
        let reply: Value = press(format!("ack-{i}"), json!({"action": "ack", "ticket": id}))
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
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
