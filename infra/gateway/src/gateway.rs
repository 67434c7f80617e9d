//! An HTTP server that does what API Gateway does for the Lambda functions: match the route
//! declared in `template.yaml`, build the HTTP API's payload 2.0 event (cookies array, path
//! parameters, `$default` stage), and hand it to the function through `lambda_http`'s own
//! conversion, as the Lambda runtime does, so every journey crosses the same conversions as
//! production. Each invocation runs as its function for the local IAM check (`iam`).

use std::collections::HashMap;
use std::sync::Arc;

use crate::stack::{self, HttpRoute};
use axum::body::Bytes;
use axum::response::IntoResponse;
use http::StatusCode;
use tamlink::context::AppContext;
use tamlink::routes::{self, Route};
use tracing::Instrument;

/// API Gateway's payload limit; larger bodies are refused before any handler runs.
const MAX_PAYLOAD: usize = 10 * 1024 * 1024;

pub struct RouteTable {
    entries: Vec<(HttpRoute, &'static Route)>,
}

pub enum Match {
    /// The handler, the template path it matched and the path parameters.
    Found(&'static Route, String, HashMap<String, String>),
    /// The path exists for these methods only.
    WrongMethod(Vec<String>),
    Missing,
}

impl RouteTable {
    pub fn from_template() -> Result<Self, String> {
        let mut entries = Vec::new();
        for r in stack::http_routes().map_err(|e| e.to_string())? {
            let route = routes::by_function(&r.function)
                .ok_or_else(|| format!("no handler for {}", r.function))?;
            entries.push((r, route));
        }
        Ok(Self { entries })
    }

    pub fn find(&self, method: &str, path: &str) -> Match {
        let mut allowed = Vec::new();
        for (r, route) in &self.entries {
            if let Some(params) = match_path(&r.path, path) {
                if r.method == method {
                    return Match::Found(route, r.path.clone(), params);
                }
                allowed.push(r.method.clone());
            }
        }
        if allowed.is_empty() {
            Match::Missing
        } else {
            Match::WrongMethod(allowed)
        }
    }
}

/// Matches `/lark/{appId}/workbench` against a concrete path; `{x}` takes one non-empty segment.
fn match_path(pattern: &str, path: &str) -> Option<HashMap<String, String>> {
    let pat: Vec<&str> = pattern.trim_matches('/').split('/').collect();
    let got: Vec<&str> = path
        .trim_end_matches('/')
        .trim_start_matches('/')
        .split('/')
        .collect();
    if pat.len() != got.len() {
        return None;
    }
    let mut params = HashMap::new();
    for (p, g) in pat.iter().zip(&got) {
        if let Some(name) = p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            if g.is_empty() {
                return None;
            }
            params.insert(name.to_owned(), (*g).to_owned());
        } else if p != g {
            return None;
        }
    }
    Some(params)
}

struct Gateway {
    ctx: Arc<AppContext>,
    table: RouteTable,
}

/// Serves the gateway on `listener` until the task is dropped or aborted.
pub fn spawn(
    ctx: Arc<AppContext>,
    hub: Arc<crate::sockets::Hub>,
    listener: tokio::net::TcpListener,
) -> Result<tokio::task::JoinHandle<()>, String> {
    let state = Arc::new(Gateway {
        ctx,
        table: RouteTable::from_template()?,
    });
    let app = axum::Router::new()
        .merge(crate::sockets::router(hub))
        .fallback(dispatch)
        .with_state(state);
    Ok(tokio::spawn(async move {
        let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "gateway stopped");
        }
    }))
}

