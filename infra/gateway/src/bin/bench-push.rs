//! `./run bench push [followers] [messages]`: the chat socket against polling, on the local
//! stack (the gateway's WebSocket API, the table's stream read four times a second as Lambda
//! reads it, the real handlers, moto). `followers` pages follow the service group; the TAM
//! posts `messages` messages at a conversation's pace, then the same number at once. Prints the
//! push latency from a post's answer to each page's frame (p50/p99), messages pushed per second
//! in the burst, what each costs in DynamoDB requests, and requests and dollars per open tab
//! and hour for push against polling every 3 seconds, from AWS's list prices.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt;
use tamlink_gateway::bench::{
    arg, demo_stack_with, dynamodb_requests, json_reply, percentile, service_group, session,
    session_cookie,
};
use tamlink_gateway::local::PROVIDER_APP_ID;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// When each page heard each message number.
type Heard = Arc<Mutex<Vec<(u64, Instant)>>>;

/// AWS list prices, us-east-1 (December 2026 pages): API Gateway HTTP API $1.00 per million
/// requests; WebSocket API $1.00 per million messages (32 KB units) and $0.25 per million
/// connection minutes; Lambda $0.20 per million requests and $0.0000133334 per GB-second on
/// arm64; DynamoDB on demand $0.125 per million read and $0.625 per million write units.
const HTTP_REQUEST: f64 = 1.00e-6;
const WS_MESSAGE: f64 = 1.00e-6;
const WS_MINUTE: f64 = 0.25e-6;
const LAMBDA_REQUEST: f64 = 0.20e-6;
/// 256 MB for 20 ms billed: an assumption (the local stack cannot time Lambda).
const LAMBDA_RUN: f64 = 0.25 * 0.020 * 0.000_013_333_4;
const DDB_READ: f64 = 0.125e-6;
const DDB_WRITE: f64 = 0.625e-6;

