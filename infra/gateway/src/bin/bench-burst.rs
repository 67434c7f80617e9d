//! `./run bench burst [orgs] [people] [burst] [instances] [every]`: many organisations on one
//! deployment, on the real clock, through the real notifier on the local stack. One organisation
//! sends a burst of mentions (default 20,000) at once; every other one keeps up steady traffic
//! for six minutes (a mention every `every` seconds, default 10, each to someone with no DM in
//! the last 10 minutes, so each should go out at once); one emergency is declared while the
//! burst waits. `instances` notifier
//! instances read the notification queue (its `MaximumConcurrency`), two the page queue.
//!
//! Prints: the time to drain the burst, the steady organisations' delay from enqueue to the DM
//! (p50, p99, slowest), the emergency page's delay, Lark's 429s, and DMs lost or sent twice.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tamlink::clock::{Clock, SystemClock};
use tamlink::config::SecretString;
use tamlink::ids::{AppId, OpenId};
use tamlink::notify::{Notification, NotificationKind, Recipient};
use tamlink::orgs::{self, Registration};
use tamlink_gateway::bench::{arg, percentile};
use tamlink_gateway::local::{repo_root, LocalStack, Options};
use tamlink_gateway::poller;

struct Org {
    app: AppId,
    name: String,
    people: Vec<OpenId>,
}

fn app_id(i: usize) -> String {
    format!("cli_burst{i:04}")
}

/// The sandbox's seed with `orgs` more organisations, each with its app and `people` people.
fn seed_file(orgs: usize, people: usize) -> Result<std::path::PathBuf, String> {
    let path = repo_root().join("infra/sandbox/seed.json");
    let mut seed: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    let acme = seed["apps"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["app_id"] == "cli_acmerobotics01"))
        .cloned()
        .ok_or("no Acme app in the seed")?;
    for i in 0..orgs {
        let tenant = format!("tk_burst{i:04}");
        seed["tenants"].as_array_mut().ok_or("tenants")?.push(json!({
            "tenant_key": tenant, "name": format!("Org {i}"), "display_id": format!("F9{i:08}"), "plan": "paid"
        }));
        let app = app_id(i);
        let text = acme
            .to_string()
            .replace("cli_acmerobotics01", &app)
            .replace("tk_acme", &tenant)
            .replace(
                "sandbox-secret-acme-robotics",
                &format!("sandbox-secret-burst{i:04}"),
            );
        let mut entry: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        entry
            .as_object_mut()
            .ok_or("app")?
            .remove("verification_token");
        seed["apps"].as_array_mut().ok_or("apps")?.push(entry);
        for p in 0..people {
            seed["users"].as_array_mut().ok_or("users")?.push(json!({
                "user_id": format!("b{i:04}p{p:03}"), "tenant_key": tenant, "name": format!("Person {p} of org {i}")
            }));
        }
    }
    let out = repo_root().join("target/bench-burst-seed.json");
    std::fs::write(&out, seed.to_string()).map_err(|e| e.to_string())?;
    Ok(out)
}

async fn sandbox_json(stack: &LocalStack, path: &str) -> Result<Value, String> {
    reqwest::get(format!("{}{path}", stack.sandbox_url))
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())
}

