//! Journeys 7 and 8: chat in a group between colleagues and the service team, @mentions that
//! queue a notification, the member list, leaving and removing, and who may see what.

use reqwest::StatusCode;
use serde_json::{json, Value};
use tamlink_tests::*;

#[tokio::test]
async fn colleagues_and_staff_chat_and_a_cursor_returns_only_what_is_new() {
    let t = TestStack::demo().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;

    let first = ana
        .say(CUSTOMER_APP_ID, &group, "Hello <b>team</b> & welcome")
        .await;
    assert_eq!(first["seq"], 1);
    assert_eq!(first["author"]["name"], "Ana Ortiz");
    assert_eq!(first["author"]["side"], "colleague");

    // Tara reads the same group through the provider's app and answers.
    let (status, page) = tara.messages(PROVIDER_APP_ID, &group, "").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        texts(&page),
        ["Hello <b>team</b> & welcome"],
        "stored exactly as typed"
    );
    let reply = tara
        .say(PROVIDER_APP_ID, &group, "Hi Ana, Tara here.")
        .await;
    assert_eq!(reply["author"]["side"], "service");

    // Ana polls with her cursor and gets only the reply; polling again gets nothing.
    let (_, page) = ana.messages(CUSTOMER_APP_ID, &group, "?after=1").await;
    assert_eq!(texts(&page), ["Hi Ana, Tara here."]);
    let cursor = page["cursor"].as_u64().unwrap();
    assert_eq!(cursor, 2);
    let (_, page) = ana
        .messages(CUSTOMER_APP_ID, &group, &format!("?after={cursor}"))
        .await;
    assert!(texts(&page).is_empty());
    assert_eq!(
        page["cursor"], 2,
        "the cursor stays put when nothing is new"
    );
}

#[tokio::test]
async fn long_histories_are_read_a_page_at_a_time_newest_last() {
    let t = TestStack::demo().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    for i in 1..=60 {
        ana.say(CUSTOMER_APP_ID, &group, &format!("message {i}"))
            .await;
    }
    let (_, latest) = ana.messages(CUSTOMER_APP_ID, &group, "").await;
    let latest_texts = texts(&latest);
    assert_eq!(latest_texts.len(), 50);
    assert_eq!(latest_texts.first().unwrap(), "message 11");
    assert_eq!(latest_texts.last().unwrap(), "message 60", "newest last");
    assert_eq!(latest["more"], true);
    assert_eq!(latest["cursor"], 60);

    let (_, older) = ana.messages(CUSTOMER_APP_ID, &group, "?before=11").await;
    assert_eq!(texts(&older).len(), 10);
    assert_eq!(texts(&older)[0], "message 1");
    assert_eq!(older["more"], false);

    let (_, after) = ana.messages(CUSTOMER_APP_ID, &group, "?after=5").await;
    assert_eq!(texts(&after).len(), 50, "a poll returns at most one page");
    assert_eq!(after["more"], true);
    assert_eq!(texts(&after)[0], "message 6");
}

#[tokio::test]
async fn concurrent_posts_get_distinct_numbers_and_a_retried_post_is_stored_once() {
    let t = TestStack::demo().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;

    let posts = (0..12).map(|i| {
        let (who, app) = if i % 2 == 0 {
            (&ana, CUSTOMER_APP_ID)
        } else {
            (&tara, PROVIDER_APP_ID)
        };
        let group = group.clone();
        async move { who.say(app, &group, &format!("burst {i}")).await }
    });
    let mut seqs: Vec<u64> = futures::future::join_all(posts)
        .await
        .iter()
        .map(|m| m["seq"].as_u64().unwrap())
        .collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=12).collect::<Vec<_>>());

    let body = json!({"text": "sent once, retried once", "client_id": "c-123"});
    let (status, first) = ana.post_message(CUSTOMER_APP_ID, &group, &body).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, again) = ana.post_message(CUSTOMER_APP_ID, &group, &body).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(first["seq"], again["seq"]);
    let (_, page) = ana.messages(CUSTOMER_APP_ID, &group, "?after=12").await;
    assert_eq!(texts(&page), ["sent once, retried once"]);
}

