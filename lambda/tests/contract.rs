//! The Lambda contract: the real `bootstrap` binary, run under a Runtime API emulator with the
//! settings `template.yaml` gives a function, answers the events AWS sends — API Gateway HTTP API
//! v2.0 (cookies array, base64 body, `$default` stage), SQS batches (partial failures) and
//! EventBridge Scheduler — against the local stack's moto and Lark sandbox. A broken setting is
//! reported to the init error endpoint by name.

use std::path::Path;

use serde_json::{json, Value};
use tamlink_gateway::emulator::{events, Environment, Outcome};
use tamlink_tests::{TestStack, CUSTOMER_APP_ID, PROVIDER_APP_ID};

const BINARY: &str = env!("CARGO_BIN_EXE_bootstrap");

async fn cold_start(t: &TestStack, function: &str) -> Environment {
    Environment::start(Path::new(BINARY), function, &t.stack.env())
        .await
        .expect("the binary starts")
}

fn response(outcome: Outcome) -> Value {
    match outcome {
        Outcome::Response(v) => v,
        Outcome::Error(e) => panic!("the function failed: {e}"),
    }
}

fn header<'a>(resp: &'a Value, name: &str) -> Option<&'a str> {
    resp["headers"][name].as_str()
}

#[tokio::test]
async fn http_functions_answer_api_gateway_v2_events() {
    let t = TestStack::demo().await;

    // A page without a session: a redirect into Lark sign-in, as the gateway journeys see it.
    let mut workbench = cold_start(&t, "WorkbenchFunction").await;
    let path = format!("/lark/{CUSTOMER_APP_ID}/workbench");
    let resp = response(
        workbench
            .invoke(events::http(
                "GET",
                "/lark/{appId}/workbench",
                &path,
                "",
                &[("accept", "text/html")],
                &[],
                None,
            ))
            .await
            .unwrap(),
    );
    assert_eq!(resp["statusCode"], 302, "{resp}");
    assert!(
        header(&resp, "location").is_some_and(|l| l.contains("/login")),
        "{resp}"
    );

    // A JSON POST with its body base64-encoded and the session in the v2 `cookies` array.
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let cookie_name = "tl_session";
    let session = ana
        .cookie(&format!("/lark/{CUSTOMER_APP_ID}/api/groups"), cookie_name)
        .expect("signed in");
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let mut post = cold_start(&t, "PostMessageFunction").await;
    let path = format!("/lark/{CUSTOMER_APP_ID}/api/groups/{group}/messages");
    let body = json!({"text": "posted through the Lambda binary", "client_id": "lambda-1"});
    let resp = response(
        post.invoke(events::http(
            "POST",
            "/lark/{appId}/api/groups/{groupId}/messages",
            &path,
            "",
            &[
                ("content-type", "application/json"),
                // The page's own origin: the deployment's BaseUrl.
                ("origin", t.base()),
            ],
            &[&format!("{cookie_name}={session}"), "unrelated=1"],
            Some(body.to_string().as_bytes()),
        ))
        .await
        .unwrap(),
    );
    assert_eq!(resp["statusCode"], 201, "{resp}");
    let (_, chat) = ana.messages(CUSTOMER_APP_ID, &group, "").await;
    assert!(
        chat.to_string()
            .contains("posted through the Lambda binary"),
        "{chat}"
    );

    // Without the cookie the same request is refused, in JSON.
    let resp = response(
        post.invoke(events::http(
            "POST",
            "/lark/{appId}/api/groups/{groupId}/messages",
            &path,
            "",
            &[("content-type", "application/json")],
            &[],
            Some(body.to_string().as_bytes()),
        ))
        .await
        .unwrap(),
    );
    assert_eq!(resp["statusCode"], 401, "{resp}");

    // The setup guide (no AWS calls) answers JSON clients with the query string it was given.
    let mut setup = cold_start(&t, "SetupGuideFunction").await;
    let path = format!("/lark/{CUSTOMER_APP_ID}/api/setup");
    let resp = response(
        setup
            .invoke(events::http(
                "GET",
                "/lark/{appId}/api/setup",
                &path,
                "format=json",
                &[("accept", "application/json")],
                &[],
                None,
            ))
            .await
            .unwrap(),
    );
    assert_eq!(resp["statusCode"], 200, "{resp}");
    assert!(
        resp["body"].to_string().contains("oauth2/callback"),
        "{resp}"
    );
}