async fn dispatch(
    axum::extract::State(gw): axum::extract::State<Arc<Gateway>>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    req: axum::extract::Request,
) -> axum::response::Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAYLOAD).await else {
        return gateway_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Request Entity Too Large",
            None,
        );
    };
    let (route, template, params) = match gw.table.find(parts.method.as_str(), parts.uri.path()) {
        Match::Found(route, template, params) => (route, template, params),
        Match::WrongMethod(allowed) => {
            return gateway_error(
                StatusCode::METHOD_NOT_ALLOWED,
                "Method Not Allowed",
                Some(allowed.join(", ")),
            )
        }
        Match::Missing => return gateway_error(StatusCode::NOT_FOUND, "Not Found", None),
    };
    let event = v2_event(&parts, &template, &params, &bytes, peer.ip());
    let started = std::time::Instant::now();
    let (answer, calls) =
        crate::iam::as_function_counted(route.function, invoke(&gw.ctx, route, event)).await;
    crate::meter::invoked(
        route.function,
        crate::meter::Trigger::Http,
        started.elapsed(),
    );
    match answer {
        Ok(mut resp) => {
            // Local only (API Gateway has no such header): what the route cost in AWS requests.
            if let Ok(v) = http::HeaderValue::from_str(&calls.join(" ")) {
                resp.headers_mut().insert("x-local-aws-calls", v);
            }
            resp
        }
        Err(e) => {
            tracing::error!(error = %e, function = route.function, "the event did not convert");
            (
                StatusCode::BAD_GATEWAY,
                r#"{"message":"Internal Server Error"}"#,
            )
                .into_response()
        }
    }
}

/// The gateway's own refusals, as API Gateway answers them: JSON `{"message": …}`, with the
/// security headers of every response and, for a wrong method, the methods the path has.
fn gateway_error(
    status: StatusCode,
    message: &str,
    allow: Option<String>,
) -> axum::response::Response {
    let mut resp = (
        status,
        [(http::header::CONTENT_TYPE, "application/json")],
        serde_json::json!({ "message": message }).to_string(),
    )
        .into_response();
    if let Some(allow) = allow.and_then(|a| http::HeaderValue::from_str(&a).ok()) {
        resp.headers_mut().insert(http::header::ALLOW, allow);
    }
    tamlink::web::security_headers(resp.headers_mut());
    resp
}

/// The request as API Gateway's HTTP API (payload 2.0) hands it to Lambda: cookies in their own
/// array, multi-valued headers joined by commas, the body base64-encoded unless it is UTF-8 text.
fn v2_event(
    parts: &http::request::Parts,
    template: &str,
    params: &HashMap<String, String>,
    body: &[u8],
    source: std::net::IpAddr,
) -> serde_json::Value {
    use base64::Engine;
    let mut headers = serde_json::Map::new();
    let mut cookies = Vec::new();
    for name in parts.headers.keys() {
        let values: Vec<&str> = parts
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if name == http::header::COOKIE {
            cookies.extend(values.iter().flat_map(|v| v.split("; ")).map(str::to_owned));
        } else {
            headers.insert(name.as_str().to_owned(), values.join(",").into());
        }
    }
    let path = parts.uri.path();
    let query = parts.uri.query().unwrap_or("");
    let route_key = format!("{} {template}", parts.method);
    let mut event = serde_json::json!({
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": parts.headers.get(http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1"),
            "http": {
                "method": parts.method.as_str(),
                "path": path,
                "protocol": "HTTP/1.1",
                // The connection's address, as API Gateway takes it (not X-Forwarded-For).
                "sourceIp": source.to_string(),
                "userAgent": parts.headers.get(http::header::USER_AGENT).and_then(|h| h.to_str().ok()).unwrap_or(""),
            },
            "requestId": ulid::Ulid::new().to_string(),
            "routeKey": route_key,
            "stage": "$default",
            "time": "",
            "timeEpoch": 0
        },
        "pathParameters": params,
        "isBase64Encoded": false
    });
    if !cookies.is_empty() {
        event["cookies"] = cookies.into();
    }
    if !query.is_empty() {
        let mut q = serde_json::Map::new();
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            // API Gateway joins repeated parameters with commas.
            match q.get_mut(k.as_ref()) {
                Some(serde_json::Value::String(existing)) => {
                    existing.push(',');
                    existing.push_str(&v);
                }
                _ => {
                    q.insert(k.into_owned(), v.into_owned().into());
                }
            }
        }
        event["queryStringParameters"] = q.into();
    }
    if !body.is_empty() {
        match std::str::from_utf8(body) {
            Ok(text) => event["body"] = text.into(),
            Err(_) => {
                event["body"] = base64::engine::general_purpose::STANDARD
                    .encode(body)
                    .into();
                event["isBase64Encoded"] = true.into();
            }
        }
    }
    event
}