#[tokio::test]
async fn a_mention_queues_exactly_one_notification_for_that_member() {
    let t = TestStack::demo().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let tara_id = t.open_id(PROVIDER_APP_ID, "tara").await;

    let (status, msg) = ana
        .post_message(
            CUSTOMER_APP_ID,
            &group,
            &json!({
                "text": "@Tara Lin our robots stopped reporting telemetry",
                "mentions": [
                    {"app_id": PROVIDER_APP_ID, "open_id": tara_id},
                    {"app_id": PROVIDER_APP_ID, "open_id": tara_id}
                ]
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{msg}");
    assert_eq!(msg["mentions"][0]["name"], "Tara Lin");

    let queued = t.drain_queue().await;
    assert_eq!(queued.len(), 1, "{queued:?}");
    let n = &queued[0];
    assert_eq!(n["kind"], "mention");
    assert_eq!(
        n["recipient"]["app_id"], PROVIDER_APP_ID,
        "staff are reached through the provider app"
    );
    assert_eq!(n["recipient"]["open_id"], tara_id.as_str());
    assert_eq!(n["org_name"], "Acme Robotics");
    assert_eq!(n["actor"], "Ana Ortiz");
    assert_eq!(n["group_id"], group.as_str());
    assert!(n["excerpt"].as_str().unwrap().contains("telemetry"));
    assert_eq!(
        n["link"],
        format!(
            "{}/lark/{PROVIDER_APP_ID}/workbench?group={group}",
            t.base()
        )
    );
    // Nothing was sent to Lark by the producer.
    let sent = t.sandbox_get("/_sandbox/messages").await;
    assert_eq!(sent["messages"].as_array().map_or(0, Vec::len), 0, "{sent}");
}

#[tokio::test]
async fn mentioning_someone_outside_the_group_is_refused_and_nothing_is_stored_or_queued() {
    let t = TestStack::demo().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let mo = t.open_id(PROVIDER_APP_ID, "mo").await; // the manager is not in Acme's group
    let (status, body) = ana
        .post_message(
            CUSTOMER_APP_ID,
            &group,
            &json!({"text": "@Mo hi", "mentions": [{"app_id": PROVIDER_APP_ID, "open_id": mo}]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("only mention members"),
        "{body}"
    );
    let (_, page) = ana.messages(CUSTOMER_APP_ID, &group, "").await;
    assert!(texts(&page).is_empty());
    assert!(t.drain_queue().await.is_empty());
}

#[tokio::test]
async fn a_post_looks_up_only_the_people_it_names_once_each() {
    let t = TestStack::demo().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let tara =
        json!({"app_id": PROVIDER_APP_ID, "open_id": t.open_id(PROVIDER_APP_ID, "tara").await});
    t.dynamodb_requests().await;
    // Tara named twice (a batch read naming an item twice is refused by DynamoDB): one mention.
    let (status, body) = ana
        .post_message(
            CUSTOMER_APP_ID,
            &group,
            &json!({"text": "@Tara @Tara look", "mentions": [tara, tara]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["mentions"].as_array().unwrap().len(), 1, "{body}");
    let (_, ops) = t.dynamodb_requests().await;
    assert!(
        ops.get("Query").is_none(),
        "no read of the whole group: {ops}"
    );
    let queued = t.drain_queue().await;
    assert_eq!(queued.len(), 1, "{queued:?}");

    // Twenty-one names are refused before anyone is looked up.
    let many: Vec<Value> = (0..21).map(|_| tara.clone()).collect();
    t.dynamodb_requests().await;
    let (status, body) = ana
        .post_message(
            CUSTOMER_APP_ID,
            &group,
            &json!({"text": "all", "mentions": many}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (_, ops) = t.dynamodb_requests().await;
    assert_eq!(
        ops,
        json!({"BatchGetItem": 1}),
        "the session's read, nothing more"
    );
}

#[tokio::test]
async fn bad_messages_get_readable_4xx_answers() {
    let t = TestStack::demo().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let cases = [
        (
            json!({"text": "   "}),
            StatusCode::BAD_REQUEST,
            "Write a message",
        ),
        (
            json!({"text": "x".repeat(4001)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "at most 4000",
        ),
        (
            json!({"words": "hi"}),
            StatusCode::BAD_REQUEST,
            "not valid JSON",
        ),
        (
            json!({"text": "hi", "client_id": "no spaces please"}),
            StatusCode::BAD_REQUEST,
            "client_id",
        ),
    ];
    for (body, status, says) in cases {
        let (got, answer) = ana.post_message(CUSTOMER_APP_ID, &group, &body).await;
        assert_eq!(got, status, "{body} -> {answer}");
        assert!(
            answer["message"].as_str().unwrap().contains(says),
            "{answer}"
        );
    }
    let raw = ana
        .client
        .post(format!(
            "{}/lark/{CUSTOMER_APP_ID}/api/groups/{group}/messages",
            t.base()
        ))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
    let (status, _) = ana.say_raw(CUSTOMER_APP_ID, "g_doesnotexist", "hi").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = ana.messages(CUSTOMER_APP_ID, "not-a-group", "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = ana.messages(CUSTOMER_APP_ID, &group, "?after=abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (_, page) = ana.messages(CUSTOMER_APP_ID, &group, "").await;
    assert!(texts(&page).is_empty(), "nothing half-written");
}

#[tokio::test]
async fn only_members_read_or_post_and_other_orgs_see_404() {
    let t = TestStack::demo().await;
    t.activate_other_org(OTHER_CUSTOMER_APP_ID, "Initech", &["erin"])
        .await;
    let acme = t.service_group(CUSTOMER_APP_ID).await;
    let initech = t.service_group(OTHER_CUSTOMER_APP_ID).await;

    // No session at all.
    let (status, _) = t.browser().messages(CUSTOMER_APP_ID, &acme, "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Ivy of Initech, through her own app, asks for Acme's group: it does not exist for her.
    let ivy = t.signed_in(OTHER_CUSTOMER_APP_ID, "ivy").await;
    let (status, _) = ivy.messages(OTHER_CUSTOMER_APP_ID, &acme, "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = ivy.say_raw(OTHER_CUSTOMER_APP_ID, &acme, "hello?").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Her session does not open Acme's app either.
    let (status, _) = ivy.messages(CUSTOMER_APP_ID, &acme, "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Her own group works.
    ivy.say(OTHER_CUSTOMER_APP_ID, &initech, "Initech here")
        .await;

    // Eli serves Acme but not Initech; Mo (manager) is in neither group.
    let eli = t.signed_in(PROVIDER_APP_ID, "eli").await;
    let (status, _) = eli.messages(PROVIDER_APP_ID, &initech, "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = eli.messages(PROVIDER_APP_ID, &acme, "").await;
    assert_eq!(status, StatusCode::OK);
    let mo = t.signed_in(PROVIDER_APP_ID, "mo").await;
    let (status, _) = mo.say_raw(PROVIDER_APP_ID, &acme, "hi").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Each sees only their own groups in the list.
    let (_, mine) = eli.groups(PROVIDER_APP_ID).await;
    let ids: Vec<&str> = mine["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [acme.as_str()]);
    let (_, mine) = ivy.groups(OTHER_CUSTOMER_APP_ID).await;
    assert_eq!(mine["groups"][0]["id"], initech.as_str());
    assert_eq!(mine["groups"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_tam_sees_both_sides_of_the_service_group_and_may_remove_colleagues() {
    let t = TestStack::demo().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let (status, list) = tara.members(PROVIDER_APP_ID, &group).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["colleagues"][0]["name"], "Ana Ortiz");
    assert_eq!(
        list["colleagues"][0]["removable"], true,
        "the TAM may remove colleagues"
    );
    let me = list["service_team"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["me"] == true)
        .expect("Tara is in the service team");
    assert_eq!(me["name"], "Tara Lin");
}

#[tokio::test]
async fn member_management_splits_sides_and_follows_the_removal_rules() {
    let t = TestStack::demo().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;

    let (status, list) = ana.members(CUSTOMER_APP_ID, &group).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let names = |side: &str| -> Vec<String> {
        list[side]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("colleagues"), ["Ana Ortiz", "Ben Brooks"]);
    assert_eq!(
        names("service_team"),
        ["Tara Lin", "Eli Novak", "Erin Park"]
    );
    assert!(list["colleagues"][0]["avatar"]
        .as_str()
        .unwrap()
        .starts_with("http"));
    assert_eq!(list["colleagues"][0]["me"], true);
    assert_eq!(list["colleagues"][0]["removable"], true, "Ana may leave");
    assert_eq!(
        list["colleagues"][1]["removable"], false,
        "but not remove Ben"
    );
    assert_eq!(list["service_team"][0]["removable"], false);

    let ben_id = t.open_id(CUSTOMER_APP_ID, "ben").await;
    let tara_id = t.open_id(PROVIDER_APP_ID, "tara").await;
    let (status, body) = ana
        .remove_member(CUSTOMER_APP_ID, &group, CUSTOMER_APP_ID, &ben_id)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = ana
        .remove_member(CUSTOMER_APP_ID, &group, PROVIDER_APP_ID, &tara_id)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // Something that is not an open_id is refused where it arrives, and says what it is.
    let (status, body) = ana
        .remove_member(CUSTOMER_APP_ID, &group, CUSTOMER_APP_ID, "ben<script>")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("is not a valid Lark open_id"),
        "{body}"
    );

    // The TAM removes Ben; his session ends at once (not in 12 hours), he can no longer read
    // the group, and the chat says what happened.
    let (status, body) = tara
        .remove_member(PROVIDER_APP_ID, &group, CUSTOMER_APP_ID, &ben_id)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = ben.messages(CUSTOMER_APP_ID, &group, "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("has ended"),
        "{body}"
    );
    let (status, _) = ben.groups(CUSTOMER_APP_ID).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "every route, not only this group's"
    );
    // Signing in again (a new browser) does not pull him back in.
    let ben_again = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    let (status, _) = ben_again.messages(CUSTOMER_APP_ID, &group, "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Ana leaves on her own.
    let ana_id = t.open_id(CUSTOMER_APP_ID, "ana").await;
    let (_, before) = tara.messages(PROVIDER_APP_ID, &group, "").await;
    let (status, _) = ana
        .remove_member(CUSTOMER_APP_ID, &group, CUSTOMER_APP_ID, &ana_id)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, page) = tara.messages(PROVIDER_APP_ID, &group, "").await;
    assert_eq!(
        texts(&before),
        ["Tara Lin removed Ben Brooks from the group."]
    );
    assert_eq!(
        texts(&page),
        [
            "Tara Lin removed Ben Brooks from the group.",
            "Ana Ortiz left the group."
        ]
    );
    assert_eq!(page["messages"][1]["kind"], "system");
    let (status, _) = ana.members(CUSTOMER_APP_ID, &group).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// An outage: fifty people post to one group at once. Every post succeeds, each gets its own
/// number, and the chat reads 1..=50 with nothing skipped (numbers come from an atomic counter,
/// not a conditional write that fails under contention).
#[tokio::test]
async fn fifty_people_posting_at_once_all_succeed_and_are_numbered_once() {
    let t = TestStack::demo().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let posts = (0..50).map(|i| {
        let (who, app) = if i % 2 == 0 {
            (&ana, CUSTOMER_APP_ID)
        } else {
            (&tara, PROVIDER_APP_ID)
        };
        let body = json!({"text": format!("outage update {i}"), "client_id": format!("o-{i}")});
        let group = group.clone();
        async move { who.post_message(app, &group, &body).await }
    });
    let answers = futures::future::join_all(posts).await;
    let mut seqs: Vec<u64> = answers
        .iter()
        .map(|(status, body)| {
            assert_eq!(*status, StatusCode::CREATED, "{body}");
            body["seq"].as_u64().unwrap()
        })
        .collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=50).collect::<Vec<_>>());
    // Read as the composer polls: from 0, following the cursor, until nothing is new.
    let (mut read, mut cursor) = (Vec::new(), 0);
    loop {
        let (_, page) = ana
            .messages(CUSTOMER_APP_ID, &group, &format!("?after={cursor}"))
            .await;
        let got = page["messages"].as_array().unwrap();
        if got.is_empty() {
            break;
        }
        read.extend(got.iter().map(|m| m["seq"].as_u64().unwrap()));
        cursor = page["cursor"].as_u64().unwrap();
    }
    assert_eq!(read, (1..=50).collect::<Vec<_>>());
}

#[tokio::test]
async fn chat_reads_and_posts_stay_within_their_dynamodb_request_budget() {
    let t = TestStack::demo().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let tara_id = t.open_id(PROVIDER_APP_ID, "tara").await;
    for i in 0..30 {
        ana.say(CUSTOMER_APP_ID, &group, &format!("history {i}"))
            .await;
    }

    t.dynamodb_requests().await;
    ana.messages(CUSTOMER_APP_ID, &group, "?after=29").await;
    let (poll, ops) = t.dynamodb_requests().await;
    assert_eq!(
        poll, 2,
        "a colleague's poll: membership and group in one batch, one query: {ops}"
    );
    ana.messages(CUSTOMER_APP_ID, &group, "").await;
    let (page, ops) = t.dynamodb_requests().await;
    assert_eq!(
        page, 2,
        "the latest page is one query however long the history: {ops}"
    );

    ana.say(CUSTOMER_APP_ID, &group, "plain").await;
    let (post, ops) = t.dynamodb_requests().await;
    assert_eq!(
        post, 3,
        "a post: membership batch, its number (one atomic add: never a retry however busy the group), one transaction: {ops}"
    );
    let mention = json!({"text": "@Tara Lin hi", "mentions": [{"app_id": PROVIDER_APP_ID, "open_id": tara_id}]});
    ana.post_message(CUSTOMER_APP_ID, &group, &mention).await;
    let (with_mention, ops) = t.dynamodb_requests().await;
    assert_eq!(
        with_mention, 5,
        "plus the member list and the org's name: {ops}"
    );
}

#[tokio::test]
async fn before_zero_is_not_a_message_number() {
    let t = TestStack::demo().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (status, body) = ana.messages(CUSTOMER_APP_ID, &group, "?before=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = ana.messages(CUSTOMER_APP_ID, &group, "?before=1").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_client_id_is_the_authors_own_and_cannot_swallow_someone_elses_post() {
    let t = TestStack::demo().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    let (status, first) = ana
        .post_message(
            CUSTOMER_APP_ID,
            &group,
            &json!({"text": "Ana's words", "client_id": "c-shared"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    // Ben reuses the same key: his message is stored as his, not answered with Ana's.
    let (status, his) = ben
        .post_message(
            CUSTOMER_APP_ID,
            &group,
            &json!({"text": "Ben's words", "client_id": "c-shared"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{his}");
    assert_eq!(his["text"], "Ben's words");
    assert_ne!(his["id"], first["id"]);
    // Ana's own retry is still recognised.
    let (status, again) = ana
        .post_message(
            CUSTOMER_APP_ID,
            &group,
            &json!({"text": "Ana's words", "client_id": "c-shared"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["id"], first["id"]);
    let (_, page) = ana.messages(CUSTOMER_APP_ID, &group, "").await;
    let texts = texts(&page);
    assert_eq!(
        texts.iter().filter(|t| t.contains("words")).count(),
        2,
        "{texts:?}"
    );
}
