//! `bench-notifier`: replays a synthetic, bursty day of notifications for a 200-person
//! organisation through the real notifier handler, against moto and the Lark sandbox, minute by
//! minute on an injected clock, and prints what it cost and what people got.
//!
//! Usage: `./run bench` (or `cargo run -p tamlink-gateway --bin bench-notifier -- [people] [seed]`).
//!
//! `./run bench read [percent]` (`… -- [people] [seed] [percent]`): the same day twice, first as
//! today, then with that share of people (default 50 %) keeping the chat open in the web app in
//! office hours, where they read each message within the minute it arrives (their page reports
//! as `group_panel.html` does: what it showed, and every 4 minutes). Prints both days and what
//! reading in the web app saved.

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
        let started = clock.now();
        self.sqs_messages += stack.deliver().await?;
        self.handler_requests += dynamo_requests(stack).await;
        stack.run_job("DigestSweepFunction").await?;
        self.sweep_requests += dynamo_requests(stack).await;
        self.sqs_messages += stack.deliver().await?;
        self.handler_requests += dynamo_requests(stack).await;
        // Seconds spent waiting for retries (the notifier's pacing) are part of the minute.
        clock.advance((60 - (clock.now() - started)).max(0));
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

/// What a day cost and what people got.
struct Day {
    events: usize,
    lark_calls: usize,
    dms: usize,
    read_in_app: usize,
    lost: usize,
    duplicated: usize,
    most_in_ten_minutes: usize,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let count: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let seed: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(7);
    let live: Option<u64> = args.get(3).and_then(|a| a.parse().ok());
    // The day with readers first: its figures print even if the second day is cut short.
    let reading = match live.filter(|l| *l > 0) {
        Some(live) => Some(day(count, seed, live.min(100)).await?),
        None => None,
    };
    let today = day(count, seed, 0).await?;
    let mut failed = today.failed();
    if let (Some(live), Some(reading)) = (live, reading) {
        failed |= reading.failed();
        println!("reading in the web app: {live} % of people keep the chat open in office hours");
        println!(
            "  Lark calls                            {} -> {} ({:.0} % saved)",
            today.lark_calls,
            reading.lark_calls,
            100.0 * (1.0 - reading.lark_calls as f64 / today.lark_calls.max(1) as f64)
        );
        println!(
            "  DMs (cards and digests) delivered     {} -> {}",
            today.dms, reading.dms
        );
        println!(
            "  Lark calls per mention                {:.3} -> {:.3}",
            today.lark_calls as f64 / today.events.max(1) as f64,
            reading.lark_calls as f64 / reading.events.max(1) as f64
        );
        println!(
            "  mentions read in the web app, not sent {}  (unread ones all delivered: {} lost)",
            reading.read_in_app, reading.lost
        );
        if live >= 100 {
            // Everyone reads live in office hours: the goal for such an organisation.
            println!(
                "  goal: <= 0.5 Lark calls per mention for an organisation reading live: {}",
                if (reading.lark_calls as f64) <= 0.5 * reading.events as f64 {
                    "met"
                } else {
                    "NOT met"
                }
            );
        }
    }
    if failed {
        std::process::exit(1);
    }
    Ok(())
}

impl Day {
    fn failed(&self) -> bool {
        self.lost > 0 || self.duplicated > 0 || self.most_in_ten_minutes > 1
    }
}

/// Whether person `i` keeps the chat open in office hours, for `live` percent of people (spread
/// over the popular and the quiet alike).
fn is_live(i: usize, live: u64) -> bool {
    ((i as u64 * 37) % 100) < live
}

async fn day(count: usize, seed: u64, live: u64) -> Result<Day, Box<dyn std::error::Error>> {
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

    let group = stack
        .ctx
        .store
        .tenant(&customer())
        .await?
        .and_then(|t| t.service_group_id)
        .expect("the demo's service group");
    let mut seq: u64 = 0;
    // Live readers' pages: the last 4-minute report, and what they will have read by next minute.
    let mut reported: HashMap<usize, i64> = HashMap::new();
    let mut to_read: HashMap<usize, u64> = HashMap::new();
    let mut sent_seqs: HashMap<String, Vec<u64>> = HashMap::new();
    let started = Instant::now();
    let mut sent_to: HashMap<String, usize> = HashMap::new();
    let (mut events, mut bursts) = (0usize, 0usize);
    let mut tally = Tally::default();
    for minute in 0..MINUTES {
        let office = (9..18).contains(&(minute / 60));
        // What live readers' pages showed last minute, they have read now.
        for (i, upto) in to_read.drain() {
            let p = &people[i];
            stack
                .ctx
                .store
                .mark_read(&customer(), &p.open_id, &group, upto, clock.now())
                .await?;
        }
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
                seq += 1;
                sent_seqs.entry(p.user_id.clone()).or_default().push(seq);
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
                    group_id: Some(group.clone()),
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
                    seq: Some(seq),
                    revision: None,
                }
            })
            .collect();
        if live > 0 && office {
            for n in &batch {
                let Some(i) = people.iter().position(|p| p.open_id == n.recipient.open_id) else {
                    continue;
                };
                if !is_live(i, live) {
                    continue;
                }
                // Their open page reported at the start of this 4-minute stretch...
                let block = clock.now() - clock.now().rem_euclid(240);
                if reported.get(&i) != Some(&block) {
                    reported.insert(i, block);
                    stack
                        .ctx
                        .store
                        .mark_read(&customer(), &n.recipient.open_id, &group, 0, block)
                        .await?;
                }
                // ...and shows this message within the minute.
                let upto = to_read.entry(i).or_default();
                *upto = (*upto).max(n.seq.unwrap_or(0));
            }
        }
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
    // Every notification must reach its person unless they read it in the web app first: what
    // lies beyond where they have read must all have been delivered.
    let (mut lost, mut duplicated, mut read_in_app) = (0usize, 0usize, 0usize);
    for p in &people {
        let want = sent_to.get(&p.user_id).copied().unwrap_or(0);
        let got = delivered.get(&p.user_id).copied().unwrap_or(0);
        let upto = stack
            .ctx
            .store
            .read_positions(&customer(), &p.open_id)
            .await?
            .of(&group)
            .map_or(0, |r| r.seq);
        let unread = sent_seqs
            .get(&p.user_id)
            .map_or(0, |s| s.iter().filter(|&&q| q > upto).count());
        lost += unread.saturating_sub(got);
        duplicated += got.saturating_sub(want);
        read_in_app += want.saturating_sub(got);
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

    println!(
        "tamlink notifier benchmark: one synthetic day, {count} people, seed {seed}{}",
        if live > 0 {
            format!(", {live} % reading the chat live in office hours")
        } else {
            String::new()
        }
    );
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
        "  DynamoDB requests per SQS message     {:.2}  (the notifier handler, digest flushes included: a read and a write each, and one pacing update per send)",
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
    Ok(Day {
        events,
        lark_calls,
        dms,
        read_in_app,
        lost,
        duplicated,
        most_in_ten_minutes,
    })
}

fn customer() -> AppId {
    AppId::parse(CUSTOMER_APP_ID).expect("the sandbox customer's App ID")
}