/// Runs the function as the Lambda runtime would: the event through `lambda_http`'s own
/// conversion into a request, the handler, and the response back into API Gateway's shape.
pub(crate) async fn invoke(
    ctx: &Arc<AppContext>,
    route: &'static Route,
    event: serde_json::Value,
) -> Result<axum::response::Response, String> {
    use lambda_http::Service;
    let request: lambda_http::request::LambdaRequest =
        serde_json::from_value(event).map_err(|e| e.to_string())?;
    let ctx = ctx.clone();
    let mut adapter =
        lambda_http::Adapter::from(lambda_http::service_fn(move |req: lambda_http::Request| {
            let ctx = ctx.clone();
            let span = tamlink::runtime::request_span(route, &req);
            async move { Ok::<_, std::convert::Infallible>(route.call(&ctx, req).await) }
                .instrument(span)
        }));
    let event = lambda_http::LambdaEvent::new(request, lambda_http::Context::default());
    let Ok(answer) = adapter.call(event).await;
    let v = serde_json::to_value(&answer).map_err(|e| e.to_string())?;
    v2_response(&v)
}

/// API Gateway turning the function's payload 2.0 answer into HTTP.
fn v2_response(v: &serde_json::Value) -> Result<axum::response::Response, String> {
    use base64::Engine;
    let status = v["statusCode"].as_u64().ok_or("no statusCode")? as u16;
    let mut builder = axum::response::Response::builder().status(status);
    if let Some(headers) = v["headers"].as_object() {
        for (k, value) in headers {
            if let Some(value) = value.as_str() {
                builder = builder.header(k, value);
            }
        }
    }
    if let Some(headers) = v["multiValueHeaders"].as_object() {
        for (k, values) in headers {
            let already = v["headers"].get(k).is_some();
            for value in values
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|x| x.as_str())
            {
                if !already {
                    builder = builder.header(k, value);
                }
            }
        }
    }
    for cookie in v["cookies"].as_array().into_iter().flatten() {
        if let Some(c) = cookie.as_str() {
            builder = builder.header(http::header::SET_COOKIE, c);
        }
    }
    let body = match v["body"].as_str() {
        None => Bytes::new(),
        Some(b) if v["isBase64Encoded"] == true => Bytes::from(
            base64::engine::general_purpose::STANDARD
                .decode(b)
                .map_err(|e| e.to_string())?,
        ),
        Some(b) => Bytes::from(b.to_owned()),
    };
    builder
        .body(axum::body::Body::from(body))
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_template_paths() {
        let p = match_path("/lark/{appId}/workbench", "/lark/cli_a/workbench").unwrap();
        assert_eq!(p["appId"], "cli_a");
        assert!(match_path("/lark/{appId}", "/lark/cli_a/workbench").is_none());
        assert!(match_path("/lark/{appId}", "/lark/").is_none());
    }

    #[test]
    fn table_routes_guide_paths_to_their_functions() {
        let t = RouteTable::from_template().unwrap();
        match t.find("GET", "/thirdparty/lark/cli_a/oauth2/callback") {
            Match::Found(r, _, p) => {
                assert_eq!(r.function, "OAuthCallbackFunction");
                assert_eq!(p["appId"], "cli_a");
            }
            _ => panic!("callback not routed"),
        }
        match t.find("DELETE", "/lark/cli_a/workbench") {
            Match::WrongMethod(allowed) => assert_eq!(allowed, ["GET"]),
            _ => panic!("DELETE on a GET route is a wrong method"),
        }
        assert!(matches!(t.find("GET", "/nowhere"), Match::Missing));
    }
}
