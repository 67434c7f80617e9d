//! The notifier against moto's queue and table and the Lark sandbox: one DM per person per
//! 10 minutes with a digest for the rest, exactly once through races, redeliveries, rate limits,
//! outages and token expiry, and undeliverable recipients recorded instead of retried.

use std::sync::Arc;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use serde_json::{json, Value};
use tamlink::context::AppContext;
use tamlink::notify::{Notification, NotificationKind, Recipient};
use tamlink_gateway::poller;
use tamlink_tests::*;

const WINDOW: i64 = 600;

fn title(dm: &Value) -> String {
    dm["content"]["header"]["title"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Ana posts `count` messages in the service group, each mentioning the given staff members.
async fn mentions(t: &TestStack, staff: &[&str], count: usize) {
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let mut refs = Vec::new();
    for s in staff {
        refs.push(
            json!({"app_id": PROVIDER_APP_ID, "open_id": t.open_id(PROVIDER_APP_ID, s).await}),
        );
    }
    for i in 0..count {
        let (status, body) = ana
            .post_message(
                CUSTOMER_APP_ID,
                &group,
                &json!({"text": format!("update {i} on the telemetry outage"), "mentions": refs}),
            )
            .await;
        assert_eq!(status.as_u16(), 201, "{body}");
    }
}

#[tokio::test]
async fn fifty_mentions_in_ten_minutes_make_one_dm_and_one_digest_of_the_other_49() {
    let t = TestStack::demo().await;
    mentions(&t, &["tara"], 50).await;
    t.dynamodb_requests().await;
    assert_eq!(t.deliver().await, 50);
    let (requests, ops) = t.dynamodb_requests().await;
    println!("notifier: {requests} DynamoDB requests for 50 queue messages: {ops}");
    // Two per message (one read, one transaction), plus fetching and storing the first token.
    assert!(
        requests <= 2 * 50 + 3,
        "{requests} DynamoDB requests for 50 messages: {ops}"
    );

    let dms = t.dms(PROVIDER_APP_ID, "tara").await;
    assert_eq!(dms.len(), 1, "one immediate DM");
    assert_eq!(
        title(&dms[0]),
        "Ana Ortiz mentioned you in Acme Robotics · Enterprise Service"
    );
    assert!(dms[0]["content"]
        .to_string()
        .contains("update 0 on the telemetry outage"));

    // The 49 are due when the window ends: the moment the month benchmark (`bench-month`) jumps
    // to, asked of the digest index.
    let now = t.stack.ctx.now();
    let due = next_digest_due(&t, now).await;
    assert!(
        due.is_some_and(|d| d > now && d <= now + WINDOW),
        "{due:?} against {now}"
    );

    // Nine minutes on, still nothing more.
    t.after(WINDOW - 60).await;
    assert_eq!(t.dms(PROVIDER_APP_ID, "tara").await.len(), 1);

    // When the window ends, one digest carries the other 49.
    t.after(60).await;
    let dms = t.dms(PROVIDER_APP_ID, "tara").await;
    assert_eq!(dms.len(), 2, "{dms:#?}");
    assert_eq!(title(&dms[1]), "49 updates while you were away");
    let digest = dms[1]["content"].to_string();
    assert!(
        digest.contains("update 1 on") && digest.contains("…and 29 more"),
        "{digest}"
    );
    assert!((dms[1]["at"].as_f64().unwrap() - dms[0]["at"].as_f64().unwrap()) >= 0.0);

    // Nothing else, however often the sweep and the notifier run.
    t.after(WINDOW).await;
    t.after(WINDOW).await;
    assert_eq!(t.dms(PROVIDER_APP_ID, "tara").await.len(), 2);
    assert_eq!(next_digest_due(&t, now).await, None, "nothing waits");
    // Nobody else was messaged.
    let all = t.sandbox_get("/_sandbox/messages").await;
    assert_eq!(all["messages"].as_array().unwrap().len(), 2);
}

/// The first digest falling due after `after`, in that hour or the next.
async fn next_digest_due(t: &TestStack, after: i64) -> Option<i64> {
    let store = &t.stack.ctx.store;
    let hour = tamlink::store::due_hour(after);
    for h in [hour, hour + 1] {
        if let Some(due) = store.next_digest_due(h, after).await.unwrap() {
            return Some(due);
        }
    }
    None
}

fn notification(t: &TestStack, i: usize, recipient: (&str, &str)) -> Notification {
    Notification {
        id: format!("test.{i}.{}", recipient.1),
        kind: NotificationKind::Mention,
        urgent: false,
        recipient: Recipient {
            app_id: app(recipient.0),
            open_id: open(recipient.1),
            name: "someone".into(),
        },
        org_app_id: app(CUSTOMER_APP_ID),
        org_name: "Acme Robotics".into(),
        group_id: None,
        group_name: None,
        actor: Some("Ana Ortiz".into()),
        title: format!("Ana Ortiz mentioned you ({i})").into(),
        excerpt: format!("message {i}").into(),
        link: format!("{}/lark/{}/workbench", t.base(), recipient.0),
        created_at: t.stack.ctx.now(),
        card_key: None,
        ticket: None,
        ticket_status: None,
        only_update: false,
        survey: false,
        seq: None,
        revision: None,
    }
}

fn event(notifications: &[Notification]) -> SqsEvent {
    let mut event = SqsEvent::default();
    for (i, n) in notifications.iter().enumerate() {
        let mut m = SqsMessage::default();
        m.message_id = Some(format!("m{i}-{}", n.id));
        m.body = Some(serde_json::to_string(n).unwrap());
        event.records.push(m);
    }
    event
}

#[tokio::test]
async fn two_notifier_invocations_racing_for_one_person_send_one_dm() {
    let t = TestStack::demo().await;
    let tara = t.open_id(PROVIDER_APP_ID, "tara").await;
    let batch: Vec<Notification> = (0..10)
        .map(|i| notification(&t, i, (PROVIDER_APP_ID, &tara)))
        .collect();
    // A second instance of the function: its own Lark client and token cache, same table.
    let other = AppContext::build(
        t.stack.ctx.settings.clone(),
        Arc::new(t.clock.clone()),
        None,
    )
    .await
    .unwrap();
    let (a, b) = tokio::join!(
        tamlink::notifier::handle(&t.stack.ctx, event(&batch[..5])),
        tamlink::notifier::handle(&other, event(&batch[5..])),
    );
    assert!(a.batch_item_failures.is_empty() && b.batch_item_failures.is_empty());
    assert_eq!(t.dms(PROVIDER_APP_ID, "tara").await.len(), 1);
    t.after(WINDOW).await;
    let dms = t.dms(PROVIDER_APP_ID, "tara").await;
    assert_eq!(dms.len(), 2);
    assert_eq!(title(&dms[1]), "9 updates while you were away");
}

#[tokio::test]
async fn a_redelivered_message_is_not_sent_twice() {
    let t = TestStack::demo().await;
    let tara = t.open_id(PROVIDER_APP_ID, "tara").await;
    let first = notification(&t, 1, (PROVIDER_APP_ID, &tara));
    let second = notification(&t, 2, (PROVIDER_APP_ID, &tara));
    // The function sent both (one DM, one put aside) but crashed before SQS deleted them.
    tamlink::notifier::handle(&t.stack.ctx, event(&[first.clone(), second.clone()])).await;
    // SQS offers them again.
    let again = tamlink::notifier::handle(&t.stack.ctx, event(&[first, second])).await;
    assert!(again.batch_item_failures.is_empty());
    assert_eq!(t.dms(PROVIDER_APP_ID, "tara").await.len(), 1);
    // The repeat really reached Lark with the same uuid, and Lark dropped it.
    let calls = t.sandbox_get("/_sandbox/calls").await;
    let sends = calls["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "message")
        .count();
    assert_eq!(sends, 2, "{calls}");
    t.after(WINDOW).await;
    let dms = t.dms(PROVIDER_APP_ID, "tara").await;
    assert_eq!(dms.len(), 2);
    assert_eq!(
        title(&dms[1]),
        "Ana Ortiz mentioned you (2)",
        "a digest of one is that card"
    );
}

#[tokio::test]
async fn rate_limits_and_outages_are_ridden_out_and_everyone_gets_exactly_one_dm() {
    let t = TestStack::demo().await;
    // A month of its own: the demo's registration calls count in the month it ran.
    t.to_mid_month();
    let path = "/open-apis/im/v1/messages";
    t.sandbox_post(
        "/_sandbox/faults",
        &json!({"kind": "rate_limit", "count": 3, "path": path, "reset_seconds": 1}),
    )
    .await;
    t.sandbox_post(
        "/_sandbox/faults",
        &json!({"kind": "server_error", "count": 3, "path": path, "status": 503}),
    )
    .await;
    mentions(&t, &["tara", "eli", "erin"], 1).await;
    t.deliver().await;
    for who in ["tara", "eli", "erin"] {
        let dms = t.dms(PROVIDER_APP_ID, who).await;
        assert_eq!(dms.len(), 1, "{who}: {dms:#?}");
    }
    let calls = t.sandbox_get("/_sandbox/calls").await;
    let statuses: Vec<u64> = calls["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "message")
        .map(|c| c["status"].as_u64().unwrap())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 503).count(),
        3,
        "{statuses:?}"
    );
    // Failed calls do not count against the month (as Lark counts them).
    let counted = t.calls_counted(PROVIDER_APP_ID).await;
    assert_eq!(counted, 3);
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_nothing_is_lost() {
    let t = TestStack::demo().await;
    mentions(&t, &["tara"], 1).await;
    t.deliver().await;
    t.sandbox_post("/_sandbox/tokens/expire", &json!({})).await;
    mentions(&t, &["eli"], 1).await;
    t.deliver().await;
    assert_eq!(t.dms(PROVIDER_APP_ID, "eli").await.len(), 1);
    let calls = t.sandbox_get("/_sandbox/calls").await;
    let kinds: Vec<String> = calls["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{} {}", c["kind"].as_str().unwrap_or(""), c["code"]))
        .collect();
    let expired = kinds.iter().filter(|k| k.contains("99991663")).count();
    assert_eq!(expired, 1, "{kinds:?}");

    // Another instance starts cold and uses the token stored in DynamoDB: no token call.
    let tokens_before = token_calls(&t).await;
    let other = AppContext::build(
        t.stack.ctx.settings.clone(),
        Arc::new(t.clock.clone()),
        None,
    )
    .await
    .unwrap();
    let erin = t.open_id(PROVIDER_APP_ID, "erin").await;
    let n = notification(&t, 9, (PROVIDER_APP_ID, &erin));
    tamlink::notifier::handle(&other, event(&[n])).await;
    assert_eq!(t.dms(PROVIDER_APP_ID, "erin").await.len(), 1);
    assert_eq!(
        token_calls(&t).await,
        tokens_before,
        "the stored token was reused"
    );
}

async fn token_calls(t: &TestStack) -> usize {
    t.sandbox_calls_to("tenant_access_token").await
}

#[tokio::test]
async fn an_unreachable_recipient_is_recorded_for_the_tam_and_not_retried() {
    let t = TestStack::demo().await;
    // Cara is outside the Acme app's availability range.
    let cara = t.open_id(CUSTOMER_APP_ID, "cara").await;
    let n = notification(&t, 1, (CUSTOMER_APP_ID, &cara));
    let m = notification(&t, 2, (CUSTOMER_APP_ID, &cara));
    tamlink::notify::enqueue(&t.stack.ctx, &[n, m])
        .await
        .unwrap();
    assert_eq!(t.deliver().await, 2, "each tried once, none retried");
    let recorded = t
        .stack
        .ctx
        .store
        .undeliverable(&app(CUSTOMER_APP_ID))
        .await
        .unwrap();
    assert_eq!(
        recorded.len(),
        2,
        "the window was not spent on a DM nobody got"
    );
    assert_eq!(recorded[0].code, Some(230013));
    assert!(t.dms(CUSTOMER_APP_ID, "cara").await.is_empty());
}

/// Tara (TAM) mentions Ana in the service group.
async fn tara_mentions_ana(t: &TestStack, tara: &Browser, text: &str) {
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.open_id(CUSTOMER_APP_ID, "ana").await;
    let (status, body) = tara
        .post_message(
            PROVIDER_APP_ID,
            &group,
            &json!({"text": text, "mentions": [{"app_id": CUSTOMER_APP_ID, "open_id": ana}]}),
        )
        .await;
    assert_eq!(status.as_u16(), 201, "{body}");
}

#[tokio::test]
async fn the_window_widens_as_the_share_runs_low_the_tam_is_warned_once_and_a_spent_share_holds() {
    let t = TestStack::demo().await;
    // A month of its own: the demo's registration calls count in the month it ran.
    t.to_mid_month();
    // Ana signs in so she is in the service group.
    t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    // A tiny free plan: 8 calls, tamlink's share 50% -> 4 calls this month.
    let (status, body) = tara
        .set_plan(
            CUSTOMER_APP_ID,
            &json!({"kind": "free", "monthly_calls": 8, "share_percent": 50}),
        )
        .await;
    assert_eq!(status.as_u16(), 200, "{body}");
    assert_eq!(body["plan"]["share_percent"], 50);

    tara_mentions_ana(&t, &tara, "one").await;
    t.deliver().await; // call 1
    t.clock.advance(WINDOW + 60);
    tara_mentions_ana(&t, &tara, "two").await;
    t.deliver().await; // call 2: half the share used
    t.clock.advance(WINDOW + 60);
    tara_mentions_ana(&t, &tara, "three").await;
    t.deliver().await; // call 3: three quarters used -> Tara is warned; the window is now 30 min
    assert_eq!(t.dms(CUSTOMER_APP_ID, "ana").await.len(), 3);
    let warnings = t.dms(PROVIDER_APP_ID, "tara").await;
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        title(&warnings[0]).contains("has used 75% of its Lark API share"),
        "{}",
        title(&warnings[0])
    );

    // Eleven minutes later the window (now 30 minutes) is still closed: this one waits.
    t.clock.advance(WINDOW + 60);
    tara_mentions_ana(&t, &tara, "four").await;
    t.deliver().await;
    assert_eq!(
        t.dms(CUSTOMER_APP_ID, "ana").await.len(),
        3,
        "the window widened"
    );
    // At the end of the 30 minutes it goes out (call 4): the share is spent, Tara hears once more.
    t.after(20 * 60).await;
    let dms = t.dms(CUSTOMER_APP_ID, "ana").await;
    assert_eq!(dms.len(), 4);
    assert!(dms[3]["content"].to_string().contains("four"));
    t.deliver().await;
    let warnings = t.dms(PROVIDER_APP_ID, "tara").await;
    assert_eq!(warnings.len(), 2);
    assert!(
        title(&warnings[1]).contains("is spent"),
        "{}",
        title(&warnings[1])
    );

    // Spent: ordinary notifications wait for the 1st, however long we wait this month.
    t.clock.advance(3 * 3600);
    tara_mentions_ana(&t, &tara, "five").await;
    t.deliver().await;
    t.after(3 * 3600).await;
    assert_eq!(t.dms(CUSTOMER_APP_ID, "ana").await.len(), 4, "held");
    let console = tara
        .get(&format!("/lark/{PROVIDER_APP_ID}/workbench"))
        .await;
    console
        .assert_contains("4 calls of 4")
        .assert_contains("held until the 1st");

    // On the 1st the held notification goes out, and nobody was warned twice.
    let now = t.stack.ctx.now();
    let next = tamlink::notifier::budget::next_month_start(now);
    t.after(next - now + 60).await;
    let dms = t.dms(CUSTOMER_APP_ID, "ana").await;
    assert_eq!(dms.len(), 5, "{dms:#?}");
    assert!(dms[4]["content"].to_string().contains("five"));
    assert_eq!(t.dms(PROVIDER_APP_ID, "tara").await.len(), 2);
}

#[tokio::test]
async fn when_lark_says_the_quota_is_spent_ordinary_notifications_wait_and_pages_keep_trying() {
    let t = TestStack::demo().await;
    // A month of its own: the demo's registration calls count in the month it ran.
    t.to_mid_month();
    t.sandbox_post(
        "/_sandbox/faults",
        &json!({"kind": "quota", "path": "/open-apis/im/v1/messages"}),
    )
    .await;
    mentions(&t, &["tara"], 1).await;
    t.deliver().await;
    assert!(t.dms(PROVIDER_APP_ID, "tara").await.is_empty());
    let month = tamlink::domain::budget::month_of(t.stack.ctx.now());
    let usage = t
        .stack
        .ctx
        .store
        .usage(&app(PROVIDER_APP_ID), &month)
        .await
        .unwrap();
    assert!(usage.exhausted);
    assert_eq!(usage.calls, 0, "refused calls are not counted");

    // An emergency page is still attempted, and retried rather than held.
    let eli = t.open_id(PROVIDER_APP_ID, "eli").await;
    let mut page = notification(&t, 1, (PROVIDER_APP_ID, &eli));
    page.urgent = true;
    let answer = tamlink::notifier::handle(&t.stack.ctx, event(&[page.clone()])).await;
    assert_eq!(
        answer.batch_item_failures.len(),
        1,
        "left on the queue to retry"
    );
    let calls = t.sandbox_get("/_sandbox/calls").await;
    let refused = calls["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["code"] == 99991403)
        .count();
    assert_eq!(
        refused, 2,
        "Tara's notification and Eli's page both reached Lark: {calls}"
    );

    // Lark lets calls through again (say the tenant upgraded): the page goes out on its retry,
    // while ordinary notifications keep waiting for the 1st.
    reqwest::Client::new()
        .delete(format!("{}/_sandbox/faults", t.stack.sandbox_url))
        .send()
        .await
        .unwrap();
    tamlink::notifier::handle(&t.stack.ctx, event(&[page])).await;
    assert_eq!(t.dms(PROVIDER_APP_ID, "eli").await.len(), 1);
    t.after(3600).await;
    assert!(t.dms(PROVIDER_APP_ID, "tara").await.is_empty());
}

/// A stack in a month of its own (the demo's registration calls count in the month it ran) where
/// three mentions of Tara made one DM and put two aside for her digest.
async fn tara_dmed_once_with_two_waiting() -> TestStack {
    let t = TestStack::demo().await;
    t.to_mid_month();
    mentions(&t, &["tara"], 3).await;
    t.deliver().await;
    assert_eq!(t.dms(PROVIDER_APP_ID, "tara").await.len(), 1);
    t
}

#[tokio::test]
async fn a_digest_that_fails_to_send_keeps_everything_and_goes_out_on_retry() {
    let t = tara_dmed_once_with_two_waiting().await;
    t.sandbox_post(
        "/_sandbox/faults",
        &json!({"kind": "server_error", "count": 2, "path": "/open-apis/im/v1/messages"}),
    )
    .await;
    // While the digest is being retried, one more arrives; it joins the same digest.
    t.clock.advance(WINDOW);
    t.stack.run_job("DigestSweepFunction").await.unwrap();
    mentions(&t, &["tara"], 1).await;
    t.deliver().await;
    let dms = t.dms(PROVIDER_APP_ID, "tara").await;
    assert_eq!(dms.len(), 2, "{dms:#?}");
    assert_eq!(title(&dms[1]), "3 updates while you were away");
    let counted = t.calls_counted(PROVIDER_APP_ID).await;
    assert_eq!(counted, 2, "the failed attempts were not counted");
}

#[tokio::test]
async fn a_tickets_status_card_is_sent_once_and_then_updated_in_place() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (_, opened) = ana
        .open_ticket(
            CUSTOMER_APP_ID,
            &json!({"title": "Robots offline", "severity": "sev2"}),
        )
        .await;
    let id = opened["id"].as_str().unwrap().to_owned();
    let engineer = t.signed_in(PROVIDER_APP_ID, assignee_user(&opened)).await;
    t.deliver().await;
    let ana_cards = || async {
        let cards = t.sandbox_get("/_sandbox/cards").await;
        cards["cards"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["app_id"] == CUSTOMER_APP_ID)
            .cloned()
            .collect::<Vec<Value>>()
    };
    let dms = t.dms(CUSTOMER_APP_ID, "ana").await;
    assert_eq!(dms.len(), 1, "the status card, as a DM");
    assert_eq!(dms[0]["content"]["type"], "card", "sent as a card entity");
    let cards = ana_cards().await;
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0]["sent"], true);

    // Each move updates that card; Ana gets no new DM, window or not.
    for (step, status) in ["in_progress", "waiting_on_customer"].iter().enumerate() {
        t.clock.advance(60);
        let (code, body) = engineer.move_ticket(PROVIDER_APP_ID, &id, status).await;
        assert_eq!(code.as_u16(), 200, "{body}");
        t.deliver().await;
        let cards = ana_cards().await;
        assert_eq!(cards.len(), 1, "still one card entity");
        assert_eq!(cards[0]["sequence"], step as u64 + 1);
        assert_eq!(cards[0]["updates"], step as u64 + 1);
        assert_eq!(t.dms(CUSTOMER_APP_ID, "ana").await.len(), 1, "no new DM");
    }
    let title = cards_title(&ana_cards().await[0]);
    assert!(title.contains("Waiting on customer"), "{title}");
}

