//! `./run bench chat [posters] [posts each]`: many people posting to one group at once, as in an
//! outage, through the local gateway (real handler, moto DynamoDB). Prints posts per second, the
//! latency spread, how many posts failed, and whether every message got exactly one number.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tamlink::clock::{Clock, SystemClock};
use tamlink::ids::{AppId, OpenId};
use tamlink::session::{random_token, Session, SESSION_TTL};
use tamlink_gateway::demo::{self, CUSTOMER_APP_ID};
use tamlink_gateway::local::{LocalStack, Options, PROVIDER_APP_ID};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let posters: usize = args
        .next()
        .map_or(Ok(50), |a| a.parse())
        .map_err(|_| "posters")?;
    let each: usize = args
        .next()
        .map_or(Ok(4), |a| a.parse())
        .map_err(|_| "posts each")?;
    let clock = Arc::new(SystemClock);
    let stack = LocalStack::start(Options::ephemeral(clock.clone()))
        .await
        .map_err(|e| e.to_string())?;
    demo::seed(&stack).await?;
    let customer = AppId::parse(CUSTOMER_APP_ID).map_err(|e| e.to_string())?;
    let group = stack
        .ctx
        .store
        .tenant(&customer)
        .await
        .map_err(|e| e.to_string())?
        .and_then(|t| t.service_group_id)
        .ok_or("no service group")?;
    // The TAM is a member of the service group; every poster is one of her sessions (what
    // contends is the group, not the author).
    let provider = AppId::parse(PROVIDER_APP_ID).map_err(|e| e.to_string())?;
    let tara = OpenId::parse(&demo::open_id(&stack, PROVIDER_APP_ID, "tara").await?)
        .map_err(|e| e.to_string())?;
    let signer = stack.ctx.signer().map_err(|e| e.to_string())?;
    let tenant_key = stack
        .ctx
        .store
        .tenant(&provider)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("no provider")?
        .tenant_key;
    let cookie = |sid: String| {
        let token = signer.sign_session(&Session {
            app_id: provider.clone(),
            open_id: tara.clone(),
            union_id: String::new(),
            tenant_key: tenant_key.clone(),
            name: "Tara Lin".into(),
            avatar: String::new(),
            sid,
            generation: 0,
            exp: clock.now() + SESSION_TTL,
        });
        format!("tl_session={token}")
    };
    let url = format!(
        "{}/lark/{PROVIDER_APP_ID}/api/groups/{group}/messages",
        stack.base_url
    );
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for p in 0..posters {
        let (client, url, cookie) = (client.clone(), url.clone(), cookie(random_token()));
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for i in 0..each {
                let t0 = Instant::now();
                let resp = client
                    .post(&url)
                    .header("cookie", &cookie)
                    .json(&serde_json::json!({
                        "text": format!("poster {p} message {i}"),
                        "client_id": format!("bench-{p}-{i}"),
                    }))
                    .send()
                    .await;
                let ok = match resp {
                    Ok(r) if r.status().is_success() => r
                        .json::<serde_json::Value>()
                        .await
                        .ok()
                        .and_then(|v| v["seq"].as_u64()),
                    _ => None,
                };
                out.push((t0.elapsed(), ok));
            }
            out
        }));
    }
    let mut latencies = Vec::new();
    let mut seqs = Vec::new();
    let mut failed = 0;
    for t in tasks {
        for (latency, seq) in t.await.map_err(|e| e.to_string())? {
            latencies.push(latency);
            match seq {
                Some(s) => seqs.push(s),
                None => failed += 1,
            }
        }
    }
    let wall = started.elapsed();
    latencies.sort();
    let distinct: BTreeSet<u64> = seqs.iter().copied().collect();
    let total = posters * each;
    println!("posters at once                 {posters}");
    println!("posts                           {total} ({failed} failed)");
    println!(
        "posts per second to one group   {:.1}",
        (total - failed) as f64 / wall.as_secs_f64()
    );
    println!(
        "latency p50                     {:?}",
        percentile(&latencies, 0.5)
    );
    println!(
        "latency p99                     {:?}",
        percentile(&latencies, 0.99)
    );
    println!(
        "latency max                     {:?}",
        latencies[latencies.len() - 1]
    );
    // The chat as a reader polls it: every stored message once, numbered 1, 2, 3... with nothing
    // skipped (a duplicate post's number is voided, never shown).
    let mut read = Vec::new();
    let mut after = 0;
    loop {
        let page = stack
            .ctx
            .store
            .messages_after(&group, after)
            .await
            .map_err(|e| e.to_string())?;
        let Some(last) = page.messages.last() else {
            break;
        };
        after = last.seq;
        read.extend(page.messages.iter().map(|m| m.seq));
    }
    let dense = read == (1..=read.len() as u64).collect::<Vec<_>>();
    println!(
        "numbers                         {} given, {} distinct; the chat reads 1..={} with none skipped: {dense}",
        seqs.len(),
        distinct.len(),
        read.len(),
    );
    if failed > 0 || seqs.len() != distinct.len() || !dense {
        return Err("posts failed or numbering broke".into());
    }
    Ok(())
}
