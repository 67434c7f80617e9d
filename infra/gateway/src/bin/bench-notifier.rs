//! `bench-notifier`: replays a synthetic, bursty day of notifications for a 200-person
//! organisation through the real notifier handler, against moto and the Lark sandbox, minute by
//! minute on an injected clock, and prints what it cost and what people got.
//!
//! Usage: `./run bench` (or `cargo run -p tamlink-gateway --bin bench-notifier -- [people] [seed]`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use tamlink::clock::{Clock, ManualClock};
use tamlink::ids::{AppId, OpenId};
use tamlink::notify::{Notification, NotificationKind, Recipient};
use tamlink_gateway::demo::{self, CUSTOMER_APP_ID};
use tamlink_gateway::local::{LocalStack, Options};

const MINUTES: i64 = 24 * 60;

struct Person {
    user_id: String,
    open_id: OpenId,
    weight: f64,
}

async fn sandbox(stack: &LocalStack, method: reqwest::Method, path: &str, body: Value) -> Value {
    reqwest::Client::new()
        .request(method, format!("{}{path}", stack.sandbox_url))
        .json(&body)
        .send()
        .await
        .expect("sandbox answers")
        .json()
        .await
        .expect("sandbox JSON")
}

/// Freezes the sandbox's clock at ours, so the times it records are on our simulated timeline.
async fn sync_sandbox_clock(stack: &LocalStack, clock: &ManualClock) {
    sandbox(
        stack,
        reqwest::Method::POST,
        "/_sandbox/clock",
        json!({"set": clock.now()}),
    )
    .await;
}

/// DynamoDB requests moto counted since the last call (and a fresh count from here).
async fn dynamo_requests(stack: &LocalStack) -> u64 {
    let counts: Value = reqwest::Client::new()
        .delete(format!("{}/_tamlink/dynamodb-requests", stack.moto_url))
        .send()
        .await
        .expect("moto answers")
        .json()
        .await
        .expect("moto JSON");
    counts["total"].as_u64().unwrap_or(0)
}

/// What the simulated minutes cost, the notifier's handler and the digest sweep apart.
#[derive(Default)]
struct Tally {
    sqs_messages: usize,
    handler_requests: u64,
    sweep_requests: u64,
}

impl Tally {
    /// One simulated minute as AWS would run it: the queue is handled, the sweep runs, what it
    /// queued is handled; then the clock moves on.
    async fn minute(
        &mut self,
        stack: &LocalStack,
        clock: &ManualClock,
    ) -> Result<(), Box<dyn std::error::Error>> {
        dynamo_requests(stack).await;
        self.sqs_messages += stack.deliver().await?;
        self.handler_requests += dynamo_requests(stack).await;
        stack.run_job("DigestSweepFunction").await?;
        self.sweep_requests += dynamo_requests(stack).await;
        self.sqs_messages += stack.deliver().await?;
        self.handler_requests += dynamo_requests(stack).await;
        clock.advance(60);
        sync_sandbox_clock(stack, clock).await;
        Ok(())
    }
}

async fn people(stack: &LocalStack, count: usize) -> Vec<Person> {
    let users: Vec<Value> = (0..count)
        .map(|i| json!({"user_id": format!("bench{i:03}"), "tenant_key": "tk_acme", "name": format!("Colleague {i}")}))
        .collect();
    sandbox(
        stack,
        reqwest::Method::POST,
        "/_sandbox/users",
        json!({ "users": users }),
    )
    .await;
    let mut out = Vec::new();
    for i in 0..count {
        let user_id = format!("bench{i:03}");
        let open_id = demo::open_id(stack, CUSTOMER_APP_ID, &user_id)
            .await
            .expect("open_id");
        let open_id = OpenId::parse(&open_id).expect("a sandbox open_id");
        // A few people get most of the mentions (Zipf-like), as in any support channel.
        out.push(Person {
            user_id,
            open_id,
            weight: 1.0 / ((i + 1) as f64).powf(0.8),
        });
    }
    out
}

