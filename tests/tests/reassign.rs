//! Reassignment: the TAM, a manager or the assignee hands a ticket to another engineer serving
//! the organisation; the open-ticket counts move in the same transaction; the new engineer joins
//! the ticket group; both are told; concurrent reassignments end consistent.

use reqwest::StatusCode;
use serde_json::{json, Value};
use tamlink_tests::*;

async fn load(t: &TestStack, user: &str) -> u32 {
    let open_id = t.open_id(PROVIDER_APP_ID, user).await;
    t.stack
        .ctx
        .store
        .staff(&app(PROVIDER_APP_ID), &open(&open_id))
        .await
        .unwrap()
        .unwrap()
        .open_tickets
}

fn user_of(name: &str) -> &'static str {
    if name == "Eli Novak" {
        "eli"
    } else {
        "erin"
    }
}

async fn reassign(b: &Browser, id: &str, engineer: &str) -> (StatusCode, Value) {
    b.post_json(
        &format!("/lark/{PROVIDER_APP_ID}/api/tickets/{id}/assignee"),
        &json!({ "engineer": engineer }),
    )
    .await
}

#[tokio::test]
async fn the_tam_hands_a_ticket_to_another_engineer_and_counts_members_and_notices_follow() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (_, opened) = ana
        .open_ticket(
            CUSTOMER_APP_ID,
            &json!({"title": "Robots offline", "severity": "sev2"}),
        )
        .await;
    let id = opened["id"].as_str().unwrap().to_owned();
    let group = opened["group_id"].as_str().unwrap().to_owned();
    let first = user_of(opened["assignee"].as_str().unwrap());
    let second = if first == "eli" { "erin" } else { "eli" };
    assert_eq!((load(&t, first).await, load(&t, second).await), (1, 0));
    t.drain_queue().await;

    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    // The ticket's page offers the TAM the other engineer.
    let page = tara
        .get(&format!("/lark/{PROVIDER_APP_ID}/workbench?group={group}"))
        .await;
    page.assert_contains("id=\"ticket-reassign\"");
    let second_id = t.open_id(PROVIDER_APP_ID, second).await;
    let (status, moved) = reassign(&tara, &id, &second_id).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    let second_name = if second == "eli" {
        "Eli Novak"
    } else {
        "Erin Park"
    };
    assert_eq!(moved["assignee"], second_name);
    // The counts moved with it, in the same transaction.
    assert_eq!((load(&t, first).await, load(&t, second).await), (0, 1));
    // The new engineer is in the ticket group; the group says who handed it to whom.
    let (_, members) = ana.members(CUSTOMER_APP_ID, &group).await;
    assert!(members.to_string().contains(second_name), "{members}");
    let (_, chat) = ana.messages(CUSTOMER_APP_ID, &group, "").await;
    assert!(
        chat.to_string().contains(&format!(
            "Tara Lin handed #1 from {} to {second_name}.",
            opened["assignee"].as_str().unwrap()
        )),
        "{chat}"
    );
    // Both engineers hear: the new one as an assignment, the old one who has it now.
    let queued = t.drain_queue().await;
    let kinds: Vec<(String, String)> = queued
        .iter()
        .map(|n| (n["kind"].as_str().unwrap().to_owned(), en(&n["title"])))
        .collect();
    assert!(
        kinds.contains(&(
            "ticket_assigned".into(),
            "Tara Lin handed you #1: Robots offline".into()
        )),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(
            "ticket_updated".into(),
            format!("#1 Robots offline is now with {second_name}")
        )),
        "{kinds:?}"
    );
    // The customer sees the new assignee.
    assert_eq!(
        ana.tickets(CUSTOMER_APP_ID).await[0]["assignee"],
        second_name
    );

    // The assignee hands it back (handing over); an engineer who does not have it cannot.
    let first_id = t.open_id(PROVIDER_APP_ID, first).await;
    let other = t.signed_in(PROVIDER_APP_ID, first).await;
    let (status, _) = reassign(&other, &id, &first_id).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let holder = t.signed_in(PROVIDER_APP_ID, second).await;
    let (status, back) = reassign(&holder, &id, &first_id).await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!((load(&t, first).await, load(&t, second).await), (1, 0));
}

