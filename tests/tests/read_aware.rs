//! Read-aware notifications: a mention or reply the person read in the web app before its DM or
//! digest went out is not sent; someone reading the group live gets a minute to read it there;
//! nothing unread is lost, and emergency pages always go out.

use reqwest::StatusCode;
use serde_json::{json, Value};
use tamlink_tests::*;

struct Chat<'a> {
    t: &'a TestStack,
    ana: Browser,
    ben: Browser,
    group: String,
    ben_id: String,
}

impl Chat<'_> {
    /// Ana mentions Ben; the message's number.
    async fn mention_ben(&self, text: &str) -> u64 {
        let (status, body) = self
            .ana
            .post_message(
                CUSTOMER_APP_ID,
                &self.group,
                &json!({"text": text, "mentions": [{"app_id": CUSTOMER_APP_ID, "open_id": self.ben_id}]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["seq"].as_u64().unwrap()
    }

    /// Ben's page reports what it has shown.
    async fn ben_reads(&self, seq: u64) -> (StatusCode, Value) {
        self.ben
            .post_json(
                &format!("/lark/{CUSTOMER_APP_ID}/api/groups/{}/read", self.group),
                &json!({ "seq": seq }),
            )
            .await
    }

    async fn bens_dms(&self) -> Vec<String> {
        self.t
            .dms(CUSTOMER_APP_ID, "ben")
            .await
            .iter()
            .map(|m| m["content"].to_string())
            .collect()
    }
}

/// Every counted Lark call the sandbox has seen, per tenant and month.
async fn lark_calls(t: &TestStack) -> String {
    t.sandbox_get("/_sandbox/usage").await.to_string()
}

async fn chat(t: &TestStack) -> Chat<'_> {
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    Chat {
        t,
        ana,
        ben,
        group: t.service_group(CUSTOMER_APP_ID).await,
        ben_id: t.open_id(CUSTOMER_APP_ID, "ben").await,
    }
}

#[tokio::test]
async fn what_ben_read_in_the_web_app_is_not_sent_and_what_he_did_not_still_arrives() {
    let t = TestStack::demo().await;
    t.to_mid_month();
    let c = chat(&t).await;

    // Away from the web app: the mention is a DM at once, as before.
    c.mention_ben("first: are the robots back?").await;
    t.deliver().await;
    assert_eq!(c.bens_dms().await.len(), 1);

    // His window ends; he has the group open and reading (the page's report).
    t.clock.advance(11 * 60);
    let (status, body) = c.ben_reads(1_000_000).await;
    assert_eq!(status, StatusCode::OK);
    let last = body["seq"].as_u64().unwrap();
    assert!(
        last < 1_000_000,
        "clamped to the group's last message: {body}"
    );

    // Live: a mention waits a minute for him; he reads it in the web app; nothing is sent.
    let before = lark_calls(&t).await;
    let second = c.mention_ben("second: telemetry restored").await;
    t.deliver().await;
    assert_eq!(c.bens_dms().await.len(), 1, "held while he reads live");
    t.clock.advance(20);
    c.ben_reads(second).await;
    t.after(120).await;
    assert_eq!(
        c.bens_dms().await.len(),
        1,
        "read in the web app: no DM, no digest"
    );
    assert_eq!(lark_calls(&t).await, before, "and no Lark call");

    // Live but not reading it: after the minute it arrives, nothing lost.
    c.ben_reads(second).await;
    c.mention_ben("third: please confirm on your side").await;
    t.deliver().await;
    assert_eq!(c.bens_dms().await.len(), 1);
    t.after(120).await;
    let dms = c.bens_dms().await;
    assert_eq!(dms.len(), 2, "{dms:#?}");
    assert!(dms[1].contains("please confirm on your side"), "{}", dms[1]);

    // Read before the notifier got to it: dropped, even outside the live minute.
    t.clock.advance(11 * 60);
    let fourth = c.mention_ben("fourth: closing the incident").await;
    c.ben_reads(fourth).await;
    t.deliver().await;
    t.after(120).await;
    assert_eq!(c.bens_dms().await.len(), 2);

    // Several wait for him while he reads live; he reads up to the sixth (so the fifth too):
    // only the seventh, which he did not see, goes out.
    c.mention_ben("fifth: one more thing").await;
    t.deliver().await;
    let sixth = c.mention_ben("sixth: read this one").await;
    c.mention_ben("seventh: and this one you missed").await;
    t.deliver().await;
    assert_eq!(c.bens_dms().await.len(), 2, "all three wait for him");
    let (status, body) = c.ben_reads(sixth).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    t.after(11 * 60).await;
    let dms = c.bens_dms().await;
    assert_eq!(dms.len(), 3, "{dms:#?}");
    assert!(dms[2].contains("and this one you missed"), "{}", dms[2]);
    assert!(
        !dms[2].contains("sixth") && !dms[2].contains("fifth"),
        "{}",
        dms[2]
    );
}

#[tokio::test]
async fn an_emergency_page_goes_out_to_someone_reading_live() {
    let t = TestStack::demo().await;
    let (ana, opened) = t.anas_ticket("Line stopped").await;
    let group = opened["group_id"].as_str().unwrap();
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let (status, _) = tara
        .post_json(
            &format!("/lark/{PROVIDER_APP_ID}/api/groups/{group}/read"),
            &json!({"seq": 99}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let before = t.dms(PROVIDER_APP_ID, "tara").await.len();
    ana.declare_outage(CUSTOMER_APP_ID, opened["id"].as_str().unwrap())
        .await;
    t.deliver().await;
    assert!(
        t.dms(PROVIDER_APP_ID, "tara").await.len() > before,
        "the page went out at once"
    );
}

#[tokio::test]
async fn read_reports_for_groups_one_cannot_read_or_that_are_not_numbers_are_refused() {
    let t = TestStack::demo().await;
    let c = chat(&t).await;
    let read = |group: &str| format!("/lark/{CUSTOMER_APP_ID}/api/groups/{group}/read");
    for bad in [
        json!({"seq": -1}),
        json!({"seq": "7"}),
        json!({}),
        json!({"seq": 1, "x": 2}),
    ] {
        let (status, body) = c.ben.post_json(&read(&c.group), &bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    // A ticket group Ben is not in: not found, nothing stored.
    let (_, opened) = c
        .ana
        .open_ticket(
            CUSTOMER_APP_ID,
            &json!({"title": "Private", "severity": "sev4"}),
        )
        .await;
    let (status, _) = c
        .ben
        .post_json(
            &read(opened["group_id"].as_str().unwrap()),
            &json!({"seq": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let positions = t
        .stack
        .ctx
        .store
        .read_positions(&app(CUSTOMER_APP_ID), &open(&c.ben_id))
        .await
        .unwrap();
    assert!(positions.groups.is_empty(), "{positions:?}");
    // Another organisation's person cannot report on Acme's group.
    t.activate_other_org("cli_initechsupport1", "Initech", &["eli"])
        .await;
    // An earlier position than recorded leaves it as it was; one report costs few requests.
    let mut last = 0;
    for i in 0..3 {
        last = c
            .ana
            .say(CUSTOMER_APP_ID, &c.group, &format!("line {i}"))
            .await["seq"]
            .as_u64()
            .unwrap();
    }
    c.ben_reads(1).await;
    t.dynamodb_requests().await;
    c.ben_reads(last).await;
    let (forward, ops) = t.dynamodb_requests().await;
    println!("a read report, further on: {forward} DynamoDB requests {ops}");
    assert!(
        forward <= 2,
        "membership and the position: {forward}: {ops}"
    );
    let (_, body) = c.ben_reads(1).await;
    let (requests, ops) = t.dynamodb_requests().await;
    assert_eq!(body["seq"], last);
    println!("a read report from an older tab: {requests} DynamoDB requests {ops}");
    assert!(requests <= 4, "{requests}: {ops}");
}