#[tokio::main]
async fn main() -> Result<(), String> {
    let followers = arg(1, 50, "followers")?;
    let messages = arg(2, 200, "messages")? as u64;
    let stack = demo_stack_with(|o| o.pushes = true).await?;
    let group = service_group(&stack).await?;

    // The TAM posts (the demo's colleagues join the group when they first sign in).
    let cookie = session_cookie(&stack, PROVIDER_APP_ID, "tara", "Tara Lin").await?;
    let base = format!(
        "{}/lark/{PROVIDER_APP_ID}/api/groups/{group}/messages",
        stack.base_url
    );
    let client = reqwest::Client::new();
    // What one post costs, before any page follows the group (to tell the push's share of the
    // requests from the posts').
    let post_cost = posts_cost(&client, &base, &cookie).await?;

    // The pages: each a session of the TAM's (a member of the group) with its own socket.
    tokio::time::sleep(Duration::from_millis(500)).await;
    dynamodb_requests(&stack).await?;
    let heard: Vec<Heard> = (0..followers).map(|_| Heard::default()).collect();
    for h in &heard {
        let s = session(&stack, PROVIDER_APP_ID, "tara", "Tara Lin").await?;
        let url = tamlink::sockets::socket_url(&stack.ctx, &s, &group, tamlink::i18n::Lang::En)
            .map_err(|e| e.to_string())?
            .ok_or("no socket URL")?;
        let mut request = url.into_client_request().map_err(|e| e.to_string())?;
        request.headers_mut().insert(
            "origin",
            stack.base_url.parse().map_err(|_| "origin".to_string())?,
        );
        let (ws, _) = tokio_tungstenite::connect_async(request)
            .await
            .map_err(|e| e.to_string())?;
        let h = h.clone();
        tokio::spawn(async move {
            let (_, mut frames) = ws.split();
            while let Some(Ok(frame)) = frames.next().await {
                if let Ok(v) =
                    serde_json::from_str::<serde_json::Value>(frame.to_text().unwrap_or(""))
                {
                    if let Some(seq) = v["message"]["seq"].as_u64() {
                        h.lock().unwrap().push((seq, Instant::now()));
                    }
                }
            }
        });
    }
    let connect_requests = dynamodb_requests(&stack).await? as f64 / followers as f64;

    let post = |n: u64| {
        let req = client
            .post(&base)
            .header("cookie", &cookie)
            .json(&serde_json::json!({"text": format!("message {n}")}));
        async move {
            let v = json_reply(req).await?;
            let seq = v["seq"].as_u64().ok_or(format!("no seq: {v}"))?;
            Ok::<_, String>((seq, Instant::now()))
        }
    };

    // A conversation: one message every 200 ms.
    let mut posted: HashMap<u64, Instant> = HashMap::new();
    for n in 0..messages {
        let (seq, at) = post(n).await?;
        posted.insert(seq, at);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let conversation = wait_for(&heard, messages, Duration::from_secs(60)).await;
    let requests = dynamodb_requests(&stack).await?;
    let push_requests = requests.saturating_sub(post_cost * messages) as f64 / messages as f64;
    let mut latencies = delivery_latencies(&heard, &posted);
    latencies.sort();

    // A burst: as many messages again, 20 posting at once.
    for h in &heard {
        h.lock().unwrap().clear();
    }
    let started = Instant::now();
    let mut burst = Vec::new();
    for chunk in (0..messages).collect::<Vec<_>>().chunks(20) {
        let sent = futures::future::join_all(chunk.iter().map(|n| post(*n))).await;
        for s in sent {
            let (seq, at) = s?;
            burst.push((seq, at));
        }
    }
    let burst_heard = wait_for(&heard, messages, Duration::from_secs(120)).await;
    let last = heard
        .iter()
        .flat_map(|h| {
            h.lock()
                .unwrap()
                .iter()
                .map(|(_, at)| *at)
                .collect::<Vec<_>>()
        })
        .max()
        .unwrap_or(started);
    let per_second = burst_heard as f64 / (last - started).as_secs_f64();
    let burst_posted: HashMap<u64, Instant> = burst.into_iter().collect();
    let mut burst_latencies = delivery_latencies(&heard, &burst_posted);
    burst_latencies.sort();

    // A poll (the page's GET …/messages?after=n with nothing new) costs this many requests.
    let poll_requests = requests_of(
        &client
            .get(format!("{base}?after={}", 2 * messages + 100))
            .header("cookie", &cookie),
    )
    .await?;

    println!("chat push: {followers} pages following one group, {messages} messages");
    println!(
        "conversation (a message every 200 ms): {conversation} of {} deliveries; latency from the post's answer to the page p50 {:.0} ms, p99 {:.0} ms",
        messages * followers as u64,
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99)),
    );
    println!(
        "burst ({messages} messages, 20 at once): {burst_heard} deliveries, {per_second:.0} pushed per second; latency p50 {:.0} ms, p99 {:.0} ms",
        ms(percentile(&burst_latencies, 0.5)),
        ms(percentile(&burst_latencies, 0.99)),
    );
    println!(
        "DynamoDB requests: {connect_requests:.1} per connect, {push_requests:.1} per message pushed (to all {followers} pages), {poll_requests} per poll"
    );

    // Requests per open tab and hour. Polling: a GET every 3 s. Push: the socket's minutes, a
    // keep-alive frame every 9 minutes ($default), a reconnect every 2 hours (connect,
    // disconnect, one poll), and per message one frame; the push function's invocation and
    // requests are shared by the pages following the group.
    let polls = 3600.0 / 3.0;
    let keepalives = 60.0 / 9.0;
    let reconnects = 0.5;
    // The push function's work per message is shared by the pages following the group: taken
    // as 5 open pages per group (a service group at work), not the benchmark's many.
    let tabs_per_group = 5.0;
    println!();
    println!("per open tab-hour                       polling (3 s)   push (socket)");
    for (what, per_hour) in [
        ("idle (nobody speaks)", 0.0),
        ("conversation (a message a minute)", 60.0),
    ] {
        let poll_http = polls;
        let poll_lambda = polls;
        let poll_reads = polls * poll_requests as f64;
        let push_lambda = keepalives + reconnects * 3.0 + per_hour / tabs_per_group;
        let push_http = reconnects;
        let push_reads = reconnects * (connect_requests + poll_requests as f64)
            + per_hour * push_requests / tabs_per_group;
        let push_writes = reconnects * 2.0;
        let push_frames = keepalives + per_hour;
        println!(
            "{what:<40}{:>8.0} requests{:>8.1} requests",
            poll_http + poll_lambda + poll_reads,
            push_http + push_lambda + push_reads + push_writes + push_frames,
        );
        let poll_cost = poll_http * HTTP_REQUEST
            + poll_lambda * (LAMBDA_REQUEST + LAMBDA_RUN)
            + poll_reads * DDB_READ;
        let push_cost = push_http * HTTP_REQUEST
            + push_lambda * (LAMBDA_REQUEST + LAMBDA_RUN)
            + push_reads * DDB_READ
            + push_writes * DDB_WRITE
            + push_frames * WS_MESSAGE
            + 60.0 * WS_MINUTE;
        println!(
            "{:<40}{:>8.2} $     {:>8.2} $   per 1,000 user-hours",
            "",
            poll_cost * 1000.0,
            push_cost * 1000.0
        );
    }
    println!("(prices: AWS list, us-east-1; Lambda billed as 256 MB for 20 ms, an assumption)");
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Waits until every page heard `messages` messages (or `limit`); how many deliveries there were.
async fn wait_for(heard: &[Heard], messages: u64, limit: Duration) -> u64 {
    let started = Instant::now();
    loop {
        let got: u64 = heard.iter().map(|h| h.lock().unwrap().len() as u64).sum();
        if got >= messages * heard.len() as u64 || started.elapsed() > limit {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// From each post's answer to each page's frame.
fn delivery_latencies(heard: &[Heard], posted: &HashMap<u64, Instant>) -> Vec<Duration> {
    heard
        .iter()
        .flat_map(|h| {
            h.lock()
                .unwrap()
                .iter()
                .filter_map(|(seq, at)| Some(at.saturating_duration_since(*posted.get(seq)?)))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// DynamoDB requests one route call made (the gateway's `x-local-aws-calls`).
async fn requests_of(req: &reqwest::RequestBuilder) -> Result<u64, String> {
    let resp = req
        .try_clone()
        .ok_or("request")?
        .send()
        .await
        .map_err(|e| e.to_string())?;
    Ok(resp
        .headers()
        .get("x-local-aws-calls")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(' ').filter(|c| c.starts_with("dynamodb:")).count() as u64)
        .unwrap_or(0))
}

/// What one post costs in DynamoDB requests (to tell the push's share from the posts').
async fn posts_cost(client: &reqwest::Client, base: &str, cookie: &str) -> Result<u64, String> {
    requests_of(
        &client
            .post(base)
            .header("cookie", cookie)
            .json(&serde_json::json!({"text": "measuring a post"})),
    )
    .await
}
