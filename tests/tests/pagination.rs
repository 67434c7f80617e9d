//! Lists come a page at a time with a cursor, and the first page costs the same DynamoDB
//! requests for a long history as for a short one.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tamlink_tests::*;

fn ticket(title: &str) -> Value {
    json!({"title": title, "description": "Exports fail.", "severity": "sev3"})
}

async fn cost(who: &Browser, path: &str) -> Vec<String> {
    let (status, calls) = who.aws_calls(Method::GET, path, None).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    calls
}

/// Every page of a list, following `next`.
async fn all_pages(who: &Browser, path: &str, key: &str) -> (Vec<Value>, usize) {
    let (mut items, mut pages, mut cursor) = (Vec::new(), 0, None::<String>);
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}?cursor={c}"),
            None => path.to_owned(),
        };
        let (status, page) = who.get_json(&url).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        pages += 1;
        let got = page[key].as_array().unwrap();
        assert!(got.len() <= 50, "a page holds at most 50");
        items.extend(got.iter().cloned());
        match &page["next"] {
            Value::Null => break,
            next => cursor = Some(next.to_string().trim_matches('"').to_owned()),
        }
    }
    (items, pages)
}

#[tokio::test]
async fn a_thousand_tickets_cost_the_first_page_what_five_do_and_every_ticket_is_listed_once() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    for i in 0..5 {
        let (status, body) = ana
            .open_ticket(CUSTOMER_APP_ID, &ticket(&format!("t{i}")))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let tickets = format!("/lark/{CUSTOMER_APP_ID}/api/tickets");
    let staff_tickets = format!("/lark/{PROVIDER_APP_ID}/api/tickets");
    let (colleague_five, staff_five) = (
        cost(&ana, &tickets).await,
        cost(&tara, &staff_tickets).await,
    );

    // 1,000 more, closed: a long history.
    t.copy_ticket(CUSTOMER_APP_ID, 1, 6, 1000, false).await;
    assert_eq!(cost(&ana, &tickets).await, colleague_five);
    assert_eq!(
        cost(&tara, &staff_tickets).await,
        staff_five,
        "the console reads open tickets only, whatever the history"
    );

    let (status, first) = ana.get_json(&tickets).await;
    assert_eq!(status, StatusCode::OK);
    let numbers: Vec<u64> = first["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["number"].as_u64().unwrap())
        .collect();
    assert_eq!(
        numbers,
        (956..=1005).rev().collect::<Vec<_>>(),
        "newest first"
    );
    assert_eq!(first["next"], 956);
    let (all, pages) = all_pages(&ana, &tickets, "tickets").await;
    let mut seen: Vec<u64> = all.iter().map(|t| t["number"].as_u64().unwrap()).collect();
    assert_eq!(pages, 21);
    seen.sort_unstable();
    assert_eq!(seen, (1..=1005).collect::<Vec<_>>(), "each ticket once");

    // The console lists the five open ones, most urgent first, in one page.
    let (open, pages) = all_pages(&tara, &staff_tickets, "tickets").await;
    assert_eq!((open.len(), pages), (5, 1));

    // A cursor that is not one is refused with a readable message.
    let (status, body) = ana.get_json(&format!("{tickets}?cursor=abc")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn many_groups_come_a_page_at_a_time_service_group_first() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let service = t.service_group(CUSTOMER_APP_ID).await;
    let groups = format!("/lark/{CUSTOMER_APP_ID}/api/groups");
    let one = cost(&ana, &groups).await;
    t.copy_group_membership(CUSTOMER_APP_ID, "ana", &service, 120)
        .await;
    assert_eq!(
        cost(&ana, &groups).await,
        one,
        "same requests for 121 groups as for 1"
    );

    let (status, first) = ana.get_json(&groups).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["groups"].as_array().unwrap().len(), 50);
    assert_eq!(
        first["groups"][0]["id"],
        service.as_str(),
        "the service group leads"
    );
    let (all, pages) = all_pages(&ana, &groups, "groups").await;
    assert_eq!(pages, 3);
    let mut ids: Vec<&str> = all.iter().map(|g| g["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 121, "each group once");

    let (status, _) = ana.get_json(&format!("{groups}?cursor=not-a-group")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
