//! Test harness: a fresh local stack per test (own moto, own Lark sandbox, own gateway, manual
//! clock) and a `Browser` that follows redirects and keeps cookies, with one helper per route.

use std::collections::HashMap;
use std::sync::Arc;

use reqwest::{redirect::Policy, Response, StatusCode};
use serde_json::Value;
use tamlink::clock::{Clock, ManualClock};
use tamlink_gateway::demo;
use tamlink_gateway::local::{LocalStack, Options};

pub use tamlink_gateway::demo::{CUSTOMER_APP_ID, FEISHU_APP_ID, MISCONFIGURED_APP_ID};
pub use tamlink_gateway::local::PROVIDER_APP_ID;
pub const OTHER_CUSTOMER_APP_ID: &str = "cli_initechsupport1";

pub struct TestStack {
    pub stack: LocalStack,
    pub clock: ManualClock,
}

impl TestStack {
    /// An empty stack: tables and queues exist, nothing is registered.
    pub async fn empty() -> Self {
        let clock = ManualClock::starting_now();
        let stack = start(Options::ephemeral(Arc::new(clock.clone()))).await;
        Self { stack, clock }
    }

    /// The demo, with the template's schedules run by the gateway at most `every` apart.
    pub async fn demo_with_schedules(every: std::time::Duration) -> Self {
        Self::demo_with(|o| o.schedules = Some(every)).await
    }

    /// The demo on a stack with some options changed.
    async fn demo_with(change: impl FnOnce(&mut Options)) -> Self {
        let clock = ManualClock::starting_now();
        let mut opts = Options::ephemeral(Arc::new(clock.clone()));
        change(&mut opts);
        let stack = start(opts).await;
        demo::seed(&stack).await.expect("demo seeded");
        Self { stack, clock }
    }

    /// The provider app and its staff (Tara TAM, Eli and Erin engineers, Mo manager).
    pub async fn with_provider() -> Self {
        let s = Self::empty().await;
        demo::seed_provider(&s.stack)
            .await
            .expect("provider seeded");
        s
    }

    /// The demo with the chat push running on the table's stream (`tests/push.rs`).
    pub async fn demo_with_pushes() -> Self {
        Self::demo_with(|o| o.pushes = true).await
    }

    /// The README's demo: provider, staff, Acme Robotics registered and active.
    pub async fn demo() -> Self {
        let s = Self::empty().await;
        demo::seed(&s.stack).await.expect("demo seeded");
        s
    }

    pub fn base(&self) -> &str {
        &self.stack.base_url
    }

    pub fn browser(&self) -> Browser {
        Browser::new(self, Policy::limited(10))
    }