/// The notification ids starting with `prefix` in a card's text (a mention's excerpt here is its
/// id). Found by scanning once, not by searching every card for every id: with 5,000 cards and
/// 3,600 ids that took minutes, and `steady.x.3` was found inside `steady.x.30`.
fn ids_in<'a>(text: &'a str, prefix: &'static str) -> impl Iterator<Item = &'a str> {
    text.match_indices(prefix).map(move |(at, _)| {
        let rest = &text[at..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(rest.len());
        rest[..end].trim_end_matches('.')
    })
}

fn mention(org: &Org, to: &OpenId, id: String, now: i64, base: &str) -> Notification {
    Notification {
        id: id.clone(),
        kind: NotificationKind::Mention,
        urgent: false,
        recipient: Recipient {
            app_id: org.app.clone(),
            open_id: to.clone(),
            name: "Someone".into(),
        },
        org_app_id: org.app.clone(),
        org_name: org.name.clone(),
        group_id: None,
        group_name: None,
        actor: Some("A colleague".into()),
        title: "A colleague mentioned you".into(),
        excerpt: id.into(),
        link: format!("{base}/lark/{}/workbench", org.app),
        created_at: now,
        card_key: None,
        ticket: None,
        ticket_status: None,
        only_update: false,
        survey: false,
        seq: None,
        revision: None,
    }
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let orgs_n = arg(1, 100, "orgs")?;
    let people_n = arg(2, 200, "people")?;
    let burst_n = arg(3, 20_000, "burst")?;
    let instances = arg(4, 2, "instances")?;
    let every = arg(5, 10, "seconds between a steady organisation's mentions")?.max(1);
    let mut opts = Options::ephemeral(Arc::new(SystemClock));
    opts.seed = seed_file(orgs_n, people_n)?;
    let setup = Instant::now();
    let stack = LocalStack::start(opts).await.map_err(|e| e.to_string())?;
    let staff = tamlink_gateway::demo::seed_provider(&stack).await?;
    let tam = &staff[0];
    let mut orgs = Vec::new();
    for i in 0..orgs_n {
        let app = app_id(i);
        let reg = Registration {
            org_name: format!("Org {i}"),
            app_id: app.clone(),
            app_secret: SecretString::new(format!("sandbox-secret-burst{i:04}")),
            tam: None,
            engineers: None,
            brand: None,
            callback: None,
        };
        orgs::register_customer(&stack.ctx, &reg, tam)
            .await
            .map_err(|e| format!("{app}: {e}"))?;
        let app = AppId::parse(&app).map_err(|e| e.to_string())?;
        let users = sandbox_json(
            &stack,
            &format!("/_sandbox/users?app_id={app}&tenant_key=tk_burst{i:04}"),
        )
        .await?;
        let people = users["users"]
            .as_array()
            .ok_or("users")?
            .iter()
            .filter_map(|u| OpenId::parse(u["open_id"].as_str()?).ok())
            .collect::<Vec<_>>();
        orgs.push(Org {
            app,
            name: format!("Org {i}"),
            people,
        });
    }
    eprintln!(
        "{orgs_n} organisations of {people_n} people registered in {:.0} s",
        setup.elapsed().as_secs_f64()
    );
    // The notifier's instances, as the event source mappings would run them.
    let ctx = stack.ctx.clone();
    let mut tasks = Vec::new();
    for _ in 0..instances {
        tasks.push(poller::spawn(ctx.clone(), poller::NOTIFICATIONS));
    }
    for _ in 0..2 {
        tasks.push(poller::spawn(ctx.clone(), poller::PAGES));
    }

    let base = stack.base_url.clone();
    let started = Instant::now();
    let clock = SystemClock;
    let mut enqueued_at: HashMap<String, f64> = HashMap::new();
    // The burst: everyone in the first organisation mentioned over and over, all at once.
    let hot = &orgs[0];
    let burst: Vec<Notification> = (0..burst_n)
        .map(|i| {
            mention(
                hot,
                &hot.people[i % hot.people.len()],
                format!("burst.{i}"),
                clock.now(),
                &base,
            )
        })
        .collect();
    for chunk in burst.chunks(500) {
        tamlink::notify::enqueue(&stack.ctx, chunk)
            .await
            .map_err(|e| e.to_string())?;
    }
    let burst_queued = started.elapsed();
    // Steady traffic elsewhere: every `every` seconds a mention in each other organisation,
    // each to someone new (their window is free: it should go out at once); and one emergency.
    let rounds = (360 / every).max(3);
    let mut emergency_at = None;
    for round in 0..rounds {
        let tick = Instant::now();
        let batch: Vec<Notification> = orgs[1..]
            .iter()
            .map(|org| {
                mention(
                    org,
                    &org.people[round % org.people.len()],
                    format!("steady.{}.{round}", org.app),
                    clock.now(),
                    &base,
                )
            })
            .collect();
        for n in &batch {
            enqueued_at.insert(n.id.clone(), wall_clock());
        }
        tamlink::notify::enqueue(&stack.ctx, &batch)
            .await
            .map_err(|e| e.to_string())?;
        if round == 1 {
            let org = &orgs[orgs.len() / 2];
            let mut page = mention(
                org,
                &org.people[199.min(org.people.len() - 1)],
                "emergency.page".into(),
                clock.now(),
                &base,
            );
            page.urgent = true;
            page.kind = NotificationKind::Emergency;
            emergency_at = Some(wall_clock());
            tamlink::notify::enqueue(&stack.ctx, &[page])
                .await
                .map_err(|e| e.to_string())?;
        }
        eprintln!(
            "{:.0} s: steady round {round} queued",
            started.elapsed().as_secs_f64()
        );
        tokio::time::sleep(Duration::from_secs(every as u64).saturating_sub(tick.elapsed())).await;
    }
    // Until both queues are empty.
    let mut said = Instant::now();
    loop {
        let (v, h) = poller::queue_depth(&stack.ctx, poller::NOTIFICATIONS).await?;
        let (pv, ph) = poller::queue_depth(&stack.ctx, poller::PAGES).await?;
        if v + h + pv + ph == 0 {
            break;
        }
        if said.elapsed() > Duration::from_secs(30) {
            eprintln!(
                "{:.0} s: {v} waiting, {h} in flight",
                started.elapsed().as_secs_f64()
            );
            said = Instant::now();
        }
        if started.elapsed() > Duration::from_secs(3600) {
            return Err(format!(
                "not drained after an hour: {v} visible, {h} waiting"
            ));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let drained = started.elapsed();
    for t in tasks {
        t.abort();
    }

    // What Lark got, when (the sandbox's clock is the real one here).
    let messages = sandbox_json(&stack, "/_sandbox/messages").await?;
    let messages = messages["messages"].as_array().cloned().unwrap_or_default();
    let mut delays = Vec::new();
    let mut emergency_delay = None;
    let mut per_window: HashMap<(String, String), usize> = HashMap::new();
    let mut seen_steady = HashSet::new();
    let mut uuids = HashSet::new();
    let mut duplicates = 0;
    for m in &messages {
        let text = m["content"].to_string();
        let at = m["at"].as_f64().unwrap_or(0.0);
        if let Some(uuid) = m["uuid"].as_str() {
            if !uuids.insert((m["app_id"].to_string(), uuid.to_owned())) {
                duplicates += 1;
            }
        }
        *per_window
            .entry((m["app_id"].to_string(), m["receive_id"].to_string()))
            .or_default() += 1;
        for id in ids_in(&text, "steady.") {
            if let Some(queued) = enqueued_at.get(id) {
                if seen_steady.insert(id.to_owned()) {
                    delays.push(Duration::from_secs_f64((at - queued).max(0.0)));
                }
            }
        }
        if text.contains("emergency.page") {
            if let Some(e) = emergency_at {
                emergency_delay = Some(at - e);
            }
        }
    }
    delays.sort();
    let calls = sandbox_json(&stack, "/_sandbox/calls").await?;
    let throttled = calls["calls"]
        .as_array()
        .map(|c| c.iter().filter(|c| c["code"] == 99991400).count())
        .unwrap_or(0);
    let lost_steady = enqueued_at.len() - seen_steady.len();
    let burst_dms = messages
        .iter()
        .filter(|m| m["app_id"] == hot.app.as_str())
        .count();
    // Every burst mention is either in a DM (a digest card counts what it carries) or waits in
    // its person's digest: nothing else is allowed.
    let burst_sent: i64 = messages
        .iter()
        .filter(|m| m["app_id"] == hot.app.as_str())
        .map(|m| {
            m["content"]["header"]["title"]["content"]
                .as_str()
                .and_then(|t| t.strip_suffix(" updates while you were away"))
                .and_then(|n| n.parse().ok())
                .unwrap_or(1)
        })
        .sum();
    let month = tamlink::domain::budget::month_of(clock.now());
    let mut burst_waiting = 0i64;
    for person in &hot.people {
        let key = tamlink::store::PersonKey {
            app_id: &hot.app,
            open_id: person,
        };
        let snap = stack
            .ctx
            .store
            .notifier_snapshot(None, key, &month, None)
            .await
            .map_err(|e| e.to_string())?;
        let w = snap.window;
        burst_waiting += w.pending.len() as i64 + w.pending_more;
    }
    let burst_accounted = burst_sent + burst_waiting;
    println!(
        "burst benchmark: {orgs_n} organisations × {people_n} people; {burst_n} mentions at once in one; a mention every {every} s in each of the others for 6 minutes; {instances} notifier instances"
    );
    println!(
        "burst queued in {:.1} s; both queues drained {:.0} s after the start",
        burst_queued.as_secs_f64(),
        drained.as_secs_f64(),
    );
    println!(
        "the burst's organisation: {burst_dms} DMs (each of its {} people at most one per 10 minutes); {burst_waiting} mentions wait in digests; lost {}, counted twice {}",
        hot.people.len(),
        (burst_n as i64 - burst_accounted).max(0),
        (burst_accounted - burst_n as i64).max(0),
    );
    if !delays.is_empty() {
        println!(
            "other organisations, enqueue to DM: p50 {:.1} s, p99 {:.1} s, slowest {:.1} s ({} DMs)",
            percentile(&delays, 0.5).as_secs_f64(),
            percentile(&delays, 0.99).as_secs_f64(),
            delays.last().map(Duration::as_secs_f64).unwrap_or(0.0),
            delays.len()
        );
    }
    println!(
        "emergency page: {} after it was declared",
        emergency_delay.map_or("not sent".into(), |d| format!("{d:.1} s"))
    );
    println!(
        "Lark 429s: {throttled}; duplicates (same uuid twice): {duplicates}; steady mentions never sent: {lost_steady}; most DMs to one person: {}",
        per_window.values().max().copied().unwrap_or(0)
    );
    Ok(())
}

/// Seconds since the epoch with sub-second precision, on the clock the sandbox stamps its
/// messages with (the store's `Clock` counts whole seconds, too coarse for a delay of 0.3 s).
fn wall_clock() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::ids_in;

    #[test]
    fn a_cards_ids_are_found_whole() {
        let card = r#"{"text":"steady.cli_burst0001.30","more":"steady.cli_burst0002.3."}"#;
        let ids: Vec<&str> = ids_in(card, "steady.").collect();
        assert_eq!(ids, ["steady.cli_burst0001.30", "steady.cli_burst0002.3"]);
        assert_eq!(ids_in("nothing here", "steady.").count(), 0);
    }
}
