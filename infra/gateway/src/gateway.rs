//! An HTTP server that does what API Gateway does for the Lambda functions: match the route
//! declared in `template.yaml`, fill in path parameters, call the function's handler.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::response::IntoResponse;
use http::StatusCode;
use lambda_http::RequestExt;
use tamlink::context::AppContext;
use tamlink::routes::{self, Route};
use tamlink::stack::{self, HttpRoute};

/// API Gateway's payload limit; larger bodies are refused before any handler runs.
const MAX_PAYLOAD: usize = 10 * 1024 * 1024;

pub struct RouteTable {
    entries: Vec<(HttpRoute, &'static Route)>,
}

pub enum Match {
    Found(&'static Route, HashMap<String, String>),
    WrongMethod,
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
        let mut wrong_method = false;
        for (r, route) in &self.entries {
            if let Some(params) = match_path(&r.path, path) {
                if r.method == method {
                    return Match::Found(route, params);
                }
                wrong_method = true;
            }
        }
        if wrong_method {
            Match::WrongMethod
        } else {
            Match::Missing
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
    listener: tokio::net::TcpListener,
) -> Result<tokio::task::JoinHandle<()>, String> {
    let state = Arc::new(Gateway {
        ctx,
        table: RouteTable::from_template()?,
    });
    let app = axum::Router::new().fallback(dispatch).with_state(state);
    Ok(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "gateway stopped");
        }
    }))
}

async fn dispatch(
    axum::extract::State(gw): axum::extract::State<Arc<Gateway>>,
    req: axum::extract::Request,
) -> axum::response::Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAYLOAD).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "Request body too large").into_response();
    };
    let (route, params) = match gw.table.find(parts.method.as_str(), parts.uri.path()) {
        Match::Found(route, params) => (route, params),
        Match::WrongMethod => {
            return (
                StatusCode::METHOD_NOT_ALLOWED,
                r#"{"message":"Method Not Allowed"}"#,
            )
                .into_response()
        }
        Match::Missing => {
            return (StatusCode::NOT_FOUND, r#"{"message":"Not Found"}"#).into_response()
        }
    };
    let body = if bytes.is_empty() {
        lambda_http::Body::Empty
    } else {
        lambda_http::Body::Binary(bytes.to_vec())
    };
    let lambda_req = http::Request::from_parts(parts, body).with_path_parameters(params);
    let resp = crate::iam::as_function(route.function, route.call(&gw.ctx, lambda_req)).await;
    let (parts, body) = resp.into_parts();
    let bytes = match body {
        lambda_http::Body::Empty => Bytes::new(),
        lambda_http::Body::Text(t) => Bytes::from(t),
        lambda_http::Body::Binary(b) => Bytes::from(b),
        _ => Bytes::new(),
    };
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
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
            Match::Found(r, p) => {
                assert_eq!(r.function, "OAuthCallbackFunction");
                assert_eq!(p["appId"], "cli_a");
            }
            _ => panic!("callback not routed"),
        }
        assert!(matches!(
            t.find("DELETE", "/lark/cli_a/workbench"),
            Match::WrongMethod
        ));
        assert!(matches!(t.find("GET", "/nowhere"), Match::Missing));
    }
}
