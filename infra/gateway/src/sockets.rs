//! What API Gateway's WebSocket API does for the chat socket's functions, served by the local
//! gateway: a browser connects at `PATH`; `$connect` runs with the handshake's headers and query
//! (and refuses the connection with its status); each text frame runs `$default`; a close runs
//! `$disconnect`. The events are API Gateway's WebSocket proxy events (`requestContext` with
//! `connectionId`, `routeKey`, `eventType`), read by the handlers through `lambda_http` as on
//! Lambda, and each invocation runs as its function for the local IAM check. The Management API
//! (`POST`/`DELETE`/`GET {PATH}/@connections/{id}`) answers as API Gateway's does: 410
//! `GoneException` for a connection it does not have.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ws::{Message as Frame, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use futures::{SinkExt, StreamExt};
use http::{HeaderMap, StatusCode, Uri};
use tamlink::context::AppContext;
use tamlink::routes::Route;
use tokio::sync::mpsc;

/// The WebSocket API's stage in `template.yaml` (`ChatSocketStage`).
pub const STAGE: &str = "chat";
/// Where the local gateway serves the WebSocket API and its Management API.
pub const PATH: &str = "/_chat";
/// API Gateway closes a connection idle this long (no frame either way)...
pub const IDLE: Duration = Duration::from_secs(600);
/// ...and any connection this old.
pub const MAX_AGE: Duration = Duration::from_secs(7200);

enum Out {
    Text(String),
    Close,
    /// Dropped without a `$disconnect` (`Hub::vanish`).
    Vanish,
}

struct Open {
    tx: mpsc::UnboundedSender<Out>,
    connected_at: i64,
}

pub struct Hub {
    ctx: Arc<AppContext>,
    routes: HashMap<String, &'static Route>,
    open: Mutex<HashMap<String, Open>>,
}

impl Hub {
    pub fn from_template(ctx: Arc<AppContext>) -> Result<Arc<Self>, String> {
        let mut routes = HashMap::new();
        for r in crate::stack::socket_routes().map_err(|e| e.to_string())? {
            let route = tamlink::routes::socket_by_function(&r.function)
                .ok_or_else(|| format!("no handler for {}", r.function))?;
            routes.insert(r.route_key, route);
        }
        Ok(Arc::new(Self {
            ctx,
            routes,
            open: Mutex::default(),
        }))
    }

    /// Loses a connection the way API Gateway may: no close frame, no `$disconnect`; the
    /// Management API answers 410 for it from now on.
    pub fn vanish(&self, connection: &str) -> bool {
        let gone = self.open.lock().ok().and_then(|mut o| o.remove(connection));
        gone.is_some_and(|c| c.tx.send(Out::Vanish).is_ok())
    }

    /// How many connections are open now.
    pub fn open_connections(&self) -> usize {
        self.open.lock().map(|o| o.len()).unwrap_or(0)
    }

    /// Runs a route's function on an event; its status code (502 when it could not run).
    async fn invoke(&self, route_key: &str, event: serde_json::Value) -> u16 {
        let Some(route) = self.routes.get(route_key).copied() else {
            return 502;
        };
        match crate::meter::invocation(
            route.function,
            crate::meter::Trigger::Socket,
            crate::gateway::invoke(&self.ctx, route, event),
        )
        .await
        {
            Ok(resp) => resp.status().as_u16(),
            Err(e) => {
                tracing::error!(error = %e, function = route.function, "the event did not convert");
                502
            }
        }
    }
}

/// The routes to merge into the gateway.
pub fn router<S>(hub: Arc<Hub>) -> axum::Router<S> {
    axum::Router::new()
        .route(PATH, axum::routing::get(upgrade))
        .route(
            &format!("{PATH}/_local/close-all"),
            axum::routing::post(close_all),
        )
        .route(
            &format!("{PATH}/@connections/{{id}}"),
            axum::routing::post(post_to_connection)
                .delete(delete_connection)
                .get(get_connection),
        )
        .with_state(hub)
}

fn new_connection_id() -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 10]>())
}

/// API Gateway's WebSocket proxy event. Headers and the query string come with `$connect`
/// only; a frame's text comes as `body`.
fn event(
    route_key: &str,
    event_type: &str,
    connection: &str,
    connected_at: i64,
    handshake: Option<(&HeaderMap, Option<&str>)>,
    body: Option<&str>,
) -> serde_json::Value {
    let now = time::OffsetDateTime::now_utc();
    let mut e = serde_json::json!({
        "requestContext": {
            "routeKey": route_key,
            "eventType": event_type,
            "extendedRequestId": ulid::Ulid::new().to_string(),
            "requestTime": "",
            "messageDirection": "IN",
            "stage": STAGE,
            "connectedAt": connected_at,
            "requestTimeEpoch": now.unix_timestamp() * 1000,
            "identity": {"sourceIp": "127.0.0.1"},
            "requestId": ulid::Ulid::new().to_string(),
            "domainName": "127.0.0.1",
            "connectionId": connection,
            "apiId": "local",
        },
        "isBase64Encoded": false,
    });
    if let Some((headers, query)) = handshake {
        let mut single = serde_json::Map::new();
        let mut multi = serde_json::Map::new();
        for name in headers.keys() {
            let values: Vec<String> = headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok().map(str::to_owned))
                .collect();
            single.insert(name.as_str().to_owned(), values.join(",").into());
            multi.insert(name.as_str().to_owned(), values.into());
        }
        e["headers"] = single.into();
        e["multiValueHeaders"] = multi.into();
        if let Some(q) = query.filter(|q| !q.is_empty()) {
            let mut single = serde_json::Map::new();
            let mut multi: serde_json::Map<String, serde_json::Value> = serde_json::Map::new();
            for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
                single.insert(k.to_string(), v.to_string().into());
                match multi.get_mut(k.as_ref()).and_then(|m| m.as_array_mut()) {
                    Some(list) => list.push(v.to_string().into()),
                    None => {
                        multi.insert(k.to_string(), vec![v.to_string()].into());
                    }
                }
            }
            e["queryStringParameters"] = single.into();
            e["multiValueQueryStringParameters"] = multi.into();
        }
    }
    if let Some(b) = body {
        e["body"] = b.into();
    }
    e
}

