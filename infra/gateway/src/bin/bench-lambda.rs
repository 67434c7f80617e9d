//! `./run bench lambda`: cold start (spawn to first response, median of 20) and peak memory of the
//! Lambda binary for an HTTP page, an HTTP JSON route, the notifier and a scheduled job, each run
//! under the Runtime API emulator against a fresh local stack (moto + Lark sandbox), with the
//! settings the template gives that function. Includes the one Secrets Manager read at cold start
//! (measured apart, against moto). Usage: `bench-lambda <path to bootstrap>`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tamlink::clock::SystemClock;
use tamlink_gateway::emulator::{events, Environment, Outcome};
use tamlink_gateway::local::{LocalStack, Options};

const RUNS: usize = 20;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let binary = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: bench-lambda <bootstrap>")?,
    );
    let size = std::fs::metadata(&binary).map_err(|e| e.to_string())?.len();
    let stack = LocalStack::start(Options::ephemeral(Arc::new(SystemClock)))
        .await
        .map_err(|e| e.to_string())?;
    tamlink_gateway::demo::seed(&stack)
        .await
        .map_err(|e| e.to_string())?;
    let env = stack.env();
    let app = tamlink_gateway::demo::CUSTOMER_APP_ID;
    let cases: Vec<(&str, &str, serde_json::Value)> = vec![
        (
            "HTTP page",
            "WorkbenchFunction",
            events::http(
                "GET",
                "/lark/{appId}/workbench",
                &format!("/lark/{app}/workbench"),
                "",
                &[("accept", "text/html")],
                &[],
                None,
            ),
        ),
        (
            "HTTP JSON",
            "ListGroupsFunction",
            events::http(
                "GET",
                "/lark/{appId}/api/groups",
                &format!("/lark/{app}/api/groups"),
                "",
                &[("accept", "application/json")],
                &[],
                None,
            ),
        ),
        ("SQS notifier", "NotifierFunction", events::sqs(&[])),
        ("schedule", "DigestSweepFunction", events::schedule()),
    ];
    println!("binary {} ({:.1} MB)", binary.display(), size as f64 / 1e6);
    println!(
        "{:<14} {:<20} {:>16} {:>16} {:>14}",
        "kind", "function", "cold start p50", "warm call p50", "peak RSS"
    );
    for (kind, function, event) in cases {
        let (mut cold, mut warm, mut rss) = (Vec::new(), Vec::new(), 0u64);
        for _ in 0..RUNS {
            let mut envm = Environment::start(&binary, function, &env).await?;
            let outcome = envm.invoke(event.clone()).await?;
            cold.push(envm.started.elapsed());
            if let Outcome::Error(e) = outcome {
                return Err(format!("{function}: {e}"));
            }
            let t = Instant::now();
            envm.invoke(event.clone()).await?;
            warm.push(t.elapsed());
            rss = rss.max(envm.peak_rss_kib().unwrap_or(0));
        }
        println!(
            "{:<14} {:<20} {:>13.1} ms {:>13.1} ms {:>11.1} MB",
            kind,
            function,
            median(cold).as_secs_f64() * 1e3,
            median(warm).as_secs_f64() * 1e3,
            rss as f64 / 1024.0
        );
    }
    // What reading the signing key adds to a cold start (one GetSecretValue, here against moto).
    let aws = tamlink::context::aws_sdk_config(&stack.ctx.settings);
    let sm = aws_sdk_secretsmanager::Client::new(&aws);
    let arn = stack
        .resources
        .secret_arn("SigningKeySecret")
        .ok_or("no signing key secret")?;
    let mut reads = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        sm.get_secret_value()
            .secret_id(arn)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        reads.push(t.elapsed());
    }
    println!(
        "GetSecretValue at cold start (moto, warm connection) p50 {:.1} ms",
        median(reads).as_secs_f64() * 1e3
    );
    Ok(())
}