    /// A browser whose every request says `Accept-Language: {accept}`, as a person's browser
    /// (or Lark's client) set to that language does.
    pub fn browser_in(&self, accept: &str) -> Browser {
        let mut b = Browser::new(self, Policy::limited(10));
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT_LANGUAGE,
            reqwest::header::HeaderValue::from_str(accept).unwrap(),
        );
        b.client = reqwest::Client::builder()
            .cookie_provider(b.jar.clone())
            .redirect(Policy::limited(10))
            .default_headers(headers)
            .build()
            .unwrap();
        b
    }

    /// A browser on another machine: its requests come from `address` (any of the loopback
    /// range, 127.0.0.0/8), which is what the gateway reports as their source, as API Gateway
    /// reports the connection's.
    pub fn browser_at(&self, address: &str) -> Browser {
        Browser::at(self, Policy::limited(10), address)
    }

    /// `browser_at` that stops at every redirect.
    pub fn step_browser_at(&self, address: &str) -> Browser {
        Browser::at(self, Policy::none(), address)
    }

    /// A browser in which `user` has signed in to `app_id` through Lark.
    pub async fn signed_in(&self, app_id: &str, user: &str) -> Browser {
        let b = self.browser();
        b.sign_in(app_id, user).await;
        b
    }

    /// A browser that stops at every redirect, to look at each hop.
    pub fn step_browser(&self) -> Browser {
        Browser::new(self, Policy::none())
    }

    /// How many calls the sandbox answered on paths containing `path` (`oauth/token`).
    pub async fn sandbox_calls_to(&self, path: &str) -> usize {
        self.sandbox_get("/_sandbox/calls").await["calls"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["path"].as_str().unwrap_or_default().contains(path))
            .count()
    }

    pub async fn sandbox_get(&self, path: &str) -> Value {
        reqwest::get(format!("{}{path}", self.stack.sandbox_url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn open_id(&self, app_id: &str, user: &str) -> String {
        demo::open_id(&self.stack, app_id, user).await.unwrap()
    }

    /// The calls tamlink counted for an app in its clock's month: what the app's budget decides on.
    pub async fn calls_counted(&self, app_id: &str) -> i64 {
        let month = tamlink::domain::budget::month_of(self.clock.now());
        let store = &self.stack.ctx.store;
        store.calls_this_month(&app(app_id), &month).await.unwrap()
    }

    /// The calls Lark (the sandbox) counted for an app's tenant in its month: what the free
    /// plan's quota sees.
    pub async fn lark_counted(&self, app_id: &str) -> i64 {
        let tenant_key = self.tenant(app_id).await.tenant_key;
        let usage = self.sandbox_get("/_sandbox/usage").await;
        usage["usage"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["tenant_key"] == tenant_key.as_str() && u["month"] == usage["month"])
            .map(|u| u["calls"].as_i64().unwrap())
            .sum()
    }

    pub async fn tenant(&self, app_id: &str) -> tamlink::store::Tenant {
        let app_id = tamlink::ids::AppId::parse(app_id).unwrap();
        self.stack.ctx.store.tenant(&app_id).await.unwrap().unwrap()
    }

    /// The service group of an active organisation.
    pub async fn service_group(&self, app_id: &str) -> String {
        self.tenant(app_id)
            .await
            .service_group_id
            .unwrap()
            .to_string()
    }

    /// What the bots sent `user` (a sandbox user id) through `app_id`, oldest first.
    pub async fn dms(&self, app_id: &str, user: &str) -> Vec<Value> {
        let v = self
            .sandbox_get(&format!(
                "/_sandbox/messages?app_id={app_id}&recipient={user}"
            ))
            .await;
        v["messages"].as_array().cloned().unwrap_or_default()
    }

    /// The cards the bots sent `user` through `app_id`, oldest first, as they stand now (a card
    /// sent as a CardKit entity is looked up by its id, so in-place updates show).
    pub async fn cards(&self, app_id: &str, user: &str) -> Vec<Value> {
        let entities = self.sandbox_get("/_sandbox/cards").await;
        let entities = entities["cards"].as_array().cloned().unwrap_or_default();
        self.dms(app_id, user)
            .await
            .into_iter()
            .map(|m| match m["content"]["data"]["card_id"].as_str() {
                Some(id) => entities
                    .iter()
                    .find(|c| c["card_id"] == id)
                    .map(|c| c["card"].clone())
                    .unwrap_or_default(),
                None => m["content"].clone(),
            })
            .collect()
    }

    pub async fn sandbox_post(&self, path: &str, body: &Value) -> Value {
        reqwest::Client::new()
            .post(format!("{}{path}", self.stack.sandbox_url))
            .json(body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Runs the notifier until the queue is empty (retries included). The test's clock moves a
    /// second for each second spent waiting for a retry, as time would (the notifier's pacing
    /// counts seconds on it).
    pub async fn deliver(&self) -> usize {
        self.stack.deliver().await.unwrap()
    }

    /// Lets `seconds` pass for tamlink and for the Lark sandbox alike (webhook signatures carry
    /// a timestamp Lark accepts within an hour of its own time).
    pub async fn pass_everywhere(&self, seconds: i64) {
        self.clock.advance(seconds);
        self.sandbox_post(
            "/_sandbox/clock",
            &serde_json::json!({ "advance_seconds": seconds }),
        )
        .await;
    }

    /// Moves the clock forward to 09:00 UTC on the 10th of the coming month, so a test that lets
    /// hours pass stays inside one calendar month whatever day it runs on.
    pub fn to_mid_month(&self) {
        let now = time::OffsetDateTime::from_unix_timestamp(self.clock.now()).expect("clock");
        let (year, month) = match now.month() {
            time::Month::December => (now.year() + 1, time::Month::January),
            m => (now.year(), m.next()),
        };
        let target = time::Date::from_calendar_date(year, month, 10)
            .expect("a date")
            .with_hms(9, 0, 0)
            .expect("a time")
            .assume_utc()
            .unix_timestamp();
        self.clock.advance(target - self.clock.now());
    }

    /// Lets `seconds` pass, then runs the digest sweep and the notifier, as AWS would.
    pub async fn after(&self, seconds: i64) -> usize {
        self.clock.advance(seconds);
        self.stack.run_job("DigestSweepFunction").await.unwrap();
        self.deliver().await
    }

    /// DynamoDB requests made since the last call (as moto counted them), by operation.
    pub async fn dynamodb_requests(&self) -> (u64, Value) {
        let url = format!("{}/_tamlink/dynamodb-requests", self.stack.moto_url);
        let client = reqwest::Client::new();
        let counts: Value = client
            .delete(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (
            counts["total"].as_u64().unwrap(),
            counts["by_operation"].clone(),
        )
    }

    /// Gives an organisation a long history fast: `count` copies of its ticket #`from` (a real
    /// one, made through the API), numbered from `first` on, written 25 at a time. Copies are
    /// closed (out of the open-tickets and SLA indexes) unless `open`.
    pub async fn copy_ticket(&self, app_id: &str, from: u64, first: u64, count: u64, open: bool) {
        use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
        let settings = &self.stack.ctx.settings;
        let db = aws_sdk_dynamodb::Client::new(&tamlink::context::aws_sdk_config(settings));
        let pk = AttributeValue::S(format!("APP#{app_id}"));
        let item = db
            .get_item()
            .table_name(&settings.table_name)
            .key("pk", pk.clone())
            .key("sk", AttributeValue::S(format!("TICKET#{from:08}")))
            .send()
            .await
            .unwrap()
            .item
            .expect("the ticket to copy");
        let numbers: Vec<u64> = (first..first + count).collect();
        for chunk in numbers.chunks(25) {
            let writes = chunk
                .iter()
                .map(|n| {
                    let mut copy = item.clone();
                    copy.insert("sk".into(), AttributeValue::S(format!("TICKET#{n:08}")));
                    copy.insert("number".into(), AttributeValue::N(n.to_string()));
                    copy.remove("gsi1pk");
                    copy.remove("gsi1sk");
                    if open {
                        copy.insert("gsi2sk".into(), AttributeValue::S(format!("{n:08}")));
                    } else {
                        copy.insert("status".into(), AttributeValue::S("closed".into()));
                        copy.remove("gsi2pk");
                        copy.remove("gsi2sk");
                    }
                    let put = PutRequest::builder().set_item(Some(copy)).build().unwrap();
                    WriteRequest::builder().put_request(put).build()
                })
                .collect();
            db.batch_write_item()
                .request_items(&settings.table_name, writes)
                .send()
                .await
                .unwrap();
        }
    }

    /// Puts `user` of `app_id` into `count` more groups fast: copies of `group` (its record and
    /// the person's membership), with ids `g_copy0000`, `g_copy0001`, ...
    pub async fn copy_group_membership(&self, app_id: &str, user: &str, group: &str, count: u64) {
        use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
        let settings = &self.stack.ctx.settings;
        let db = aws_sdk_dynamodb::Client::new(&tamlink::context::aws_sdk_config(settings));
        let open_id = self.open_id(app_id, user).await;
        let get = |sk: String| {
            let db = db.clone();
            let table = settings.table_name.clone();
            let pk = format!("GROUP#{group}");
            async move {
                db.get_item()
                    .table_name(table)
                    .key("pk", AttributeValue::S(pk))
                    .key("sk", AttributeValue::S(sk))
                    .send()
                    .await
                    .unwrap()
                    .item
                    .expect("item to copy")
            }
        };
        let meta = get("META".into()).await;
        let member = get(format!("MEMBER#{app_id}#{open_id}")).await;
        let mut writes = Vec::new();
        for i in 0..count {
            let id = format!("g_copy{i:04}");
            let mut m = meta.clone();
            m.insert("pk".into(), AttributeValue::S(format!("GROUP#{id}")));
            m.insert("id".into(), AttributeValue::S(id.clone()));
            m.remove("gsi1pk");
            m.remove("gsi1sk");
            let mut b = member.clone();
            b.insert("pk".into(), AttributeValue::S(format!("GROUP#{id}")));
            b.insert("group_id".into(), AttributeValue::S(id.clone()));
            b.insert("gsi1sk".into(), AttributeValue::S(format!("GROUP#{id}")));
            for item in [m, b] {
                let put = PutRequest::builder().set_item(Some(item)).build().unwrap();
                writes.push(WriteRequest::builder().put_request(put).build());
            }
        }
        for chunk in writes.chunks(25) {
            db.batch_write_item()
                .request_items(&settings.table_name, chunk.to_vec())
                .send()
                .await
                .unwrap();
        }
    }

    /// Takes every notification waiting on the notification queue off it (each at most once):
    /// the notifier never sees them.
    pub async fn drain_queue(&self) -> Vec<Value> {
        let ctx = &self.stack.ctx;
        let mut out = Vec::new();
        loop {
            let got = ctx
                .sqs
                .receive_message()
                .queue_url(&ctx.settings.queue_url)
                .max_number_of_messages(10)
                .visibility_timeout(600)
                .send()
                .await
                .unwrap();
            let messages = got.messages.unwrap_or_default();
            if messages.is_empty() {
                return out;
            }
            let mut taken = ctx
                .sqs
                .delete_message_batch()
                .queue_url(&ctx.settings.queue_url);
            for (i, m) in messages.iter().enumerate() {
                out.push(serde_json::from_str(m.body().unwrap()).unwrap());
                taken = taken.entries(
                    aws_sdk_sqs::types::DeleteMessageBatchRequestEntry::builder()
                        .id(i.to_string())
                        .receipt_handle(m.receipt_handle().unwrap())
                        .build()
                        .unwrap(),
                );
            }
            taken.send().await.unwrap();
        }
    }

    /// Registers and activates another customer organisation, served by the TAM and the given
    /// engineers (user ids of the sandbox).
    pub async fn activate_other_org(&self, app_id: &str, org_name: &str, engineers: &[&str]) {
        let tara = self.signed_in(PROVIDER_APP_ID, "tara").await;
        let mut engineer_ids = Vec::new();
        for e in engineers {
            engineer_ids.push(self.open_id(PROVIDER_APP_ID, e).await);
        }
        let mut reg = registration(org_name, app_id, secret(app_id));
        reg["engineers"] = serde_json::json!(engineer_ids);
        let (status, body) = tara.register_customer(&reg).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, body) = tara.activate_customer(app_id).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// Ana signs in to Acme and opens an S2 ticket titled `title`; its first notifications are
    /// sent. (Ana, the ticket as the API answered.)
    pub async fn anas_ticket(&self, title: &str) -> (Browser, Value) {
        let ana = self.signed_in(CUSTOMER_APP_ID, "ana").await;
        let (status, opened) = ana
            .open_ticket(
                CUSTOMER_APP_ID,
                &serde_json::json!({"title": title, "severity": "sev2"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{opened}");
        self.deliver().await;
        (ana, opened)
    }

    /// Ana signs in to Acme and opens an S3 ticket titled `title`; nothing is delivered yet.
    /// (Ana, the ticket as the API answered.)
    pub async fn anas_s3_ticket(&self, title: &str) -> (Browser, Value) {
        let ana = self.signed_in(CUSTOMER_APP_ID, "ana").await;
        let (status, opened) = ana
            .open_ticket(
                CUSTOMER_APP_ID,
                &serde_json::json!({"title": title, "severity": "sev3"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{opened}");
        (ana, opened)
    }

    /// Makes an organisation invitation-only (colleagues no longer join at sign-in).
    pub async fn make_invite_only(&self, app_id: &str) {
        let mut tenant = self.tenant(app_id).await;
        tenant.auto_join = false;
        self.stack
            .ctx
            .store
            .update_tenant(&tenant, &["auto_join"])
            .await
            .unwrap();
    }
}

/// Starts a stack on free ports. Many tests start stacks at once, and a port the OS called free
/// can be taken before the child binds it; a second try with new ports settles that.
async fn start(opts: Options) -> LocalStack {
    let mut last = None;
    for _ in 0..3 {
        match LocalStack::start(opts.clone()).await {
            Ok(stack) => return stack,
            Err(e) => {
                eprintln!("local stack did not start, trying again: {e}");
                last = Some(e);
            }
        }
    }
    panic!("local stack did not start: {}", last.unwrap());
}

pub struct Browser {
    pub client: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
    base: String,
    /// Lark's and Feishu's listeners of the sandbox: a person signs in on their brand's.
    sandbox: String,
    feishu: String,
}

/// A page as the browser ended up on it.
pub struct Page {
    pub status: StatusCode,
    pub url: url::Url,
    /// The raw markup.
    pub body: String,
    /// The markup with HTML entities decoded: what a person reads.
    pub text: String,
}

impl Page {
    /// A query parameter of the page's address (an invitation landing's `token`).
    pub fn query_param(&self, name: &str) -> String {
        self.url
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| panic!("no {name} in {}", self.url))
    }

    async fn from(resp: Response) -> Self {
        let status = resp.status();
        let url = resp.url().clone();
        let body = resp.text().await.unwrap();
        Self {
            status,
            url,
            text: decode_entities(&body),
            body,
        }
    }

    pub fn assert_contains(&self, text: &str) -> &Self {
        assert!(
            self.text.contains(text),
            "expected {text:?} on {} ({}):\n{}",
            self.url,
            self.status,
            self.body
        );
        self
    }
}

impl Browser {
    fn at(stack: &TestStack, policy: Policy, address: &str) -> Self {
        let mut b = Browser::new(stack, Policy::none());
        b.client = reqwest::Client::builder()
            .cookie_provider(b.jar.clone())
            .redirect(policy)
            .local_address(address.parse::<std::net::IpAddr>().expect("an address"))
            .build()
            .unwrap();
        b
    }

    fn new(stack: &TestStack, policy: Policy) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(policy)
            .build()
            .unwrap();
        Self {
            client,
            jar,
            base: stack.base().to_owned(),
            sandbox: stack.stack.sandbox_url.clone(),
            feishu: stack.stack.feishu_url.clone(),
        }
    }

    /// `SetLanguageFunction`: chooses a language (JSON).
    pub async fn choose_language(&self, app_id: &str, lang: &str) -> (StatusCode, Value) {
        self.post_json(
            &format!("/lark/{app_id}/api/language"),
            &serde_json::json!({ "lang": lang }),
        )
        .await
    }

    /// The value of a cookie the browser would send to `path`.
    pub fn cookie(&self, path: &str, name: &str) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url = url::Url::parse(&format!("{}{path}", self.base)).unwrap();
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")).map(str::to_owned))
    }

    pub async fn get(&self, path: &str) -> Page {
        Page::from(
            self.client
                .get(format!("{}{path}", self.base))
                .header("accept", "text/html")
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn get_url(&self, url: &str) -> Page {
        Page::from(
            self.client
                .get(url)
                .header("accept", "text/html")
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Opens the app's workbench, lands on Lark's authorize page and picks `user` there, as a
    /// person would; returns the page the browser ends on.
    pub async fn sign_in(&self, app_id: &str, user: &str) -> Page {
        let authorize = self.get(&format!("/lark/{app_id}/workbench")).await;
        self.consent(&authorize, user).await
    }

    /// Clicks `user` on a Lark authorize page the browser is showing.
    pub async fn consent(&self, authorize: &Page, user: &str) -> Page {
        let on = |host: &str| {
            authorize
                .url
                .as_str()
                .starts_with(&format!("{host}/open-apis/authen/v1/authorize"))
        };
        assert!(
            on(&self.sandbox) || on(&self.feishu),
            "expected Lark's authorize page, got {} ({}): {}",
            authorize.url,
            authorize.status,
            authorize.body
        );
        Page::from(self.send_consent(&authorize.url, user).await).await
    }

    /// Submits Lark's consent form for the authorize page at `authorize` as `user`.
    async fn send_consent(&self, authorize: &url::Url, user: &str) -> Response {
        let q: HashMap<String, String> = authorize.query_pairs().into_owned().collect();
        let form = [
            ("client_id", q["client_id"].as_str()),
            ("redirect_uri", q["redirect_uri"].as_str()),
            ("state", q.get("state").map(String::as_str).unwrap_or("")),
            ("user_id", user),
        ];
        // Consent is given on the brand's own accounts host, the one that showed the page.
        let url = format!(
            "{}/open-apis/authen/v1/authorize/consent",
            authorize.origin().ascii_serialization()
        );
        self.client.post(url).form(&form).send().await.unwrap()
    }

    /// Walks login → Lark consent for `user` one hop at a time, stopping before the callback:
    /// returns the login cookie the browser was given and the callback URL Lark sent it to.
    pub async fn login_until_callback(&self, app_id: &str, user: &str) -> LoginSteps {
        let to_lark = self
            .client
            .get(format!("{}/thirdparty/lark/{app_id}/login", self.base))
            .send()
            .await
            .unwrap();
        let login_cookie = to_lark.headers()["set-cookie"].to_str().unwrap().to_owned();
        let lark = url::Url::parse(to_lark.headers()["location"].to_str().unwrap()).unwrap();
        let consent = self.send_consent(&lark, user).await;
        let callback = consent.headers()["location"].to_str().unwrap().to_owned();
        LoginSteps {
            login_cookie,
            callback,
        }
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// The AWS requests one call of a route made, as the local gateway counted them
    /// (`x-local-aws-calls`), with the status it answered.
    pub async fn aws_calls(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Vec<String>) {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            req = req.json(body);
        }
        let resp = req.send().await.unwrap();
        let calls = resp
            .headers()
            .get("x-local-aws-calls")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        (resp.status(), calls)
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let resp = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// Posts an HTML form as a browser would; returns the page it ends on.
    pub async fn post_form(&self, path_or_url: &str, fields: &[(&str, &str)]) -> Page {
        let url = if path_or_url.starts_with("http") {
            path_or_url.to_owned()
        } else {
            format!("{}{path_or_url}", self.base)
        };
        Page::from(
            self.client
                .post(url)
                .header("accept", "text/html")
                .form(fields)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn messages(&self, app_id: &str, group: &str, query: &str) -> (StatusCode, Value) {
        self.get_json(&format!(
            "/lark/{app_id}/api/groups/{group}/messages{query}"
        ))
        .await
    }

    pub async fn post_message(
        &self,
        app_id: &str,
        group: &str,
        body: &Value,
    ) -> (StatusCode, Value) {
        self.post_json(&format!("/lark/{app_id}/api/groups/{group}/messages"), body)
            .await
    }

    pub async fn say_raw(&self, app_id: &str, group: &str, text: &str) -> (StatusCode, Value) {
        self.post_message(app_id, group, &serde_json::json!({ "text": text }))
            .await
    }

    pub async fn say(&self, app_id: &str, group: &str, text: &str) -> Value {
        let (status, body) = self
            .post_message(app_id, group, &serde_json::json!({ "text": text }))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    pub async fn members(&self, app_id: &str, group: &str) -> (StatusCode, Value) {
        self.get_json(&format!("/lark/{app_id}/api/groups/{group}/members"))
            .await
    }

    pub async fn create_invitation(&self, app_id: &str, group: &str) -> (StatusCode, Value) {
        self.post_json(
            &format!("/lark/{app_id}/api/groups/{group}/invitations"),
            &Value::Null,
        )
        .await
    }

    pub async fn open_ticket(&self, app_id: &str, body: &Value) -> (StatusCode, Value) {
        self.post_json(&format!("/lark/{app_id}/api/tickets"), body)
            .await
    }

    /// `ListGroupsFunction`: the groups the reader belongs to.
    pub async fn groups(&self, app_id: &str) -> (StatusCode, Value) {
        self.get_json(&format!("/lark/{app_id}/api/groups")).await
    }

    /// `RemoveMemberFunction`: leave, or remove someone (`app_id`/`open_id` of that person).
    pub async fn remove_member(
        &self,
        app_id: &str,
        group: &str,
        who_app: &str,
        who: &str,
    ) -> (StatusCode, Value) {
        self.post_json(
            &format!("/lark/{app_id}/api/groups/{group}/members/remove"),
            &serde_json::json!({"app_id": who_app, "open_id": who}),
        )
        .await
    }

    /// `ListInvitationsFunction`: a group's active Add People links.
    pub async fn invitations(&self, app_id: &str, group: &str) -> (StatusCode, Value) {
        self.get_json(&format!("/lark/{app_id}/api/groups/{group}/invitations"))
            .await
    }

    /// `RevokeInvitationFunction`.
    pub async fn revoke_invitation(
        &self,
        app_id: &str,
        group: &str,
        id: &str,
    ) -> (StatusCode, Value) {
        self.post_json(
            &format!("/lark/{app_id}/api/groups/{group}/invitations/{id}/revoke"),
            &Value::Null,
        )
        .await
    }

    /// `AskToJoinFunction`: ask a ticket's creator to be added to its group.
    pub async fn ask_to_join(&self, app_id: &str, ticket: &str) -> (StatusCode, Value) {
        self.post_json(
            &format!("/lark/{app_id}/api/tickets/{ticket}/join-request"),
            &serde_json::json!({}),
        )
        .await
    }

    /// `RemindTicketFunction`.
    pub async fn remind(&self, app_id: &str, ticket: &str) -> (StatusCode, Value) {
        self.post_json(
            &format!("/lark/{app_id}/api/tickets/{ticket}/reminder"),
            &serde_json::json!({}),
        )
        .await
    }

    /// `DeclareEmergencyFunction` with a reason and the confirmation.
    pub async fn declare_emergency(
        &self,
        app_id: &str,
        ticket: &str,
        body: &Value,
    ) -> (StatusCode, Value) {
        self.post_json(
            &format!("/lark/{app_id}/api/tickets/{ticket}/emergency"),
            body,
        )
        .await
    }

    /// Declares a business outage on `ticket`, confirmed, and expects it accepted.
    pub async fn declare_outage(&self, app_id: &str, ticket: &str) {
        let (status, body) = self
            .declare_emergency(
                app_id,
                ticket,
                &serde_json::json!({"reason": "business_outage", "confirm": true}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// `AcknowledgeEmergencyFunction`.
    pub async fn acknowledge(&self, app_id: &str, ticket: &str) -> (StatusCode, Value) {
        self.post_json(
            &format!("/lark/{app_id}/api/tickets/{ticket}/acknowledge"),
            &serde_json::json!({}),
        )
        .await
    }

    /// `SetPlanFunction`: the TAM records an organisation's Lark plan and tamlink's share.
    pub async fn set_plan(&self, customer_app: &str, body: &Value) -> (StatusCode, Value) {
        self.post_json(
            &format!("/lark/{PROVIDER_APP_ID}/api/customers/{customer_app}/plan"),
            body,
        )
        .await
    }

    /// Another browser holding a copy of this one's session cookie for `app_id` (what someone who
    /// copied the cookie would hold).
    pub fn copy_session(&self, t: &TestStack, app_id: &str) -> Browser {
        let name = "tl_session";
        let value = self
            .cookie(&format!("/lark/{app_id}/workbench"), name)
            .expect("signed in");
        let copy = t.browser();
        let url = url::Url::parse(&format!("{}/lark/{app_id}/", self.base)).unwrap();
        copy.jar
            .add_cookie_str(&format!("{name}={value}; Path=/lark/{app_id}"), &url);
        copy
    }

    /// Signs out of every browser and device at once.
    pub async fn logout_everywhere(&self, app_id: &str) -> StatusCode {
        self.post_logout(app_id, "?scope=everywhere").await
    }

    /// `LogoutFunction`: the sign-out button's bodiless POST.
    pub async fn logout(&self, app_id: &str) -> StatusCode {
        self.post_logout(app_id, "").await
    }

    async fn post_logout(&self, app_id: &str, query: &str) -> StatusCode {
        let url = format!("{}/lark/{app_id}/api/session/logout{query}", self.base);
        self.client.post(url).send().await.unwrap().status()
    }

    /// `SetupGuideFunction` as a JSON client (no `Accept: text/html`) reads it.
    pub async fn setup(&self, app_id: &str) -> Value {
        self.client
            .get(format!("{}/lark/{app_id}/api/setup", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// `SetDutyFunction`: a staff member switches themselves on or off duty.
    pub async fn set_duty(&self, on_duty: bool) -> (StatusCode, Value) {
        self.post_json(
            &format!("/lark/{PROVIDER_APP_ID}/api/staff/duty"),
            &serde_json::json!({ "on_duty": on_duty }),
        )
        .await
    }

    pub async fn move_ticket(&self, app_id: &str, id: &str, status: &str) -> (StatusCode, Value) {
        self.post_json(
            &format!("/lark/{app_id}/api/tickets/{id}/status"),
            &serde_json::json!({ "status": status }),
        )
        .await
    }

    pub async fn tickets(&self, app_id: &str) -> Vec<Value> {
        let (status, body) = self.get_json(&format!("/lark/{app_id}/api/tickets")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["tickets"].as_array().cloned().unwrap_or_default()
    }

    pub async fn register_customer(&self, body: &Value) -> (StatusCode, Value) {
        self.post_json(&format!("/lark/{PROVIDER_APP_ID}/api/customers"), body)
            .await
    }

    pub async fn check_customer(&self, app_id: &str) -> (StatusCode, Value) {
        self.post_json(
            &format!("/lark/{PROVIDER_APP_ID}/api/customers/{app_id}/check"),
            &Value::Null,
        )
        .await
    }

    pub async fn activate_customer(&self, app_id: &str) -> (StatusCode, Value) {
        self.post_json(
            &format!("/lark/{PROVIDER_APP_ID}/api/customers/{app_id}/activate"),
            &Value::Null,
        )
        .await
    }
}

pub struct LoginSteps {
    /// The whole `Set-Cookie` header of the login route.
    pub login_cookie: String,
    pub callback: String,
}

/// A queued notification's words (a catalog message or typed text) as an English reader sees them.
/// The sandbox user of the engineer a ticket went to, from the ticket as the API answered (the
/// demo's engineers are Eli Novak and Erin Park).
pub fn assignee_user(ticket: &Value) -> &'static str {
    if ticket["assignee"] == "Eli Novak" {
        "eli"
    } else {
        "erin"
    }
}

pub fn en(words: &Value) -> String {
    serde_json::from_value::<tamlink::i18n::Text>(words.clone())
        .map(|t| t.in_lang(tamlink::i18n::Lang::En))
        .unwrap_or_default()
}

pub fn registration(org_name: &str, app_id: &str, secret: &str) -> Value {
    serde_json::json!({"org_name": org_name, "app_id": app_id, "app_secret": secret})
}

pub fn secret(app_id: &str) -> &'static str {
    demo::sandbox_secret(app_id)
}

fn decode_entities(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The texts of a chat page's messages, oldest first.
pub fn texts(page: &Value) -> Vec<String> {
    page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect()
}

/// An App ID literal as the library types it.
pub fn app(raw: &str) -> tamlink::ids::AppId {
    tamlink::ids::AppId::parse(raw).expect("a valid App ID literal")
}

/// An open_id as the library types it.
pub fn open(raw: &str) -> tamlink::ids::OpenId {
    tamlink::ids::OpenId::parse(raw).expect("a valid open_id")
}

// ----- chat socket ---------------------------------------------------------------------------

/// A page's chat socket, as a browser would open it (the test plays the page's script).
pub struct Socket {
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

/// What a socket saw within a wait.
#[derive(Debug)]
pub enum Heard {
    Frame(Value),
    Closed,
    Nothing,
}

impl Page {
    /// Where the group page's script opens its chat socket (`data-socket`).
    pub fn socket_url(&self) -> String {
        let start = self
            .text
            .find("data-socket=\"")
            .unwrap_or_else(|| panic!("no chat socket on {}:\n{}", self.url, self.body))
            + "data-socket=\"".len();
        let len = self.text[start..].find('"').unwrap();
        self.text[start..start + len].to_owned()
    }
}

impl Socket {
    /// Opens `url` from `origin`; the handshake's refusal status when refused.
    pub async fn open(url: &str, origin: &str) -> Result<Self, StatusCode> {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = url.into_client_request().unwrap();
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
        match tokio_tungstenite::connect_async(request).await {
            Ok((ws, _)) => Ok(Self { ws }),
            Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
                Err(StatusCode::from_u16(resp.status().as_u16()).unwrap())
            }
            Err(e) => panic!("connecting to {url}: {e}"),
        }
    }

    /// The next thing heard within `secs` seconds.
    pub async fn hear(&mut self, secs: f64) -> Heard {
        use futures::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        let wait = std::time::Duration::from_secs_f64(secs);
        loop {
            match tokio::time::timeout(wait, self.ws.next()).await {
                Err(_) => return Heard::Nothing,
                Ok(Some(Ok(Message::Text(t)))) => {
                    return Heard::Frame(serde_json::from_str(&t).unwrap())
                }
                Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
                Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) => {
                    return Heard::Closed
                }
                Ok(Some(Ok(other))) => panic!("unexpected frame {other:?}"),
            }
        }
    }

    /// The next pushed message (its `message`), failing the test on anything else.
    pub async fn pushed(&mut self) -> Value {
        match self.hear(10.0).await {
            Heard::Frame(f) => {
                assert_eq!(f["type"], "message", "{f}");
                f["message"].clone()
            }
            other => panic!("expected a pushed message, heard {other:?}"),
        }
    }

    /// The next pushed message numbered `seq` or later (earlier ones were on their way when
    /// the socket opened).
    pub async fn pushed_from(&mut self, seq: u64) -> Value {
        loop {
            let m = self.pushed().await;
            if m["seq"].as_u64().unwrap() >= seq {
                return m;
            }
        }
    }

    pub async fn send(&mut self, text: &str) {
        use futures::SinkExt;
        self.ws
            .send(tokio_tungstenite::tungstenite::Message::Text(text.into()))
            .await
            .unwrap();
    }
}

impl TestStack {
    /// The connections stored as following a group (`SOCKETS#{group}` items), by id.
    pub async fn followers(&self, group: &str) -> Vec<String> {
        let aws = tamlink::context::aws_sdk_config(&self.stack.ctx.settings);
        let out = aws_sdk_dynamodb::Client::new(&aws)
            .query()
            .table_name(&self.stack.ctx.settings.table_name)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(
                ":pk",
                aws_sdk_dynamodb::types::AttributeValue::S(format!("SOCKETS#{group}")),
            )
            .send()
            .await
            .unwrap();
        out.items()
            .iter()
            .filter_map(|i| i.get("sk")?.as_s().ok().cloned())
            .collect()
    }
}
