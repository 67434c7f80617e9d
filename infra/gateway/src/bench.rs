//! What the HTTP benchmarks (`bench-chat`, `bench-callback`) share: arguments, a demo stack on the
//! system clock, a signed-in person's cookie without the Lark round trip, JSON replies, and
//! percentiles.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tamlink::clock::SystemClock;
use tamlink::ids::{AppId, OpenId};
use tamlink::session::{random_token, Session, SESSION_TTL};

use crate::local::{LocalStack, Options};

/// The `n`th command-line argument as a number, or `default` when absent.
pub fn arg(n: usize, default: usize, what: &str) -> Result<usize, String> {
    std::env::args()
        .nth(n)
        .map_or(Ok(default), |a| a.parse())
        .map_err(|_| format!("{what} must be a number"))
}

/// A fresh local stack with the demo organisations, on the real clock.
pub async fn demo_stack() -> Result<LocalStack, String> {
    demo_stack_with(|_| {}).await
}

/// The same, with some options changed (`bench-push` runs the chat push).
pub async fn demo_stack_with(change: impl FnOnce(&mut Options)) -> Result<LocalStack, String> {
    let mut opts = Options::ephemeral(Arc::new(SystemClock));
    change(&mut opts);
    let stack = LocalStack::start(opts).await.map_err(|e| e.to_string())?;
    crate::demo::seed(&stack).await?;
    Ok(stack)
}

/// The demo organisation's service group.
pub async fn service_group(stack: &LocalStack) -> Result<tamlink::ids::GroupId, String> {
    let customer = AppId::parse(crate::demo::CUSTOMER_APP_ID).map_err(|e| e.to_string())?;
    stack
        .ctx
        .store
        .tenant(&customer)
        .await
        .map_err(|e| e.to_string())?
        .and_then(|t| t.service_group_id)
        .ok_or_else(|| "no service group".into())
}

/// A session cookie for sandbox user `user` of `app` (a new session each call), signed as the
/// sign-in would: the benchmarks measure the routes, not Lark's OAuth.
pub async fn session_cookie(
    stack: &LocalStack,
    app: &str,
    user: &str,
    name: &str,
) -> Result<String, String> {
    let session = session(stack, app, user, name).await?;
    let token = stack
        .ctx
        .signer()
        .map_err(|e| e.to_string())?
        .sign_session(&session);
    Ok(format!("tl_session={token}"))
}

/// A new session of sandbox user `user` of `app`, as the sign-in would make it.
pub async fn session(
    stack: &LocalStack,
    app: &str,
    user: &str,
    name: &str,
) -> Result<Session, String> {
    let app_id = AppId::parse(app).map_err(|e| e.to_string())?;
    let open_id =
        OpenId::parse(&crate::demo::open_id(stack, app, user).await?).map_err(|e| e.to_string())?;
    let tenant_key = stack
        .ctx
        .store
        .tenant(&app_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or(format!("{app} is not registered"))?
        .tenant_key;
    Ok(Session {
        app_id,
        open_id,
        union_id: String::new(),
        tenant_key,
        name: name.into(),
        avatar: String::new(),
        sid: random_token(),
        generation: 0,
        exp: stack.ctx.clock.now() + SESSION_TTL,
    })
}

/// DynamoDB requests moto counted since the last call (and starts counting afresh).
pub async fn dynamodb_requests(stack: &LocalStack) -> Result<u64, String> {
    let v = json_reply(
        reqwest::Client::new().delete(format!("{}/_tamlink/dynamodb-requests", stack.moto_url)),
    )
    .await?;
    v["total"].as_u64().ok_or_else(|| "no total".into())
}

/// Sends a request and reads its JSON answer.
pub async fn json_reply(req: reqwest::RequestBuilder) -> Result<Value, String> {
    req.send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())
}

/// The `p` quantile (0 to 1) of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}
