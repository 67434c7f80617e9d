//! Sessions end on the server: signing out, signing out everywhere and a TAM's removal stop a
//! copied cookie at once, on every route, and cost the busy read paths no extra request.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tamlink_tests::*;

#[tokio::test]
async fn a_copied_cookie_stops_working_when_its_session_signs_out() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let thief = ana.copy_session(&t, CUSTOMER_APP_ID);
    let (status, _) = thief.messages(CUSTOMER_APP_ID, &group, "").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the copy works while the session lives"
    );
    // Ana also uses her phone: a session of its own.
    let phone = t.signed_in(CUSTOMER_APP_ID, "ana").await;

    assert_eq!(ana.logout(CUSTOMER_APP_ID).await, StatusCode::OK);

    // Reads and writes with the copied cookie: refused, on group routes and every other kind.
    let (status, body) = thief.messages(CUSTOMER_APP_ID, &group, "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("has ended"),
        "{body}"
    );
    let (status, _) = thief
        .post_message(CUSTOMER_APP_ID, &group, &json!({"text": "still here?"}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = thief.groups(CUSTOMER_APP_ID).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = thief
        .get_json(&format!("/lark/{CUSTOMER_APP_ID}/api/tickets"))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = thief
        .post_json(
            &format!("/lark/{CUSTOMER_APP_ID}/api/tickets"),
            &json!({"title": "t", "description": "d", "severity": "sev3"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The page sends them to sign in again rather than showing the workbench.
    let page = thief
        .get(&format!("/lark/{CUSTOMER_APP_ID}/workbench"))
        .await;
    assert!(page.url.as_str().contains("/open-apis/authen/v1/authorize"));
    // Nothing was posted by the copy.
    let (_, chat) = phone.messages(CUSTOMER_APP_ID, &group, "").await;
    assert!(!chat.to_string().contains("still here?"));

    // Signing out ended that session only: the phone is still signed in.
    let (status, _) = phone.messages(CUSTOMER_APP_ID, &group, "").await;
    assert_eq!(status, StatusCode::OK);
    // And signing in again works at once.
    let again = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (status, _) = again.groups(CUSTOMER_APP_ID).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_browser_and_later_sign_ins_work() {
    let t = TestStack::demo().await;
    let laptop = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let phone = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    assert_eq!(
        laptop.logout_everywhere(CUSTOMER_APP_ID).await,
        StatusCode::OK
    );
    for b in [&laptop, &phone] {
        let (status, _) = b.groups(CUSTOMER_APP_ID).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = ben.groups(CUSTOMER_APP_ID).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "someone else's sessions are untouched"
    );
    // A sign-in after "everywhere" is a new generation: good, even at the same second.
    let back = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (status, _) = back.groups(CUSTOMER_APP_ID).await;
    assert_eq!(status, StatusCode::OK);
    // A scope that is not one is refused with a readable message, and ends nothing.
    let (status, body) = back
        .post_json(
            &format!("/lark/{CUSTOMER_APP_ID}/api/session/logout?scope=all"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = back.groups(CUSTOMER_APP_ID).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn staff_sessions_end_too() {
    let t = TestStack::demo().await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let copy = tara.copy_session(&t, PROVIDER_APP_ID);
    assert_eq!(tara.logout(PROVIDER_APP_ID).await, StatusCode::OK);
    let (status, _) = copy.groups(PROVIDER_APP_ID).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = copy.set_duty(false).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// Ending sessions server-side costs the read paths that already read the person's membership
/// (or their staff record) no extra DynamoDB request: the fence comes in the same BatchGetItem.
/// Before this change: colleague chat read 2 (BatchGetItem, Query), members 2; staff chat read 4
/// (GetItem staff, BatchGetItem, GetItem tenant, Query). A post takes its number with an atomic
/// add first (`Store::reserve_seq`), so it is BatchGetItem, UpdateItem, TransactWriteItems.
#[tokio::test]
async fn ending_sessions_adds_no_request_to_the_membership_read_paths() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let (c, p) = (CUSTOMER_APP_ID, PROVIDER_APP_ID);
    let messages = format!("/lark/{c}/api/groups/{group}/messages");
    let cases = [
        (
            &ana,
            Method::GET,
            messages.clone(),
            None,
            vec!["BatchGetItem", "Query"],
        ),
        (
            &ana,
            Method::POST,
            messages,
            Some(json!({"text": "hi"})),
            vec!["BatchGetItem", "UpdateItem", "TransactWriteItems"],
        ),
        (
            &ana,
            Method::GET,
            format!("/lark/{c}/api/groups/{group}/members"),
            None,
            vec!["BatchGetItem", "Query"],
        ),
        (
            &tara,
            Method::GET,
            format!("/lark/{p}/api/groups/{group}/messages"),
            None,
            vec!["BatchGetItem", "BatchGetItem", "GetItem", "Query"],
        ),
    ];
    for (who, method, path, body, expected) in cases {
        let (status, calls) = who.aws_calls(method.clone(), &path, body.as_ref()).await;
        assert!(status.is_success(), "{method} {path}: {status}");
        let calls: Vec<&str> = calls
            .iter()
            .map(|c| c.trim_start_matches("dynamodb:"))
            .collect();
        assert_eq!(calls, expected, "{method} {path}");
    }
}

/// A copy of a cookie whose session has ended cannot sign its owner out: signing out with it
/// clears the copy and writes nothing, so it cannot keep ending the sessions its owner starts.
#[tokio::test]
async fn an_ended_sessions_copy_cannot_sign_its_owner_out_again() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let thief = ana.copy_session(&t, CUSTOMER_APP_ID);
    assert_eq!(ana.logout_everywhere(CUSTOMER_APP_ID).await, StatusCode::OK);
    // Ana signs in again; the thief still holds the old cookie.
    let laptop = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    for query in ["?scope=everywhere", ""] {
        let (status, calls) = thief
            .aws_calls(
                Method::POST,
                &format!("/lark/{CUSTOMER_APP_ID}/api/session/logout{query}"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "the copy is cleared");
        assert!(
            calls.iter().all(|c| c.ends_with("GetItem")),
            "an ended session writes nothing: {calls:?}"
        );
    }
    let (status, body) = laptop.groups(CUSTOMER_APP_ID).await;
    assert_eq!(status, StatusCode::OK, "Ana's new session lives: {body}");
}
