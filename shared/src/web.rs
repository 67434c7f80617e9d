//! Request and response helpers shared by the handlers.

use std::collections::HashMap;

use http::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::actor::{Actor, FenceCheck, SessionRef};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::ids::{AppId, OpenId};
use crate::session::Session;
use crate::store::Side;

/// Largest JSON body any route accepts.
pub const MAX_BODY: usize = 64 * 1024;

pub fn path_param(req: &Request, name: &str) -> AppResult<String> {
    req.path_parameters()
        .first(name)
        .map(str::to_owned)
        .ok_or_else(|| AppError::BadRequest(crate::msg!("error-missing-param", name = name).into()))
}

pub fn app_id(req: &Request) -> AppResult<AppId> {
    AppId::parse(&path_param(req, "appId")?)
}

/// The address the request came from, as API Gateway saw the connection (`sourceIp`; not a
/// header a client can write).
pub fn client_ip(req: &Request) -> Option<String> {
    use lambda_http::request::RequestContext;
    use lambda_http::RequestExt;
    match req.request_context_ref()? {
        RequestContext::ApiGatewayV2(c) => c.http.source_ip.clone(),
        _ => None,
    }
}

/// Query parameters from the URI itself, so the same code works behind API Gateway, the local
/// gateway and in tests.
pub fn query(req: &Request) -> HashMap<String, String> {
    req.uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}

/// The connection an API Gateway WebSocket event is about (the chat socket's routes).
pub fn connection_id(req: &Request) -> AppResult<crate::ids::ConnectionId> {
    use lambda_http::request::RequestContext;
    let id = match req.request_context_ref() {
        Some(RequestContext::WebSocket(c)) => c.connection_id.as_deref(),
        _ => None,
    };
    id.map(crate::ids::ConnectionId::parse)
        .transpose()?
        .ok_or_else(|| AppError::BadRequest(crate::msg!("error-socket-only").into()))
}

pub fn cookie(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The session cookie. One name for every app: each app's cookie is scoped to its own path
/// (`Path=/lark/{appId}`), so a browser sends an app only its own, and the token names its app
/// besides (a session for another app is refused). A fixed name lets `openapi.yaml` declare it.
pub const SESSION_COOKIE: &str = "tl_session";

/// The signed-in person for this app, if any valid session cookie is present.
pub fn session(ctx: &AppContext, req: &Request, app_id: &AppId) -> AppResult<Option<Session>> {
    let signer = ctx.signer()?;
    Ok(cookie(req, SESSION_COOKIE).and_then(|token| {
        signer
            .verify_session(&token, app_id.as_str(), ctx.now())
            .ok()
    }))
}

pub fn require_session(ctx: &AppContext, req: &Request, app_id: &AppId) -> AppResult<Session> {
    session(ctx, req, app_id)?
        .ok_or_else(|| AppError::Unauthorized(crate::msg!("error-not-signed-in").into()))
}

pub struct CookieSpec<'a> {
    pub name: &'a str,
    pub value: &'a str,
    pub path: &'a str,
    pub max_age: i64,
}

pub fn set_cookie(ctx: &AppContext, c: CookieSpec<'_>) -> String {
    let secure = if ctx.settings.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{}={}; Path={}; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
        c.name, c.value, c.path, c.max_age
    )
}

/// A page, with the Content-Security-Policy that lets only its own scripts run (`page_policy`).
pub fn html(status: StatusCode, page: crate::pages::Rendered, sources: &Sources) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "text/html; charset=utf-8")
        .header(CACHE_CONTROL, "no-store")
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "same-origin")
        .header(
            http::header::CONTENT_SECURITY_POLICY,
            page_policy(&page.nonce, sources),
        )
        .body(Body::Text(page.body))
        .expect("static headers")
}

/// Where a page may load from besides tamlink itself: the chat socket, and Lark's avatars.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    /// The chat socket's origin (`wss://…`), for pages that open one.
    pub socket: Option<String>,
    /// Origins avatars come from besides any `https:` one: the brands' Open API hosts (on AWS
    /// Lark's and Feishu's, which are https anyway; locally the sandbox's http listeners).
    pub images: Vec<String>,
}

impl Sources {
    /// A page of this deployment; `socket`: whether it may open the chat socket.
    pub fn of(settings: &crate::config::Settings, socket: bool) -> Self {
        let origin = |u: &str| {
            url::Url::parse(u)
                .ok()
                .map(|u| u.origin().ascii_serialization())
        };
        let e = &settings.lark_endpoints;
        Self {
            socket: settings
                .socket_url
                .as_deref()
                .filter(|_| socket)
                .and_then(origin),
            images: [&e.lark.open, &e.feishu.open]
                .into_iter()
                .filter(|u| !u.starts_with("https://"))
                .filter_map(|u| origin(u))
                .collect(),
        }
    }
}