#[tokio::test]
async fn the_notifier_answers_sqs_batches_with_partial_failures() {
    let t = TestStack::demo().await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let ana_id = t.open_id(CUSTOMER_APP_ID, "ana").await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let (status, body) = tara
        .post_message(
            PROVIDER_APP_ID,
            &group,
            &json!({
                "text": "@Ana Ortiz the fix is live",
                "mentions": [{"app_id": CUSTOMER_APP_ID, "open_id": ana_id}]
            }),
        )
        .await;
    assert_eq!(status.as_u16(), 201, "{body}");
    // Take the queued notification off the queue as the event source mapping would.
    let got = t
        .stack
        .ctx
        .sqs
        .receive_message()
        .queue_url(&t.stack.ctx.settings.queue_url)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap();
    let mut records: Vec<(String, String, String)> = got
        .messages
        .unwrap_or_default()
        .into_iter()
        .map(|m| {
            (
                m.message_id.unwrap_or_default(),
                m.receipt_handle.unwrap_or_default(),
                m.body.unwrap_or_default(),
            )
        })
        .collect();
    assert!(!records.is_empty(), "the mention was queued");
    let mut notifier = cold_start(&t, "NotifierFunction").await;
    let resp = response(notifier.invoke(events::sqs(&records)).await.unwrap());
    assert_eq!(resp["batchItemFailures"], json!([]), "{resp}");
    assert_eq!(t.dms(CUSTOMER_APP_ID, "ana").await.len(), 1);

    // Redelivered by SQS: nothing is sent twice, and nothing fails.
    records.truncate(1);
    let resp = response(notifier.invoke(events::sqs(&records)).await.unwrap());
    assert_eq!(resp["batchItemFailures"], json!([]), "{resp}");
    assert_eq!(t.dms(CUSTOMER_APP_ID, "ana").await.len(), 1);
}

#[tokio::test]
async fn scheduled_functions_answer_eventbridge_scheduler() {
    let t = TestStack::demo().await;
    for function in [
        "InvitationExpiryFunction",
        "SlaCheckFunction",
        "EmergencyRepageFunction",
        "DigestSweepFunction",
    ] {
        let mut job = cold_start(&t, function).await;
        let resp = response(job.invoke(events::schedule()).await.unwrap());
        assert!(resp.is_object(), "{function}: {resp}");
    }
}

#[tokio::test]
async fn a_broken_setting_is_an_init_error_that_names_it_and_no_secret() {
    let t = TestStack::demo().await;
    let mut env = t.stack.env();
    env.retain(|(k, _)| *k != "TABLE_NAME");
    let mut missing = Environment::start(Path::new(BINARY), "ListGroupsFunction", &env)
        .await
        .unwrap();
    let err = missing
        .exit_with_init_error()
        .await
        .unwrap()
        .expect("reported");
    assert_eq!(err["errorType"], "Runtime.InitError");
    assert!(
        err["errorMessage"].as_str().unwrap().contains("TABLE_NAME"),
        "{err}"
    );

    // A secret the function cannot read: the setting is named, the value never appears.
    let mut env = t.stack.env();
    for (k, v) in env.iter_mut() {
        if *k == "SIGNING_KEY_SECRET_ARN" {
            *v = "arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-AbCdEf".into();
        }
    }
    let mut unreadable = Environment::start(Path::new(BINARY), "WorkbenchFunction", &env)
        .await
        .unwrap();
    let err = unreadable
        .exit_with_init_error()
        .await
        .unwrap()
        .expect("reported");
    assert!(
        err["errorMessage"]
            .as_str()
            .unwrap()
            .contains("SIGNING_KEY_SECRET_ARN"),
        "{err}"
    );

    let mut unknown = Environment::start(Path::new(BINARY), "NoSuchFunction", &t.stack.env())
        .await
        .unwrap();
    let err = unknown
        .exit_with_init_error()
        .await
        .unwrap()
        .expect("reported");
    assert!(err["errorMessage"]
        .as_str()
        .unwrap()
        .contains("NoSuchFunction"));
}

#[tokio::test]
async fn every_log_line_of_an_invocation_carries_its_function_and_request_id() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let cookie_name = "tl_session";
    let session = ana
        .cookie(&format!("/lark/{CUSTOMER_APP_ID}/api/tickets"), cookie_name)
        .expect("signed in");
    let log = std::env::temp_dir().join(format!("tamlink-log-{}.jsonl", std::process::id()));
    let mut create = Environment::start_logging(
        Path::new(BINARY),
        "CreateTicketFunction",
        &t.stack.env(),
        Some(&log),
    )
    .await
    .unwrap();
    let body = json!({"title": "Robots offline", "description": "Since 9:00", "severity": "sev2"});
    let path = format!("/lark/{CUSTOMER_APP_ID}/api/tickets");
    let resp = response(
        create
            .invoke(events::http(
                "POST",
                "/lark/{appId}/api/tickets",
                &path,
                "",
                &[("content-type", "application/json")],
                &[&format!("{cookie_name}={session}")],
                Some(body.to_string().as_bytes()),
            ))
            .await
            .unwrap(),
    );
    assert_eq!(resp["statusCode"], 201, "{resp}");
    drop(create);
    let text = std::fs::read_to_string(&log).unwrap();
    let opened = text
        .lines()
        .find(|l| l.contains("ticket opened"))
        .unwrap_or_else(|| panic!("no 'ticket opened' line in {text}"));
    // The request span (function, route, request id) and the use case's own span are on it.
    for field in [
        "CreateTicketFunction",
        "req-00000001",
        "/lark/cli_acmerobotics01/api/tickets",
    ] {
        assert!(opened.contains(field), "{field} missing from {opened}");
    }
    assert!(!text.contains(&session), "the session cookie was logged");
    let _ = std::fs::remove_file(&log);
}
