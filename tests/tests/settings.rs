//! Organisation settings: the TAM changes what an organisation's people see and may do; every
//! change is checked first and takes effect on the next request; bad settings write nothing.

use reqwest::StatusCode;
use serde_json::{json, Value};
use tamlink_tests::*;

async fn settings(b: &Browser, body: Value) -> (StatusCode, Value) {
    b.post_json(
        &format!("/lark/{PROVIDER_APP_ID}/api/customers/{CUSTOMER_APP_ID}/settings"),
        &body,
    )
    .await
}

#[tokio::test]
async fn the_tam_changes_an_organisations_settings_and_they_take_effect_at_once() {
    let t = TestStack::demo().await;
    // Ana signed in (and joined the service group) before the changes.
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let (status, view) = settings(
        &tara,
        json!({
            "display_name": "Acme Robotics (EU)",
            "products": ["Fleet API", "Telemetry"],
            "categories": ["Outage", "Question"],
            "invite_only": true,
            "auto_join": false,
            "first_response_minutes": {"sev1": 15, "sev2": 60, "sev3": 240, "sev4": 1440}
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["display_name"], "Acme Robotics (EU)");
    assert_eq!(view["products"], json!(["Fleet API", "Telemetry"]));
    assert_eq!(
        (view["invite_only"].clone(), view["auto_join"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(view["sla"]["sev1"], 15);

    // The workbench shows the name and offers the products.
    ana.get(&format!("/lark/{CUSTOMER_APP_ID}/workbench"))
        .await
        .assert_contains("<h1>Acme Robotics (EU)</h1>")
        .assert_contains("<option>Telemetry</option>");
    // A product it does not offer is refused; one it does is fine; S1 is due in 15 minutes.
    let (status, body) = ana
        .open_ticket(
            CUSTOMER_APP_ID,
            &json!({"title": "Robots offline", "severity": "sev1", "product": "Coffee machine"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["message"],
        "Pick a product your organisation offers: Fleet API, Telemetry."
    );
    let (status, opened) = ana
        .open_ticket(
            CUSTOMER_APP_ID,
            &json!({"title": "Robots offline", "severity": "sev1", "product": "Telemetry", "category": "Outage"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    assert_eq!(opened["sla"], "Response due in 15m");
    // Invitation-only: colleagues no longer make Add People links; the TAM does.
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let (status, body) = ana.create_invitation(CUSTOMER_APP_ID, &group).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = tara.create_invitation(PROVIDER_APP_ID, &group).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Auto-join off: a colleague signing in for the first time does not join the service group.
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    let (_, groups) = ben.groups(CUSTOMER_APP_ID).await;
    assert_eq!(groups["groups"], json!([]), "{groups}");
    // An empty display name gives Lark's name back.
    let (_, view) = settings(&tara, json!({"display_name": "  "})).await;
    assert_eq!(view["display_name"], Value::Null);
}

#[tokio::test]
async fn bad_settings_are_refused_with_a_reason_and_nothing_is_written() {
    let t = TestStack::demo().await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let before = t.tenant(CUSTOMER_APP_ID).await;
    let many: Vec<String> = (0..21).map(|i| format!("Product {i}")).collect();
    for (body, want) in [
        (json!({}), StatusCode::BAD_REQUEST),
        (
            json!({"display_name": "x".repeat(101), "csat": false}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"display_name": "two\nlines"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"products": many, "csat": false}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"products": ["Fleet", "fleet"], "csat": false}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"categories": [""], "csat": false}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"first_response_minutes": {"sev1": 300, "sev2": 60, "sev3": 480, "sev4": 1440}, "csat": false}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"lang": "fr", "csat": false}),
            StatusCode::BAD_REQUEST,
        ),
        (json!({"colour": "blue"}), StatusCode::BAD_REQUEST),
        (json!({"csat": null}), StatusCode::BAD_REQUEST),
    ] {
        let (status, answer) = settings(&tara, body.clone()).await;
        assert_eq!(status, want, "{body} → {answer}");
        assert!(
            answer["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{answer}"
        );
    }
    let (_, answer) = settings(
        &tara,
        json!({"first_response_minutes": {"sev1": 300, "sev2": 60, "sev3": 480, "sev4": 1440}}),
    )
    .await;
    assert_eq!(
        answer["message"],
        "A more severe ticket cannot have a later first-response target."
    );
    let after = t.tenant(CUSTOMER_APP_ID).await;
    assert_eq!(
        (after.csat, after.sla, after.products, after.display_name),
        (
            before.csat,
            before.sla,
            before.products,
            before.display_name
        ),
        "nothing written"
    );
    // Only those who manage customers, and serve this one.
    let eli = t.signed_in(PROVIDER_APP_ID, "eli").await;
    let (status, _) = settings(&eli, json!({"csat": false})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_organisations_audit_trail_is_filtered_and_exported_as_csv_by_those_who_serve_it() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let (_, opened) = ana
        .open_ticket(
            CUSTOMER_APP_ID,
            &json!({"title": "Exports fail, again", "severity": "sev3"}),
        )
        .await;
    settings(
        &tara,
        json!({"csat": false, "display_name": "=cmd|' /C calc'!A0"}),
    )
    .await;
    let audit = format!("/lark/{PROVIDER_APP_ID}/api/customers/{CUSTOMER_APP_ID}/audit");
    let (status, all) = tara.get_json(&audit).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    let kinds: Vec<&str> = all["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds[..2],
        ["settings_changed", "ticket_created"],
        "newest first"
    );
    // Before them: the registration, the activation, Ana's sign-in and her joining (`audit.rs`).
    assert_eq!(
        kinds[2..],
        ["joined", "signed_in", "activated", "registered"]
    );
    let settings_entry = &all["entries"][0];
    assert_eq!(settings_entry["actor"]["name"], "Tara Lin");
    assert_eq!(settings_entry["actor"]["app_id"], PROVIDER_APP_ID);
    let changes = settings_entry["changes"].to_string();
    assert!(
        settings_entry["changes"]
            .as_array()
            .unwrap()
            .contains(&json!({"field": "csat", "before": "true", "after": "false"})),
        "{changes}"
    );
    assert!(
        !changes.contains("\"invite_only\""),
        "unchanged fields are not listed: {changes}"
    );
    // Filtered by kind and by day.
    let (_, tickets_only) = tara.get_json(&format!("{audit}?kind=ticket_created")).await;
    assert_eq!(tickets_only["entries"].as_array().unwrap().len(), 1);
    assert_eq!(tickets_only["entries"][0]["ticket"], 1);
    let (_, none) = tara
        .get_json(&format!("{audit}?from=2020-01-01&to=2020-01-31"))
        .await;
    assert_eq!(none["entries"], json!([]));
    // CSV: a header, a row per entry, a typed formula defused.
    let resp = tara
        .client
        .get(format!("{}{audit}?format=csv", t.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = resp.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "at,actor,actor_app,actor_open_id,kind,ticket,changes"
    );
    assert_eq!(lines.len(), kinds.len() + 1, "{csv}");
    assert!(lines[2].contains(",ticket_created,1,"), "{csv}");
    assert!(!csv.contains(",=cmd"), "{csv}");
    // Bad filters are 400s; an organisation one does not serve is not found.
    let (status, _) = tara.get_json(&format!("{audit}?from=yesterday")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = tara.get_json(&format!("{audit}?kind=coffee")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = tara
        .get_json(&format!("{audit}?from=2026-12-02&to=2026-12-01"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    t.activate_other_org("cli_initechsupport1", "Initech", &["eli"])
        .await;
    let erin = t.signed_in(PROVIDER_APP_ID, "erin").await;
    let (status, _) = erin
        .get_json(&format!(
            "/lark/{PROVIDER_APP_ID}/api/customers/cli_initechsupport1/audit?format=csv"
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A ticket's own history is the same entries.
    drop(opened);
}