/// A page's Content-Security-Policy: everything from tamlink itself, scripts only with the
/// page's nonce (a script a person managed to get into the markup would not run), styles from
/// the page (its `<style>` and `style` attributes), images also from https (Lark's avatars),
/// connections to tamlink and its chat socket, no plugins, no `<base>`, forms back to tamlink,
/// and framing as `FRAME_ANCESTORS` says.
pub fn page_policy(nonce: &str, sources: &Sources) -> String {
    let socket = sources
        .socket
        .as_ref()
        .map(|o| format!(" {o}"))
        .unwrap_or_default();
    let images: String = sources.images.iter().map(|o| format!(" {o}")).collect();
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:{images}; connect-src 'self'{socket}; object-src 'none'; base-uri 'none'; form-action 'self'; {FRAME_ANCESTORS}"
    )
}

pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "application/json")
        .header(CACHE_CONTROL, "no-store")
        .body(Body::Text(
            serde_json::to_string(value).expect("serializable response"),
        ))
        .expect("static headers")
}

pub fn redirect(location: &str, cookies: &[String]) -> Response<Body> {
    let mut builder = Response::builder()
        .status(StatusCode::FOUND)
        .header(LOCATION, location)
        .header(CACHE_CONTROL, "no-store");
    for c in cookies {
        builder = builder.header(SET_COOKIE, c);
    }
    builder.body(Body::Empty).expect("static headers")
}

/// Sends the browser through Lark sign-in, coming back to the page it asked for.
pub fn sign_in_first(app_id: &AppId, req: &Request) -> Response<Body> {
    let here = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let login = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("return_to", here)
        .finish();
    redirect(&format!("/thirdparty/lark/{app_id}/login?{login}"), &[])
}

/// Fields of an HTML form post (`application/x-www-form-urlencoded`), size-limited.
pub fn form_body(req: &Request) -> AppResult<HashMap<String, String>> {
    let bytes = req.body().as_ref();
    if bytes.len() > MAX_BODY {
        return Err(AppError::TooLarge(MAX_BODY));
    }
    Ok(url::form_urlencoded::parse(bytes).into_owned().collect())
}

/// Parses a JSON body. Requiring `application/json` also keeps cross-site HTML forms out: a
/// browser only sends that content type cross-origin after a CORS preflight we never allow.
pub fn json_body<T: DeserializeOwned>(req: &Request) -> AppResult<T> {
    let ct = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !ct.starts_with("application/json") {
        return Err(AppError::BadRequest(
            crate::msg!("error-json-content-type").into(),
        ));
    }
    let bytes = req.body().as_ref();
    if bytes.len() > MAX_BODY {
        return Err(AppError::TooLarge(MAX_BODY));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        AppError::BadRequest(crate::msg!("error-json-invalid", detail = e.to_string()).into())
    })
}

/// Whether the caller prefers HTML (a browser) over JSON.
pub fn wants_html(req: &Request) -> bool {
    let accept = req
        .headers()
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    accept.contains("text/html") && query(req).get("format").is_none_or(|f| f != "json")
}

/// The signed-in person behind a request, through the app in the path: the one extractor every
/// handler uses. Staff must be registered staff of the provider app. A session the person ended
/// (signed out, signed out everywhere, or removed by their TAM) is refused like no session.
pub async fn actor(ctx: &AppContext, req: &Request) -> AppResult<Actor> {
    Ok(build_actor(ctx, req, false).await?.1)
}

/// `actor` for the `/api/groups/{groupId}/…` routes: a colleague's session fence is read in the
/// same request as their membership (`groups::open`, which always finishes the check), so ending
/// sessions costs those read paths no extra round trip.
pub async fn group_actor(ctx: &AppContext, req: &Request) -> AppResult<Actor> {
    Ok(build_actor(ctx, req, true).await?.1)
}

