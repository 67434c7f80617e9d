//! Reports: an organisation's month and an engineer's, with charts and as CSV, computed from
//! counters kept up to date by each change (never from the tickets), so opening one costs the
//! same few reads at any volume.

use reqwest::StatusCode;
use serde_json::{json, Value};
use tamlink::clock::Clock;
use tamlink_tests::*;

fn user_of(name: &Value) -> &'static str {
    if name == "Eli Novak" {
        "eli"
    } else {
        "erin"
    }
}

fn month_of(t: &TestStack) -> String {
    tamlink::domain::budget::month_of(t.clock.now())
}

/// The CSV's rows as maps from column to value.
async fn csv(
    b: &Browser,
    t: &TestStack,
    path: &str,
) -> Vec<std::collections::HashMap<String, String>> {
    let resp = b
        .client
        .get(format!("{}{path}", t.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=utf-8");
    let text = resp.text().await.unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_owned))
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn the_months_figures_follow_each_change_and_opening_the_report_costs_the_same_at_any_volume()
{
    let t = TestStack::demo().await;
    t.to_mid_month();
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let report = format!("/lark/{PROVIDER_APP_ID}/api/customers/{CUSTOMER_APP_ID}/report");

    // #1 (S2): answered in the group after 10 minutes, resolved after 2 hours (within 1 day).
    let (_, one) = ana
        .open_ticket(
            CUSTOMER_APP_ID,
            &json!({"title": "Robots offline", "severity": "sev2"}),
        )
        .await;
    let eng1 = t
        .signed_in(PROVIDER_APP_ID, user_of(&one["assignee"]))
        .await;
    t.clock.advance(600);
    eng1.say(
        PROVIDER_APP_ID,
        one["group_id"].as_str().unwrap(),
        "Looking.",
    )
    .await;
    t.clock.advance(2 * 3600 - 600);
    let (status, _) = eng1
        .move_ticket(PROVIDER_APP_ID, one["id"].as_str().unwrap(), "resolved")
        .await;
    assert_eq!(status, StatusCode::OK);
    // #2 (S2): an emergency, acknowledged by Tara after 5 minutes; answered late by a move.
    let (_, two) = ana
        .open_ticket(
            CUSTOMER_APP_ID,
            &json!({"title": "Exports fail", "severity": "sev2"}),
        )
        .await;
    let two_id = two["id"].as_str().unwrap();
    ana.declare_outage(CUSTOMER_APP_ID, two_id).await;
    t.clock.advance(300);
    let (status, _) = tara.acknowledge(PROVIDER_APP_ID, two_id).await;
    assert_eq!(status, StatusCode::OK);
    t.clock.advance(3600);
    let eng2 = t
        .signed_in(PROVIDER_APP_ID, user_of(&two["assignee"]))
        .await;
    eng2.move_ticket(PROVIDER_APP_ID, two_id, "in_progress")
        .await;
    // Ana rates #1 a 3, then changes it to 5: one rating of 5.
    for score in [3, 5] {
        let (status, body) = ana
            .post_json(
                &format!(
                    "/lark/{CUSTOMER_APP_ID}/api/tickets/{}/rating",
                    one["id"].as_str().unwrap()
                ),
                &json!({"score": score}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    t.deliver().await;
    let month = month_of(&t);
    // Every engineer's figures are for managers and admins (Mo); the TAM reads her own.
    let mo = t.signed_in(PROVIDER_APP_ID, "mo").await;
    let rows = csv(&mo, &t, &format!("{report}?month={month}&format=csv")).await;
    let taras = csv(&tara, &t, &format!("{report}?month={month}&format=csv")).await;
    let names: Vec<&str> = taras.iter().map(|r| r["name"].as_str()).collect();
    assert_eq!(names, ["Acme Robotics", "Tara Lin"], "{taras:?}");
    assert_eq!(
        taras[0], rows[0],
        "the organisation's totals are everyone's"
    );
    let org = &rows[0];
    assert_eq!(org["scope"], "organisation");
    assert_eq!(org["name"], "Acme Robotics");
    assert_eq!(
        (org["opened"].as_str(), org["resolved"].as_str()),
        ("2", "1")
    );
    // 10 minutes and 65 minutes, each read from its bucket within an eighth.
    let median: f64 = org["first_response_median_min"].parse().unwrap();
    assert!((8.75..=11.25).contains(&median), "{org:?}");
    assert_eq!(
        org["first_response_sla_pct"], "50",
        "one of two within S2's hour: {org:?}"
    );
    assert_eq!(org["resolution_sla_pct"], "100");
    let resolution: f64 = org["resolution_median_min"].parse().unwrap();
    assert!((105.0..=135.0).contains(&resolution), "{org:?}");
    assert_eq!(
        (org["emergencies"].as_str(), org["acknowledged"].as_str()),
        ("1", "1")
    );
    let ack: f64 = org["acknowledge_median_min"].parse().unwrap();
    assert!((4.0..=6.0).contains(&ack), "{org:?}");
    assert_eq!(
        (org["csat_count"].as_str(), org["csat_average"].as_str()),
        ("1", "5")
    );
    assert!(org["lark_calls"].parse::<i64>().unwrap() > 0, "{org:?}");
    assert_eq!(org["lark_allowance"], "5000");
    // Each engineer's share: the one who resolved #1 has it and its rating; Tara acknowledged.
    let of = |name: &str| {
        rows.iter()
            .find(|r| r["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name}: {rows:?}"))
    };
    let first = of(one["assignee"].as_str().unwrap());
    assert_eq!(
        (
            first["scope"].as_str(),
            first["resolved"].as_str(),
            first["csat_average"].as_str()
        ),
        ("engineer", "1", "5")
    );
    assert_eq!(of("Tara Lin")["acknowledged"], "1");

    // The page: figures and charts, in the reader's language.
    let page = tara.get(&format!("{report}?month={month}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    page.assert_contains("<svg class=\"chart\"")
        .assert_contains("Tickets opened and resolved per day")
        .assert_contains("data-figure=\"opened\"><b>2</b>")
        .assert_contains("50 %")
        .assert_contains("average of 5, from one rating");

    // Reads: the same with 2 tickets as with 12 (the counters, never the tickets).
    t.dynamodb_requests().await;
    tara.get(&format!("{report}?month={month}")).await;
    let (before, ops_before) = t.dynamodb_requests().await;
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    for i in 0..10 {
        // Five each, the most one person opens in 10 minutes.
        let who = if i % 2 == 0 { &ana } else { &ben };
        who.open_ticket(
            CUSTOMER_APP_ID,
            &json!({"title": format!("More {i}"), "severity": "sev4"}),
        )
        .await;
    }
    t.dynamodb_requests().await;
    let page = tara.get(&format!("{report}?month={month}")).await;
    page.assert_contains("data-figure=\"opened\"><b>12</b>");
    let (after, ops) = t.dynamodb_requests().await;
    println!("organisation report: {after} DynamoDB requests {ops}");
    assert_eq!(after, before, "{ops_before} vs {ops}");
    // The session and the staff member (one batch), the organisation, the month's counters
    // (one query) and its Lark use.
    assert!(after <= 4, "{after}: {ops}");
}

#[tokio::test]
async fn an_engineers_month_is_theirs_to_see_and_bad_months_and_strangers_are_refused() {
    let t = TestStack::demo().await;
    t.to_mid_month();
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (_, one) = ana
        .open_ticket(
            CUSTOMER_APP_ID,
            &json!({"title": "Robots offline", "severity": "sev3"}),
        )
        .await;
    let who = user_of(&one["assignee"]);
    let other = if who == "eli" { "erin" } else { "eli" };
    let eng = t.signed_in(PROVIDER_APP_ID, who).await;
    let (status, body) = eng
        .move_ticket(PROVIDER_APP_ID, one["id"].as_str().unwrap(), "resolved")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let month = month_of(&t);
    let open_id = t.open_id(PROVIDER_APP_ID, who).await;
    let mine = format!("/lark/{PROVIDER_APP_ID}/api/staff/{open_id}/report");
    let rows = csv(&eng, &t, &format!("{mine}?month={month}&format=csv")).await;
    assert_eq!(rows[0]["scope"], "engineer");
    assert_eq!(
        (rows[0]["opened"].as_str(), rows[0]["resolved"].as_str()),
        ("1", "1")
    );
    assert_eq!(rows[1]["scope"], "organisation");
    assert_eq!(rows[1]["name"], "Acme Robotics");
    let page = eng.get(&format!("{mine}?month={month}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("By organisation");

    // Someone else's month: not for a colleague or the TAM; a manager sees it.
    let colleague = t.signed_in(PROVIDER_APP_ID, other).await;
    let (status, body) = colleague.get_json(&mine).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    assert_eq!(tara.get_json(&mine).await.0, StatusCode::FORBIDDEN);
    let tara_id = t.open_id(PROVIDER_APP_ID, "tara").await;
    let provider = app(PROVIDER_APP_ID);
    let mut staff = t
        .stack
        .ctx
        .store
        .staff(&provider, &open(&tara_id))
        .await
        .unwrap()
        .unwrap();
    staff.role = tamlink::domain::roles::StaffRole::Manager;
    t.stack
        .ctx
        .store
        .save_staff(&provider, &staff)
        .await
        .unwrap();
    assert_eq!(tara.get_json(&mine).await.0, StatusCode::OK);
    // The organisation's report agrees: an engineer reads the totals and their own row only.
    let org_report = format!("/lark/{PROVIDER_APP_ID}/api/customers/{CUSTOMER_APP_ID}/report");
    let rows = csv(
        &colleague,
        &t,
        &format!("{org_report}?month={month}&format=csv"),
    )
    .await;
    assert!(
        rows.iter().all(|r| r["scope"] == "organisation"),
        "{other} did nothing this month, so reads no engineer's row: {rows:?}"
    );
    let rows = csv(&eng, &t, &format!("{org_report}?month={month}&format=csv")).await;
    let engineers: Vec<&str> = rows
        .iter()
        .filter(|r| r["scope"] == "engineer")
        .map(|r| r["id"].as_str())
        .collect();
    assert_eq!(engineers, [open_id.as_str()], "{rows:?}");

    // Bad months, formats and strangers: refused with a reason, nothing written.
    let report = format!("/lark/{PROVIDER_APP_ID}/api/customers/{CUSTOMER_APP_ID}/report");
    for (query, expected, says) in [
        (
            "month=2026-13",
            StatusCode::BAD_REQUEST,
            "written as 2026-11",
        ),
        ("month=last", StatusCode::BAD_REQUEST, "written as 2026-11"),
        (
            "month=2999-01",
            StatusCode::UNPROCESSABLE_ENTITY,
            "has not begun",
        ),
        ("format=xml", StatusCode::BAD_REQUEST, "html or csv"),
    ] {
        let (status, body) = eng.get_json(&format!("{report}?{query}")).await;
        assert_eq!(status, expected, "{query}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains(says),
            "{query}: {body}"
        );
    }
    t.activate_other_org("cli_initechsupport1", "Initech", &[other])
        .await;
    let (status, _) = eng
        .get_json(&format!(
            "/lark/{PROVIDER_APP_ID}/api/customers/cli_initechsupport1/report?format=csv"
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = ana.get_json(&report).await;
    assert!(
        status == StatusCode::NOT_FOUND || status == StatusCode::UNAUTHORIZED,
        "{status}"
    );
    // Customers cannot open a staff report either.
    let (status, _) = ana
        .get_json(&format!(
            "/lark/{CUSTOMER_APP_ID}/api/staff/{open_id}/report"
        ))
        .await;
    assert_ne!(status, StatusCode::OK);
}