#[tokio::test]
async fn bad_reassignments_are_refused_with_a_reason_and_change_nothing() {
    let t = TestStack::demo().await;
    let (ana, opened) = t.anas_s3_ticket("Exports fail").await;
    let id = opened["id"].as_str().unwrap().to_owned();
    let holder = user_of(opened["assignee"].as_str().unwrap());
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let tara_id = t.open_id(PROVIDER_APP_ID, "tara").await;
    let holder_id = t.open_id(PROVIDER_APP_ID, holder).await;
    // A customer cannot.
    let (status, body) = ana
        .post_json(
            &format!("/lark/{CUSTOMER_APP_ID}/api/tickets/{id}/assignee"),
            &json!({"engineer": holder_id}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // Not an engineer (the TAM herself), nobody at all, not an id, the one who has it.
    let (status, body) = reassign(&tara, &id, &tara_id).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["message"],
        "Tara Lin is not an engineer serving this organisation."
    );
    let (status, _) = reassign(&tara, &id, "ou_nobodyatall").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = reassign(&tara, &id, "not an id").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = reassign(&tara, &id, &holder_id).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(load(&t, holder).await, 1, "nothing changed");
    // A closed ticket is not handed on.
    let (status, _) = ana.move_ticket(CUSTOMER_APP_ID, &id, "closed").await;
    assert_eq!(status, StatusCode::OK);
    let other = if holder == "eli" { "erin" } else { "eli" };
    let other_id = t.open_id(PROVIDER_APP_ID, other).await;
    let (status, body) = reassign(&tara, &id, &other_id).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!((load(&t, holder).await, load(&t, other).await), (0, 0));
    // An engineer who does not serve the organisation is refused: Initech is served by Eli only.
    t.activate_other_org("cli_initechsupport1", "Initech", &["eli"])
        .await;
    let ivy = t.signed_in("cli_initechsupport1", "ivy").await;
    let (status, theirs) = ivy
        .open_ticket(
            "cli_initechsupport1",
            &json!({"title": "Login loops", "severity": "sev3"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{theirs}");
    let erin_id = t.open_id(PROVIDER_APP_ID, "erin").await;
    let (status, body) = reassign(&tara, theirs["id"].as_str().unwrap(), &erin_id).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["message"],
        "Erin Park is not an engineer serving this organisation."
    );
}

#[tokio::test]
async fn ten_reassignments_at_once_end_with_one_assignee_and_counts_that_add_up() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (_, opened) = ana
        .open_ticket(
            CUSTOMER_APP_ID,
            &json!({"title": "Fleet down", "severity": "sev1"}),
        )
        .await;
    let id = opened["id"].as_str().unwrap().to_owned();
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let mo = t.signed_in(PROVIDER_APP_ID, "mo").await;
    let eli = t.open_id(PROVIDER_APP_ID, "eli").await;
    let erin = t.open_id(PROVIDER_APP_ID, "erin").await;
    let calls = (0..10).map(|i| {
        let (who, to) = match i % 2 {
            0 => (&tara, &eli),
            _ => (&mo, &erin),
        };
        reassign(who, &id, to)
    });
    let results = futures::future::join_all(calls).await;
    for (status, body) in &results {
        assert!(
            *status == StatusCode::OK || *status == StatusCode::CONFLICT,
            "{status} {body}"
        );
    }
    assert!(results.iter().any(|(s, _)| *s == StatusCode::OK));
    let now = ana.tickets(CUSTOMER_APP_ID).await[0]["assignee"]
        .as_str()
        .unwrap()
        .to_owned();
    let (eli_load, erin_load) = (load(&t, "eli").await, load(&t, "erin").await);
    assert_eq!(eli_load + erin_load, 1, "one open ticket, counted once");
    assert_eq!(
        (eli_load, erin_load),
        if now == "Eli Novak" { (1, 0) } else { (0, 1) },
        "the count is the assignee's"
    );
}