/// For pages: the session and actor, or `None` when the person must sign in (again).
pub async fn signed_in(ctx: &AppContext, req: &Request) -> AppResult<Option<(Session, Actor)>> {
    match build_actor(ctx, req, false).await {
        Ok(both) => Ok(Some(both)),
        Err(AppError::Unauthorized(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn build_actor(
    ctx: &AppContext,
    req: &Request,
    fence_with_membership: bool,
) -> AppResult<(Session, Actor)> {
    let app_id = app_id(req)?;
    let session = require_session(ctx, req, &app_id)?;
    let this = SessionRef {
        sid: session.sid.clone(),
        generation: session.generation,
    };
    let actor = actor_of_session(
        ctx,
        SessionOf {
            app_id,
            open_id: session.open_id.clone(),
            name: session.name.clone(),
            avatar: session.avatar.clone(),
            this,
        },
        fence_with_membership,
        lang(req, None),
    )
    .await?;
    Ok((session, actor))
}

/// What `actor_of_session` needs of a session: a cookie's, or a socket ticket's.
pub struct SessionOf {
    pub app_id: AppId,
    pub open_id: OpenId,
    pub name: String,
    pub avatar: String,
    pub this: SessionRef,
}

/// The actor of a verified session: staff must still be staff; a session its person ended is
/// refused (now, or by `groups::open` when `fence_with_membership`).
pub async fn actor_of_session(
    ctx: &AppContext,
    session: SessionOf,
    fence_with_membership: bool,
    lang: Lang,
) -> AppResult<Actor> {
    let SessionOf {
        app_id,
        open_id,
        name,
        avatar,
        this,
    } = session;
    let (staff, fence) = if app_id == ctx.settings.provider_app_id {
        // Staff read their record on every request anyway: the fence comes in the same request.
        let (staff, fence) = ctx.store.staff_and_fence(&app_id, &open_id).await?;
        this.check(&fence)?;
        let staff =
            staff.ok_or_else(|| AppError::Forbidden(crate::msg!("error-not-staff").into()))?;
        (Some(staff), FenceCheck::Passed)
    } else if fence_with_membership {
        (None, FenceCheck::Due(this))
    } else {
        let fence = ctx.store.session_fence(&app_id, &open_id).await?;
        this.check(&fence)?;
        (None, FenceCheck::Passed)
    };
    Ok(Actor {
        side: if staff.is_some() {
            Side::Service
        } else {
            Side::Colleague
        },
        app_id,
        open_id,
        name,
        avatar,
        staff,
        fence,
        lang,
    })
}

/// The cookie that keeps a reader's language choice in this browser (any app: the choice is
/// the person's, not one app's). Signed-in people's choice is also kept on the server (`Prefs`)
/// and given back to every browser they sign in with.
pub const LANG_COOKIE: &str = "tl_lang";

/// The reader's own choice: the language cookie, else the browser's `Accept-Language`. `None`
/// when neither names a language tamlink speaks (then the organisation's default applies).
pub fn chosen_lang(req: &Request) -> Option<Lang> {
    cookie(req, LANG_COOKIE)
        .and_then(|v| Lang::parse(&v))
        .or_else(|| {
            req.headers()
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
}

/// The reader's language: their choice, else the organisation's default, else English.
pub fn lang(req: &Request, org_default: Option<Lang>) -> Lang {
    chosen_lang(req).or(org_default).unwrap_or_default()
}

/// The cookie that remembers a language in this browser for a year.
pub fn lang_cookie(ctx: &AppContext, lang: Lang) -> String {
    let secure = if ctx.settings.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
        lang.tag(),
        365 * 24 * 3600
    )
}

/// A page with one message (and maybe one action): refusals, errors, "signed out".
pub fn message_page(
    lang: Lang,
    status: StatusCode,
    title: &str,
    message: &str,
    action: Option<(&str, &str)>,
    cookies: &[String],
) -> Response<Body> {
    let ctx = minijinja::context! { title, message, status => status.as_u16(), action_href => action.map(|a| a.0), action_label => action.map(|a| a.1) };
    let body = crate::pages::render("message.html", lang, ctx).unwrap_or_else(|_| {
        crate::pages::Rendered {
            body: format!("<h1>{}</h1>", status.as_u16()),
            nonce: String::new(),
        }
    });
    let mut resp = html(status, body, &Sources::default());
    for c in cookies {
        resp.headers_mut()
            .append(http::header::SET_COOKIE, c.parse().expect("cookie header"));
    }
    resp
}

pub fn error_page(err: &AppError, lang: Lang) -> Response<Body> {
    message_page(
        lang,
        err.status(),
        &err.title(lang),
        &err.message(lang),
        None,
        &[],
    )
}

/// Every state-changing request must come from tamlink's own pages: a browser says where a
/// request comes from (`Sec-Fetch-Site`, `Origin`), whatever its content type, so a form or
/// script on another site cannot acknowledge an emergency or revoke a link with someone's
/// cookie. Requests without either header (servers, Lark's callbacks, command-line clients)
/// carry no ambient browser credentials worth stealing and are judged by their session alone.
pub fn refuse_cross_site(ctx: &AppContext, req: &Request) -> AppResult<()> {
    if matches!(
        *req.method(),
        http::Method::GET | http::Method::HEAD | http::Method::OPTIONS
    ) {
        return Ok(());
    }
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let cross_site = match (header("sec-fetch-site"), header("origin")) {
        (Some(site), _) => !matches!(site, "same-origin" | "none"),
        (None, Some(origin)) => origin.trim_end_matches('/') != ctx.settings.base_url,
        (None, None) => false,
    };
    if cross_site {
        return Err(AppError::Forbidden(crate::msg!("error-cross-site").into()));
    }
    Ok(())
}

/// Lark's own web origins, which may frame tamlink's pages (docs/lark.md §8: Lark does not say whether
/// Lark's clients frame a web app or open it top-level, so both are allowed: top-level needs
/// nothing, and framing is allowed only to Lark and Feishu).
const FRAME_ANCESTORS: &str =
    "frame-ancestors 'self' https://*.larksuite.com https://*.feishu.cn https://*.larkoffice.com";

/// A deployment served over https tells browsers to come back over https only, for a year
/// (`Strict-Transport-Security`; not `includeSubDomains`: the provider's other hosts are theirs).
/// The local stack, on http, sends none.
pub fn strict_transport(base_url: &str, headers: &mut http::HeaderMap) {
    if base_url.starts_with("https://") {
        headers.insert(
            http::header::STRICT_TRANSPORT_SECURITY,
            http::HeaderValue::from_static("max-age=31536000"),
        );
    }
}

/// On every response, page, JSON or redirect: no content sniffing, no full URLs in Referer to
/// other sites, and no framing by anyone but tamlink and Lark.
pub fn security_headers(headers: &mut http::HeaderMap) {
    use http::header::{
        HeaderValue, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    };
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers
        .entry(CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(FRAME_ANCESTORS));
}

/// What starts a formula in a spreadsheet: OWASP's list (`=`, `+`, `-`, `@`, a tab, a carriage
/// return) and the full-width forms a Chinese or Japanese input method types, which Excel also
/// takes as a formula.
const FORMULA_STARTS: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// One CSV field: quoted when it holds a comma, quote or line break; a field whose first
/// character, or first after blanks, starts a formula is defused with a leading `'`, so a
/// spreadsheet never runs what a person typed. Every export builds its cells here.
pub fn csv_field(v: &str) -> String {
    let after_blanks = v.trim_start_matches([' ', '\n', '\u{3000}']);
    let v = if v.starts_with(FORMULA_STARTS) || after_blanks.starts_with(FORMULA_STARTS) {
        format!("'{v}")
    } else {
        v.to_owned()
    };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// One CSV line of `fields`, ending in CRLF.
pub fn csv_row(fields: &[String]) -> String {
    let mut line = fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// A CSV download named `name`, never cached (it holds an organisation's records).
pub fn csv_file(name: &str, body: String) -> Response<Body> {
    Response::builder()
        .status(StatusCode::OK)
        .header(http::header::CONTENT_TYPE, "text/csv; charset=utf-8")
        .header(
            http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        )
        .header(http::header::CACHE_CONTROL, "no-store")
        .body(Body::Text(body))
        .expect("static headers")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_https_deployment_asks_for_https_from_then_on() {
        let mut h = http::HeaderMap::new();
        strict_transport("https://support.example.com", &mut h);
        assert_eq!(h["strict-transport-security"], "max-age=31536000");
        let mut h = http::HeaderMap::new();
        strict_transport("http://127.0.0.1:3000", &mut h);
        assert!(h.get("strict-transport-security").is_none());
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
        // A tab or carriage return first, blanks before a formula, full-width signs.
        assert_eq!(csv_field("\t=HYPERLINK(1)"), "'\t=HYPERLINK(1)");
        assert_eq!(csv_field("\r=1+1"), "\"'\r=1+1\"");
        assert_eq!(csv_field("  =1+1"), "'  =1+1");
        assert_eq!(csv_field("\n@SUM(A1)"), "\"'\n@SUM(A1)\"");
        assert_eq!(csv_field("＝1+1"), "'＝1+1");
        assert_eq!(csv_field("　＋1"), "'　＋1");
        assert_eq!(csv_field("a=b"), "a=b");
        assert_eq!(csv_field("数据库连接超时"), "数据库连接超时");
        assert_eq!(csv_row(&["a".into(), "b,c".into()]), "a,\"b,c\"\r\n");
    }
}
