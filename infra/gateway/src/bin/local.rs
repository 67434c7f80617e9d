//! `tamlink-local`: the whole stack on loopback with demo data. Prints where to go; Ctrl-C stops
//! everything it started.

use std::sync::Arc;

use tamlink::clock::SystemClock;
use tamlink_gateway::demo::{self, CUSTOMER_APP_ID, FEISHU_APP_ID, MISCONFIGURED_APP_ID};
use tamlink_gateway::local::{LocalStack, Options, PROVIDER_APP_ID};

fn port(var: &str, default: u16) -> u16 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()))
        .init();
    let mut opts = Options::ephemeral(Arc::new(SystemClock));
    opts.gateway_port = port("TAMLINK_PORT", 3000);
    opts.moto_port = port("TAMLINK_MOTO_PORT", 0);
    opts.sandbox_port = port("TAMLINK_SANDBOX_PORT", 8765);
    // Scheduled functions run at least once a minute locally (15 minutes in AWS).
    opts.schedules = Some(std::time::Duration::from_secs(u64::from(port(
        "TAMLINK_SCHEDULE_SECONDS",
        60,
    ))));
    opts.notifier = true;
    opts.pushes = true;
    opts.retry_base_seconds = 10;
    let stack = LocalStack::start(opts).await?;
    demo::seed(&stack).await?;
    demo::seed_feishu(&stack).await?;
    let base = &stack.base_url;
    println!(
        "\n\
         tamlink is running.\n\n\
         \x20 Open the customer workbench:  {base}/lark/{CUSTOMER_APP_ID}/workbench\n\
         \x20     sign in as Ana Ortiz or Ben Brooks (Acme Robotics) on the sandbox's Lark page\n\
         \x20 A Feishu organisation:        {base}/lark/{FEISHU_APP_ID}/workbench\n\
         \x20     sign in as 王伟 or 李芳 (莲花半导体) on the sandbox's Feishu page ({feishu})\n\
         \x20 Open the staff console:       {base}/lark/{PROVIDER_APP_ID}/workbench\n\
         \x20     sign in as Tara Lin (TAM) — try registering Globex: App ID {MISCONFIGURED_APP_ID}\n\
         \x20     (its sandbox App Secret is in infra/sandbox/seed.json), to see the checklist\n\
         \x20     find its mistakes\n\
         \x20 Setup values for a customer:  {base}/lark/{MISCONFIGURED_APP_ID}/api/setup\n\
         \x20 Lark sandbox (what bots sent): {sandbox}/\n\
         \x20 Tara's Lark chat (press a card's buttons): {sandbox}/_sandbox/messenger?user=tara\n\
         \x20 Ana's Lark chat:              {sandbox}/_sandbox/messenger?user=ana\n\n\
         Press Ctrl-C to stop.",
        sandbox = stack.sandbox_url,
        feishu = stack.feishu_url,
    );
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r?,
        _ = term.recv() => {}
    }
    println!("stopping…");
    drop(stack);
    // Give the child processes a moment to be reaped so no port stays bound.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    Ok(())
}
