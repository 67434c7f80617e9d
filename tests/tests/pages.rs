//! Emergency pages travel on their own queue, sent by their own function: however many ordinary
//! notifications wait on the notification queue, a page goes out as soon as it is declared.

use serde_json::json;
use tamlink::notify::Notification;
use tamlink_gateway::poller;
use tamlink_tests::*;

/// `count` ordinary mentions for Ben, as a busy organisation's backlog.
fn backlog(t: &TestStack, ben: &str, count: usize) -> Vec<Notification> {
    (0..count)
        .map(|i| {
            serde_json::from_value(json!({
                "id": format!("backlog.{i}"), "kind": "mention",
                "recipient": {"app_id": CUSTOMER_APP_ID, "open_id": ben, "name": "Ben Brooks"},
                "org_app_id": CUSTOMER_APP_ID, "org_name": "Acme Robotics",
                "group_id": null, "group_name": null, "actor": "Ana Ortiz",
                "title": format!("Ana Ortiz mentioned you ({i})"), "excerpt": "…",
                "link": format!("{}/lark/{CUSTOMER_APP_ID}/workbench", t.base()),
                "created_at": 0
            }))
            .unwrap()
        })
        .collect()
}

/// Ana's open ticket "Line stopped", its first notifications sent: (Ana, the ticket's id).
async fn stopped_line(t: &TestStack) -> (Browser, String) {
    let (ana, opened) = t.anas_ticket("Line stopped").await;
    (ana, opened["id"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_page_goes_out_while_a_backlog_of_ordinary_notifications_waits() {
    let t = TestStack::demo().await;
    let (ana, ticket) = stopped_line(&t).await;
    let ben = t.open_id(CUSTOMER_APP_ID, "ben").await;
    tamlink::notify::enqueue(&t.stack.ctx, &backlog(&t, &ben, 200))
        .await
        .unwrap();
    let tara_before = t.dms(PROVIDER_APP_ID, "tara").await.len();

    ana.declare_outage(CUSTOMER_APP_ID, &ticket).await;
    // Only the pager runs: the page reaches Tara and the on-call channel...
    let paged = t.stack.deliver_pages().await.unwrap();
    assert!(paged >= 2, "pages and the on-call post: {paged}");
    let tara = t.dms(PROVIDER_APP_ID, "tara").await;
    assert_eq!(tara.len(), tara_before + 1, "{tara:#?}");
    let card = t.cards(PROVIDER_APP_ID, "tara").await.pop().unwrap();
    assert!(card.to_string().contains("EMERGENCY"), "{card}");
    let webhooks = t.sandbox_get("/_sandbox/webhooks").await;
    assert!(webhooks.to_string().contains("Line stopped"), "{webhooks}");
    // ...while the whole backlog still waits, untouched.
    let (visible, delayed) = poller::queue_depth(&t.stack.ctx, poller::NOTIFICATIONS)
        .await
        .unwrap();
    assert!(visible + delayed >= 200, "{visible} + {delayed}");
    assert!(t.dms(CUSTOMER_APP_ID, "ben").await.is_empty());
    // The notifier then works through it as before: one DM, the rest in a digest later.
    t.deliver().await;
    assert_eq!(t.dms(CUSTOMER_APP_ID, "ben").await.len(), 1);
}

#[tokio::test]
async fn a_page_lark_fails_or_whose_token_expired_is_retried_until_it_goes_out() {
    let t = TestStack::demo().await;
    let (ana, ticket) = stopped_line(&t).await;
    let before = t.dms(PROVIDER_APP_ID, "tara").await.len();
    // The stored token has expired, and Lark's message API fails twice before it answers.
    t.sandbox_post("/_sandbox/tokens/expire", &json!({})).await;
    t.sandbox_post(
        "/_sandbox/faults",
        &json!({"kind": "server_error", "count": 2, "path": "/open-apis/im/v1/messages", "status": 503}),
    )
    .await;
    ana.declare_outage(CUSTOMER_APP_ID, &ticket).await;
    t.stack.deliver_pages().await.unwrap();
    assert_eq!(t.dms(PROVIDER_APP_ID, "tara").await.len(), before + 1);
    let calls = t.sandbox_get("/_sandbox/calls").await.to_string();
    assert!(
        calls.contains("99991663"),
        "the expired token was refused once, then renewed"
    );
}