fn cards_title(card: &Value) -> String {
    card["card"]["header"]["title"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_plan_of_zero_calls_or_null_targets_is_refused_and_nothing_changes() {
    let t = TestStack::demo().await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let before = t.tenant(CUSTOMER_APP_ID).await;
    for body in [
        json!({"kind": "paid", "monthly_calls": 0, "share_percent": 50}),
        json!({"kind": "free", "monthly_calls": 0, "share_percent": 50}),
        json!({"kind": "paid", "share_percent": 50, "first_response_minutes": null}),
    ] {
        let (status, resp) = tara.set_plan(CUSTOMER_APP_ID, &body).await;
        assert_eq!(status.as_u16(), 422, "{body}: {resp}");
        assert!(resp["message"].as_str().is_some(), "{resp}");
    }
    let after = t.tenant(CUSTOMER_APP_ID).await;
    assert_eq!(after.plan, before.plan);
    assert_eq!(
        serde_json::to_value(after.sla).unwrap(),
        serde_json::to_value(before.sla).unwrap()
    );
    // Leaving the targets out keeps them; a sound plan is stored.
    let (status, _) = tara
        .set_plan(
            CUSTOMER_APP_ID,
            &json!({"kind": "paid", "share_percent": 40}),
        )
        .await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(t.tenant(CUSTOMER_APP_ID).await.plan.share_percent, 40);
}

fn flush_event(app_id: &str, open_id: &str, message_id: &str) -> SqsEvent {
    let mut m = SqsMessage::default();
    m.message_id = Some(message_id.into());
    m.body = Some(json!({"flush": {"app_id": app_id, "open_id": open_id}}).to_string());
    let mut event = SqsEvent::default();
    event.records.push(m);
    event
}

/// The month benchmark's duplicates: the digest sweep queues a second flush for someone whose
/// digest is already going out, and that flush found no room in Lark's rate limit this second.
/// It used to give the window back, so its retry sent the same digest again under a new uuid.
#[tokio::test]
async fn a_second_flush_for_a_digest_already_sent_sends_nothing_even_when_paced() {
    let t = tara_dmed_once_with_two_waiting().await;
    let tara = t.open_id(PROVIDER_APP_ID, "tara").await;
    t.clock.advance(WINDOW);

    // The first flush sends the digest of the other two.
    let first = flush_event(PROVIDER_APP_ID, &tara, "flush-1");
    let out = tamlink::notifier::handle(&t.stack.ctx, first.clone()).await;
    assert!(out.batch_item_failures.is_empty());
    assert_eq!(t.dms(PROVIDER_APP_ID, "tara").await.len(), 2);

    // A minute on, this second is full for Tara (other cards went to her in it).
    t.clock.advance(60);
    let (provider, person) = (app(PROVIDER_APP_ID), open(&tara));
    let key = tamlink::store::PersonKey {
        app_id: &provider,
        open_id: &person,
    };
    let pace = tamlink::domain::budget::LARK_PACE;
    let now = t.stack.ctx.now();
    let store = &t.stack.ctx.store;
    while store.take_send_slot(key, 1, pace, now).await.unwrap() {}

    // A second flush, queued by the sweep before the first was taken, arrives now, and again
    // seconds later; the first flush's own message is offered again too.
    let second = flush_event(PROVIDER_APP_ID, &tara, "flush-2");
    tamlink::notifier::handle(&t.stack.ctx, second.clone()).await;
    t.clock.advance(5);
    tamlink::notifier::handle(&t.stack.ctx, second).await;
    // As if the first flush's function died before SQS heard it was done: it sends again with
    // the same uuid, and Lark drops the repeat.
    tamlink::notifier::handle(&t.stack.ctx, first).await;
    t.after(WINDOW).await;
    t.after(WINDOW).await;

    let dms = t.dms(PROVIDER_APP_ID, "tara").await;
    assert_eq!(dms.len(), 2, "{dms:#?}");
    assert_eq!(title(&dms[1]), "2 updates while you were away");
    // Lark counted what tamlink counted: the first DM, the digest and its repeat.
    let counted = t.calls_counted(PROVIDER_APP_ID).await;
    let calls = t.sandbox_get("/_sandbox/calls").await;
    let sends = calls["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "message" && c["status"] == 200)
        .count();
    assert_eq!(counted, 3);
    assert_eq!(sends, 3, "{calls}");
}

/// Mentions arriving after someone's window ended, with their digest due, ask for one flush, not
/// one each: `./run bench burst`'s 20,000 once queued 14,000 flushes behind themselves, and the
/// digests waited for all of them. The one flush carries every line, and the next window's
/// digest is asked for again.
#[tokio::test]
async fn mentions_after_the_window_ask_for_the_digest_once_and_it_carries_them_all() {
    let t = tara_dmed_once_with_two_waiting().await;
    let tara = t.open_id(PROVIDER_APP_ID, "tara").await;
    let to_tara = |from: usize, count: usize| -> Vec<Notification> {
        (from..from + count)
            .map(|i| notification(&t, i, (PROVIDER_APP_ID, &tara)))
            .collect()
    };
    let flushes_queued = || async {
        let (visible, later) = poller::queue_depth(&t.stack.ctx, poller::NOTIFICATIONS)
            .await
            .unwrap();
        visible + later
    };
    t.clock.advance(WINDOW);
    // Thirty arrive before the sweep runs, in three batches as the queue hands them out.
    for batch in to_tara(100, 30).chunks(10) {
        let out = tamlink::notifier::handle(&t.stack.ctx, event(batch)).await;
        assert!(out.batch_item_failures.is_empty());
    }
    assert_eq!(flushes_queued().await, 1, "one flush for thirty lines");
    t.deliver().await;
    let dms = t.dms(PROVIDER_APP_ID, "tara").await;
    assert_eq!(dms.len(), 2, "{dms:#?}");
    assert_eq!(title(&dms[1]), "32 updates while you were away");

    // Two wait through the digest's window (nothing to flush yet), three come after it.
    tamlink::notifier::handle(&t.stack.ctx, event(&to_tara(200, 2))).await;
    assert_eq!(flushes_queued().await, 0);
    t.clock.advance(WINDOW);
    tamlink::notifier::handle(&t.stack.ctx, event(&to_tara(300, 3))).await;
    assert_eq!(flushes_queued().await, 1, "asked again in the next window");
    t.deliver().await;
    let dms = t.dms(PROVIDER_APP_ID, "tara").await;
    assert_eq!(dms.len(), 3, "{dms:#?}");
    assert_eq!(title(&dms[2]), "5 updates while you were away");
}

/// A status card's entity is created (a call Lark counts) and then its send fails: the retry
/// creates and sends again, and tamlink's count of the customer's calls still matches Lark's.
#[tokio::test]
async fn a_card_entity_whose_send_failed_is_still_counted_as_lark_counted_it() {
    let t = TestStack::demo().await;
    t.to_mid_month();
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (code, opened) = ana
        .open_ticket(
            CUSTOMER_APP_ID,
            &json!({"title": "Robots offline", "severity": "sev2"}),
        )
        .await;
    assert_eq!(code.as_u16(), 201, "{opened}");
    let (ours, lark) = (
        t.calls_counted(CUSTOMER_APP_ID).await,
        t.lark_counted(CUSTOMER_APP_ID).await,
    );
    t.sandbox_post(
        "/_sandbox/faults",
        &json!({"kind": "server_error", "count": 1, "path": "/open-apis/im/v1/messages",
                "app_id": CUSTOMER_APP_ID}),
    )
    .await;
    t.deliver().await;
    let dms = t.dms(CUSTOMER_APP_ID, "ana").await;
    assert_eq!(dms.len(), 1, "the status card, sent on the retry");
    assert_eq!(dms[0]["content"]["type"], "card");
    // The first entity, its failed send, then a second entity and its send: Lark counted 3.
    let calls = t.sandbox_get("/_sandbox/calls").await;
    assert_eq!(t.lark_counted(CUSTOMER_APP_ID).await - lark, 3, "{calls}");
    let counted = t.calls_counted(CUSTOMER_APP_ID).await - ours;
    assert_eq!(counted, 3, "tamlink counts what Lark counted");
}

/// A ticket opened and resolved in the same second: the queue may hand the notifier Ana's
/// "resolved" before her "opened". The status card she gets shows the ticket resolved (with the
/// survey) and the late "opened" neither turns it back nor costs a call.
#[tokio::test]
async fn a_status_card_is_not_turned_back_by_an_older_change_that_arrives_late() {
    let t = TestStack::demo().await;
    let (_, opened) = t.anas_s3_ticket("Exports fail").await;
    let id = opened["id"].as_str().unwrap();
    let eng = t.signed_in(PROVIDER_APP_ID, assignee_user(&opened)).await;
    let (status, body) = eng.move_ticket(PROVIDER_APP_ID, id, "resolved").await;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");
    let anas = t.open_id(CUSTOMER_APP_ID, "ana").await;
    let queued: Vec<Notification> = t
        .drain_queue()
        .await
        .into_iter()
        .map(|v| serde_json::from_value(v).unwrap())
        .filter(|n: &Notification| n.recipient.open_id.as_str() == anas)
        .collect();
    let of = |prefix: &str| {
        queued
            .iter()
            .find(|n| n.id.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} notification in {queued:#?}"))
            .clone()
    };
    let (first, resolved) = (of("opened."), of("moved-"));
    assert_eq!(first.created_at, resolved.created_at, "the same second");
    let calls = t.lark_counted(CUSTOMER_APP_ID).await;
    for n in [resolved, first] {
        tamlink::notify::enqueue(&t.stack.ctx, &[n]).await.unwrap();
        t.deliver().await;
    }
    let cards = t.cards(CUSTOMER_APP_ID, "ana").await;
    assert_eq!(cards.len(), 1, "one status card: {cards:#?}");
    let card = cards[0].to_string();
    assert!(card.contains("Resolved"), "{card}");
    assert!(card.contains("\"rate\""), "still asks for a rating: {card}");
    assert_eq!(
        t.lark_counted(CUSTOMER_APP_ID).await - calls,
        2,
        "the card's creation and its send; no update for the late one"
    );
    // The late one is settled: delivered again (SQS may), it still changes nothing.
    tamlink::notify::enqueue(&t.stack.ctx, &[of("opened.")])
        .await
        .unwrap();
    assert_eq!(t.deliver().await, 1);
    assert_eq!(t.lark_counted(CUSTOMER_APP_ID).await - calls, 2);
}
