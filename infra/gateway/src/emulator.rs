//! A Lambda Runtime API emulator: runs the real `bootstrap` binary as Lambda would (the Runtime
//! API on `AWS_LAMBDA_RUNTIME_API`, `_HANDLER` naming the function) and hands it events in the
//! shapes API Gateway, SQS and EventBridge Scheduler send. Used by the Lambda contract tests
//! (`lambda/tests/contract.rs`) and by `./run bench lambda` (cold start and memory).
//!
//! Implements the four endpoints a runtime uses: `GET invocation/next`, `POST
//! invocation/{id}/response`, `POST invocation/{id}/error`, `POST init/error`.

use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value;
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, oneshot, Mutex};

/// What the function answered to one invocation.
#[derive(Debug)]
pub enum Outcome {
    Response(Value),
    Error(Value),
}

struct Pending {
    id: String,
    event: Value,
    reply: oneshot::Sender<Outcome>,
}

#[derive(Default)]
struct Shared {
    queue: Mutex<Option<mpsc::Receiver<Pending>>>,
    waiting: Mutex<HashMap<String, oneshot::Sender<Outcome>>>,
    init_error: Mutex<Option<Value>>,
}

/// One function's execution environment: the process and its Runtime API.
pub struct Environment {
    child: Child,
    sender: mpsc::Sender<Pending>,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
    next_id: u64,
    pub started: Instant,
}

impl Drop for Environment {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        self.server.abort();
    }
}

async fn next(State(shared): State<Arc<Shared>>) -> Response {
    let pending = {
        let mut queue = shared.queue.lock().await;
        let Some(rx) = queue.as_mut() else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        rx.recv().await
    };
    let Some(p) = pending else {
        return StatusCode::GONE.into_response();
    };
    shared.waiting.lock().await.insert(p.id.clone(), p.reply);
    let deadline = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis()
        + 15_000;
    let mut headers = HeaderMap::new();
    let set = |h: &mut HeaderMap, k: &'static str, v: String| {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    };
    set(&mut headers, "lambda-runtime-aws-request-id", p.id.clone());
    set(
        &mut headers,
        "lambda-runtime-deadline-ms",
        deadline.to_string(),
    );
    set(
        &mut headers,
        "lambda-runtime-invoked-function-arn",
        "arn:aws:lambda:us-east-1:123456789012:function:tamlink-local".into(),
    );
    set(
        &mut headers,
        "lambda-runtime-trace-id",
        format!("Root=1-00000000-{:024x};Sampled=0", 1),
    );
    set(&mut headers, "content-type", "application/json".into());
    (StatusCode::OK, headers, p.event.to_string()).into_response()
}

async fn respond(
    State(shared): State<Arc<Shared>>,
    UrlPath(id): UrlPath<String>,
    body: axum::body::Bytes,
) -> StatusCode {
    finish(&shared, &id, Outcome::Response(parse(&body))).await
}

async fn fail(
    State(shared): State<Arc<Shared>>,
    UrlPath(id): UrlPath<String>,
    body: axum::body::Bytes,
) -> StatusCode {
    finish(&shared, &id, Outcome::Error(parse(&body))).await
}

async fn init_error(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> StatusCode {
    *shared.init_error.lock().await = Some(parse(&body));
    StatusCode::ACCEPTED
}

fn parse(body: &[u8]) -> Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()))
}

async fn finish(shared: &Shared, id: &str, outcome: Outcome) -> StatusCode {
    match shared.waiting.lock().await.remove(id) {
        Some(tx) => {
            let _ = tx.send(outcome);
            StatusCode::ACCEPTED
        }
        None => StatusCode::NOT_FOUND,
    }
}

impl Environment {
    /// Starts `binary` as `function` with `env` (the function's settings), as a cold start.
    pub async fn start(
        binary: &Path,
        function: &str,
        env: &[(&str, String)],
    ) -> Result<Self, String> {
        Self::start_logging(binary, function, env, None).await
    }