fn pick<'a>(rng: &mut StdRng, people: &'a [Person], total: f64) -> &'a Person {
    let mut x = rng.gen::<f64>() * total;
    for p in people {
        x -= p.weight;
        if x <= 0.0 {
            return p;
        }
    }
    &people[people.len() - 1]
}

/// How many events a minute brings: quiet nights, busy office hours, and now and then a burst
/// (an incident) that mentions the same few people many times.
fn events_this_minute(rng: &mut StdRng, minute: i64) -> (usize, bool) {
    let hour = minute / 60;
    let base: f64 = if (9..18).contains(&hour) { 3.0 } else { 0.4 };
    let mut n = 0;
    let mut p = rng.gen::<f64>();
    let l = (-base).exp();
    while p > l {
        n += 1;
        p *= rng.gen::<f64>();
    }
    let burst = rng.gen::<f64>() < 0.01;
    if burst {
        n += rng.gen_range(20..60);
    }
    (n, burst)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let count: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let seed: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(7);
    let clock = ManualClock::starting_now();
    let mut opts = Options::ephemeral(Arc::new(clock.clone()));
    opts.retry_base_seconds = 0;
    let stack = LocalStack::start(opts).await?;
    demo::seed(&stack).await?;
    let people = people(&stack, count).await;
    let total_weight: f64 = people.iter().map(|p| p.weight).sum();
    let mut rng = StdRng::seed_from_u64(seed);
    sync_sandbox_clock(&stack, &clock).await;
    reqwest::Client::new()
        .delete(format!("{}/_tamlink/dynamodb-requests", stack.moto_url))
        .send()
        .await?;

    let started = Instant::now();
    let mut sent_to: HashMap<String, usize> = HashMap::new();
    let (mut events, mut bursts) = (0usize, 0usize);
    let mut tally = Tally::default();
    for minute in 0..MINUTES {
        let (n, burst) = events_this_minute(&mut rng, minute);
        bursts += usize::from(burst);
        let hot: Vec<&Person> = (0..3)
            .map(|_| pick(&mut rng, &people, total_weight))
            .collect();
        let batch: Vec<Notification> = (0..n)
            .map(|i| {
                let p = if burst {
                    hot[i % hot.len()]
                } else {
                    pick(&mut rng, &people, total_weight)
                };
                *sent_to.entry(p.user_id.clone()).or_default() += 1;
                events += 1;
                Notification {
                    id: format!("bench.{minute}.{i}"),
                    kind: NotificationKind::Mention,
                    urgent: false,
                    recipient: Recipient {
                        app_id: customer(),
                        open_id: p.open_id.clone(),
                        name: p.user_id.clone(),
                    },
                    org_app_id: customer(),
                    org_name: "Acme Robotics".into(),
                    group_id: None,
                    group_name: Some("Acme Robotics · Enterprise Service".into()),
                    actor: Some("Tara Lin".into()),
                    title: "Tara Lin mentioned you".into(),
                    excerpt: format!("event {minute}.{i}").into(),
                    link: format!("{}/lark/{CUSTOMER_APP_ID}/workbench", stack.base_url),
                    created_at: clock.now(),
                    card_key: None,
                    ticket: None,
                    ticket_status: None,
                    only_update: false,
                    survey: false,
                    seq: None,
                }
            })
            .collect();
        tamlink::notify::enqueue(&stack.ctx, &batch).await?;
        tally.minute(&stack, &clock).await?;
    }
    // Let the last windows end so everything that waited is delivered.
    for _ in 0..30 {
        tally.minute(&stack, &clock).await?;
    }
    let Tally {
        sqs_messages,
        handler_requests,
        sweep_requests,
    } = tally;
    let elapsed = started.elapsed();

    let messages = sandbox(
        &stack,
        reqwest::Method::GET,
        &format!("/_sandbox/messages?app_id={CUSTOMER_APP_ID}"),
        Value::Null,
    )
    .await;
    let messages = messages["messages"].as_array().cloned().unwrap_or_default();
    let calls = sandbox(&stack, reqwest::Method::GET, "/_sandbox/calls", Value::Null).await;
    let lark_calls = calls["calls"]
        .as_array()
        .map(|c| {
            c.iter()
                .filter(|c| c["kind"] == "message" && c["app_id"] == CUSTOMER_APP_ID)
                .count()
        })
        .unwrap_or(0);

    let mut delivered: HashMap<String, usize> = HashMap::new();
    let mut times: HashMap<String, Vec<f64>> = HashMap::new();
    for m in &messages {
        let who = m["recipient"].as_str().unwrap_or_default().to_owned();
        let title = m["content"]["header"]["title"]["content"]
            .as_str()
            .unwrap_or_default();
        let items = title
            .strip_suffix(" updates while you were away")
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        *delivered.entry(who.clone()).or_default() += items;
        times
            .entry(who)
            .or_default()
            .push(m["at"].as_f64().unwrap_or_default());
    }
    let (mut lost, mut duplicated) = (0usize, 0usize);
    for p in &people {
        let want = sent_to.get(&p.user_id).copied().unwrap_or(0);
        let got = delivered.get(&p.user_id).copied().unwrap_or(0);
        lost += want.saturating_sub(got);
        duplicated += got.saturating_sub(want);
    }
    let most_in_ten_minutes = times
        .values_mut()
        .map(|t| {
            t.sort_by(|a, b| a.total_cmp(b));
            (0..t.len())
                .map(|i| t[i..].iter().take_while(|x| **x < t[i] + 600.0).count())
                .max()
                .unwrap_or(0)
        })
        .max()
        .unwrap_or(0);
    let dms = messages.len();
    let month = tamlink::domain::budget::month_of(clock.now());
    let usage = stack.ctx.store.usage(&customer(), &month).await?;
    let tenant = stack.ctx.store.tenant(&customer()).await?.expect("acme");
    let step = tamlink::notifier::budget::step(&tenant.plan, usage.calls, usage.exhausted);

    println!("tamlink notifier benchmark: one synthetic day, {count} people, seed {seed}");
    println!("  events (mentions)                     {events} ({bursts} bursts)");
    println!("  DMs delivered                         {dms}");
    println!(
        "  DMs per event                         {:.3}",
        dms as f64 / events.max(1) as f64
    );
    println!(
        "  Lark calls per delivered DM           {:.3}  (goal <= 1.02)",
        lark_calls as f64 / dms.max(1) as f64
    );
    println!(
        "  SQS messages handled                  {sqs_messages} (notifications + digest flushes)"
    );
    println!(
        "  DynamoDB requests per SQS message     {:.2}  (goal <= 2; the notifier handler, digest flushes included)",
        handler_requests as f64 / sqs_messages.max(1) as f64
    );
    println!(
        "  DynamoDB requests of the digest sweep {sweep_requests}  ({} a minute, whatever the load)",
        sweep_requests / (MINUTES as u64 + 30)
    );
    println!("  most DMs to one person in 10 minutes  {most_in_ten_minutes}  (must be 1)");
    println!("  lost notifications                    {lost}  (must be 0)");
    println!("  duplicated notifications              {duplicated}  (must be 0)");
    println!(
        "  counted Lark calls today              {}  -> projected month {} (x30)",
        usage.calls,
        usage.calls * 30
    );
    println!(
        "  budget step at the end of the day     {} (free plan, tamlink's share {} calls)",
        step.name(),
        tenant.plan.allowance().unwrap_or(0)
    );
    println!(
        "  wall time                             {:.1}s",
        elapsed.as_secs_f64()
    );
    if lost > 0 || duplicated > 0 || most_in_ten_minutes > 1 {
        std::process::exit(1);
    }
    Ok(())
}

fn customer() -> AppId {
    AppId::parse(CUSTOMER_APP_ID).expect("the sandbox customer's App ID")
}