async fn upgrade(
    State(hub): State<Arc<Hub>>,
    ws: WebSocketUpgrade,
    headers: HeaderMap,
    uri: Uri,
) -> axum::response::Response {
    let id = new_connection_id();
    let connected_at = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let status = hub
        .invoke(
            "$connect",
            event(
                "$connect",
                "CONNECT",
                &id,
                connected_at,
                Some((&headers, uri.query())),
                None,
            ),
        )
        .await;
    if !(200..300).contains(&status) {
        // API Gateway refuses the handshake with the function's status.
        return StatusCode::from_u16(status)
            .unwrap_or(StatusCode::BAD_GATEWAY)
            .into_response();
    }
    let (tx, rx) = mpsc::unbounded_channel();
    if let Ok(mut open) = hub.open.lock() {
        open.insert(id.clone(), Open { tx, connected_at });
    }
    ws.on_upgrade(move |socket| serve(hub, id, connected_at, socket, rx))
}

async fn serve(
    hub: Arc<Hub>,
    id: String,
    connected_at: i64,
    socket: WebSocket,
    mut rx: mpsc::UnboundedReceiver<Out>,
) {
    let (mut sink, mut frames) = socket.split();
    let ends = tokio::time::Instant::now() + MAX_AGE;
    let mut vanished = false;
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Out::Text(t)) => {
                    if sink.send(Frame::Text(t.into())).await.is_err() {
                        break;
                    }
                }
                Some(Out::Close) | None => {
                    let _ = sink.send(Frame::Close(None)).await;
                    break;
                }
                Some(Out::Vanish) => {
                    vanished = true;
                    break;
                }
            },
            frame = frames.next() => match frame {
                Some(Ok(Frame::Text(t))) => {
                    let e = event("$default", "MESSAGE", &id, connected_at, None, Some(t.as_str()));
                    hub.invoke("$default", e).await;
                }
                Some(Ok(Frame::Binary(_))) => {
                    let e = event("$default", "MESSAGE", &id, connected_at, None, Some(""));
                    hub.invoke("$default", e).await;
                }
                Some(Ok(Frame::Ping(_) | Frame::Pong(_))) => {}
                Some(Ok(Frame::Close(_))) | Some(Err(_)) | None => break,
            },
            _ = tokio::time::sleep(IDLE) => break,
            _ = tokio::time::sleep_until(ends) => break,
        }
    }
    let _ = sink.close().await;
    if let Ok(mut open) = hub.open.lock() {
        open.remove(&id);
    }
    if vanished {
        return;
    }
    let e = event("$disconnect", "DISCONNECT", &id, connected_at, None, None);
    hub.invoke("$disconnect", e).await;
}

/// Local only: closes every connection now, as API Gateway does at a connection's 2-hour limit
/// (the browser journey checks that a page reconnects and misses nothing).
async fn close_all(State(hub): State<Arc<Hub>>) -> axum::response::Response {
    let all: Vec<Open> = hub
        .open
        .lock()
        .map(|mut o| o.drain().map(|(_, c)| c).collect())
        .unwrap_or_default();
    for c in &all {
        let _ = c.tx.send(Out::Close);
    }
    (
        [("content-type", "application/json")],
        serde_json::json!({ "closed": all.len() }).to_string(),
    )
        .into_response()
}

fn gone() -> axum::response::Response {
    (
        StatusCode::GONE,
        [
            ("x-amzn-errortype", "GoneException"),
            ("content-type", "application/json"),
        ],
        r#"{"message":null}"#,
    )
        .into_response()
}

fn sender(hub: &Hub, id: &str) -> Option<mpsc::UnboundedSender<Out>> {
    hub.open
        .lock()
        .ok()
        .and_then(|o| o.get(id).map(|c| c.tx.clone()))
}

async fn post_to_connection(
    State(hub): State<Arc<Hub>>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> axum::response::Response {
    match sender(&hub, &id) {
        Some(tx)
            if tx
                .send(Out::Text(String::from_utf8_lossy(&body).into_owned()))
                .is_ok() =>
        {
            StatusCode::OK.into_response()
        }
        _ => gone(),
    }
}

async fn delete_connection(
    State(hub): State<Arc<Hub>>,
    Path(id): Path<String>,
) -> axum::response::Response {
    let removed = hub.open.lock().ok().and_then(|mut o| o.remove(&id));
    match removed {
        Some(c) => {
            let _ = c.tx.send(Out::Close);
            StatusCode::NO_CONTENT.into_response()
        }
        None => gone(),
    }
}

async fn get_connection(
    State(hub): State<Arc<Hub>>,
    Path(id): Path<String>,
) -> axum::response::Response {
    let at = hub
        .open
        .lock()
        .ok()
        .and_then(|o| o.get(&id).map(|c| c.connected_at));
    match at {
        Some(at) => (
            [("content-type", "application/json")],
            serde_json::json!({
                "connectedAt": time::OffsetDateTime::from_unix_timestamp(at / 1000)
                    .ok()
                    .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok()),
                "identity": {"sourceIp": "127.0.0.1"},
            })
            .to_string(),
        )
            .into_response(),
        None => gone(),
    }
}