    /// Like `start`, with the function's log (Lambda's JSON format, INFO and up) written to
    /// `log` as CloudWatch would receive it.
    pub async fn start_logging(
        binary: &Path,
        function: &str,
        env: &[(&str, String)],
        log: Option<&Path>,
    ) -> Result<Self, String> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let (sender, rx) = mpsc::channel(16);
        let shared = Arc::new(Shared {
            queue: Mutex::new(Some(rx)),
            ..Shared::default()
        });
        let app = axum::Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(respond),
            )
            .route("/2018-06-01/runtime/invocation/{id}/error", post(fail))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let started = Instant::now();
        let child = Command::new(binary)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .env("_HANDLER", function)
            .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", format!("tamlink-{function}"))
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
            .env("AWS_LAMBDA_LOG_FORMAT", "JSON")
            .env(
                "AWS_LAMBDA_LOG_LEVEL",
                if log.is_some() { "INFO" } else { "WARN" },
            )
            .stdin(Stdio::null())
            .stdout(match log {
                Some(path) => std::fs::File::create(path)
                    .map_err(|e| format!("log file: {e}"))?
                    .into(),
                None => Stdio::null(),
            })
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("starting {}: {e}", binary.display()))?;
        Ok(Self {
            child,
            sender,
            shared,
            server,
            next_id: 0,
            started,
        })
    }

    /// Invokes the function with `event` and waits (up to 30 s) for its answer.
    pub async fn invoke(&mut self, event: Value) -> Result<Outcome, String> {
        self.next_id += 1;
        let id = format!("req-{:08}", self.next_id);
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Pending { id, event, reply })
            .await
            .map_err(|_| "the runtime API stopped".to_string())?;
        tokio::select! {
            got = answer => got.map_err(|_| "no answer".to_string()),
            _ = tokio::time::sleep(Duration::from_secs(30)) => {
                Err(format!("no answer in 30 s; init error: {:?}", self.init_error().await))
            }
            status = self.child.wait() => Err(format!(
                "the function exited ({status:?}); init error: {:?}",
                self.shared.init_error.lock().await.clone()
            )),
        }
    }

    /// Waits for the process to exit and returns what it reported to `init/error`, if anything.
    pub async fn exit_with_init_error(&mut self) -> Result<Option<Value>, String> {
        tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .map_err(|_| "the function did not exit".to_string())?
            .map_err(|e| e.to_string())?;
        Ok(self.init_error().await)
    }

    pub async fn init_error(&self) -> Option<Value> {
        self.shared.init_error.lock().await.clone()
    }

    /// Peak resident memory of the process so far (Linux `VmHWM`), in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let pid = self.child.id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }
}

/// Events in the shapes AWS sends them.
pub mod events {
    use base64::Engine;
    use serde_json::{json, Value};

    /// An API Gateway HTTP API (payload 2.0) request on the `$default` stage.
    pub fn http(
        method: &str,
        route_key: &str,
        path: &str,
        query: &str,
        headers: &[(&str, &str)],
        cookies: &[&str],
        body: Option<&[u8]>,
    ) -> Value {
        let headers: serde_json::Map<String, Value> = headers
            .iter()
            .map(|(k, v)| (k.to_lowercase(), Value::String((*v).to_owned())))
            .collect();
        let mut event = json!({
            "version": "2.0",
            "routeKey": format!("{method} {route_key}"),
            "rawPath": path,
            "rawQueryString": query,
            "headers": headers,
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "abcdef1234",
                "domainName": "abcdef1234.execute-api.us-east-1.amazonaws.com",
                "domainPrefix": "abcdef1234",
                "http": {
                    "method": method,
                    "path": path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": "203.0.113.7",
                    "userAgent": "Mozilla/5.0"
                },
                "requestId": "JKJaXmPLvHcESHA=",
                "routeKey": format!("{method} {route_key}"),
                "stage": "$default",
                "time": "30/Nov/2026:19:03:58 +0000",
                "timeEpoch": 1_796_065_438_000_u64
            },
            "isBase64Encoded": false
        });
        if !cookies.is_empty() {
            event["cookies"] = json!(cookies);
        }
        if let Some(body) = body {
            // API Gateway base64-encodes bodies it does not consider text.
            event["body"] = json!(base64::engine::general_purpose::STANDARD.encode(body));
            event["isBase64Encoded"] = json!(true);
        }
        let params = path_parameters(route_key, path);
        if !params.is_empty() {
            event["pathParameters"] = Value::Object(params);
        }
        if !query.is_empty() {
            let q: serde_json::Map<String, Value> = url::form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                .collect();
            event["queryStringParameters"] = Value::Object(q);
        }
        event
    }

    fn path_parameters(route_key: &str, path: &str) -> serde_json::Map<String, Value> {
        route_key
            .split('/')
            .zip(path.split('/'))
            .filter_map(|(p, v)| {
                let name = p.strip_prefix('{')?.strip_suffix('}')?;
                Some((name.to_owned(), Value::String(v.to_owned())))
            })
            .collect()
    }

    /// An EventBridge Scheduler invocation (its default payload).
    pub fn schedule() -> Value {
        json!({
            "version": "0",
            "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
            "detail-type": "Scheduled Event",
            "source": "aws.scheduler",
            "account": "123456789012",
            "time": "2026-11-30T19:05:00Z",
            "region": "us-east-1",
            "resources": ["arn:aws:scheduler:us-east-1:123456789012:schedule/default/tamlink"],
            "detail": {}
        })
    }

    /// An SQS event source batch.
    pub fn sqs(messages: &[(String, String, String)]) -> Value {
        let records: Vec<Value> = messages
            .iter()
            .map(|(id, receipt, body)| {
                json!({
                    "messageId": id,
                    "receiptHandle": receipt,
                    "body": body,
                    "attributes": {
                        "ApproximateReceiveCount": "1",
                        "SentTimestamp": "1796065438000",
                        "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                        "ApproximateFirstReceiveTimestamp": "1796065438001"
                    },
                    "messageAttributes": {},
                    "md5OfBody": "",
                    "eventSource": "aws:sqs",
                    "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:tamlink-NotificationQueue",
                    "awsRegion": "us-east-1"
                })
            })
            .collect();
        json!({ "Records": records })
    }
}
