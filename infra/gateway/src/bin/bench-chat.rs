//! `./run bench chat [posters] [posts each]`: many people posting to one group at once, as in an
//! outage, through the local gateway (real handler, moto DynamoDB). Prints posts per second, the
//! latency spread, how many posts failed, and whether every message got exactly one number.

use std::collections::BTreeSet;
use std::time::Instant;

use tamlink_gateway::bench::{arg, demo_stack, percentile, service_group, session_cookie};
use tamlink_gateway::local::PROVIDER_APP_ID;

#[tokio::main]
async fn main() -> Result<(), String> {
    let posters = arg(1, 50, "posters")?;
    let each = arg(2, 4, "posts each")?;
    let stack = demo_stack().await?;
    let group = service_group(&stack).await?;
    let url = format!(
        "{}/lark/{PROVIDER_APP_ID}/api/groups/{group}/messages",
        stack.base_url
    );
    let client = reqwest::Client::new();
    // The TAM is a member of the service group; every poster is a session of hers of its own
    // (what contends is the group, not the author).
    let mut cookies = Vec::new();
    for _ in 0..posters {
        cookies.push(session_cookie(&stack, PROVIDER_APP_ID, "tara", "Tara Lin").await?);
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (p, cookie) in cookies.into_iter().enumerate() {
        let (client, url) = (client.clone(), url.clone());
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
