//! The audit trail of who came in and who was let in: sign-ins, joining, leaving and removals,
//! invitation links made, revoked and used, and registrations, each written in the transaction of
//! the change it records, read by the staff who serve the organisation.

use reqwest::StatusCode;
use serde_json::Value;
use tamlink_tests::*;

async fn trail(tara: &Browser, org: &str, query: &str) -> Vec<Value> {
    let (status, body) = tara
        .get_json(&format!(
            "/lark/{PROVIDER_APP_ID}/api/customers/{org}/audit?{query}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["entries"].as_array().unwrap().clone()
}

/// `kind: actor` for each entry, oldest first.
fn lines(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .rev()
        .map(|e| {
            format!(
                "{}: {}",
                e["kind"].as_str().unwrap(),
                e["actor"]["name"].as_str().unwrap()
            )
        })
        .collect()
}

#[tokio::test]
async fn access_changes_are_on_the_organisations_trail_with_who_did_them() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    t.make_invite_only(CUSTOMER_APP_ID).await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let (status, kept) = ana.create_invitation(CUSTOMER_APP_ID, &group).await;
    assert_eq!(status, StatusCode::CREATED, "{kept}");
    let (_, spare) = ana.create_invitation(CUSTOMER_APP_ID, &group).await;
    let (status, _) = ana
        .revoke_invitation(CUSTOMER_APP_ID, &group, spare["id"].as_str().unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
    // Ben signs in through the kept link and joins with it.
    let url = kept["url"].as_str().unwrap();
    let ben = t.browser();
    let landing = ben.consent(&ben.get_url(url).await, "ben").await;
    let token = landing.query_param("token");
    assert_eq!(
        ben.post_form(url, &[("token", &token)]).await.status,
        StatusCode::OK
    );
    // Ana, who added him, removes him; then she leaves herself.
    let ben_id = t.open_id(CUSTOMER_APP_ID, "ben").await;
    let ana_id = t.open_id(CUSTOMER_APP_ID, "ana").await;
    for who in [&ben_id, &ana_id] {
        let (status, body) = ana
            .remove_member(CUSTOMER_APP_ID, &group, CUSTOMER_APP_ID, who)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    t.dynamodb_requests().await;
    let all = trail(&tara, CUSTOMER_APP_ID, "").await;
    // A page of the trail: the session and the staff member (one batch), the organisation, and
    // one query of its entries.
    let (reads, ops) = t.dynamodb_requests().await;
    println!(
        "audit page of {} entries: {reads} DynamoDB requests {ops}",
        all.len()
    );
    assert!(reads <= 3, "{reads}: {ops}");
    assert_eq!(
        lines(&all),
        [
            // The demo's registration of Acme by Tara comes first.
            "registered: Tara Lin",
            "activated: Tara Lin",
            "signed_in: Ana Ortiz",
            "joined: Ana Ortiz",
            "link_made: Ana Ortiz",
            "link_made: Ana Ortiz",
            "link_revoked: Ana Ortiz",
            "signed_in: Ben Brooks",
            "link_used: Ben Brooks",
            "removed: Ana Ortiz",
            "left: Ana Ortiz",
        ]
        .map(String::from),
        "{all:#?}"
    );
    // Each says what it touched, through which app, in the reader's words.
    let removed = all.iter().find(|e| e["kind"] == "removed").unwrap();
    assert_eq!(removed["actor"]["app_id"], CUSTOMER_APP_ID);
    assert_eq!(removed["changes"][0]["field"], "member");
    assert!(
        removed["changes"][0]["before"]
            .as_str()
            .unwrap()
            .ends_with("· Ben Brooks"),
        "{removed}"
    );
    assert!(
        removed["summary"]
            .as_str()
            .unwrap()
            .starts_with("Ana Ortiz removed someone"),
        "{removed}"
    );
    let used = all.iter().find(|e| e["kind"] == "link_used").unwrap();
    assert!(
        used["changes"][0]["after"]
            .as_str()
            .unwrap()
            .ends_with(kept["id"].as_str().unwrap()),
        "{used}"
    );
    // Filtered to sign-ins only.
    assert_eq!(
        lines(&trail(&tara, CUSTOMER_APP_ID, "kind=signed_in").await),
        ["signed_in: Ana Ortiz", "signed_in: Ben Brooks"].map(String::from)
    );
    // Registering an organisation is the first entry of its trail, by the staff member who did;
    // activating it the second.
    t.activate_other_org("cli_initechsupport1", "Initech", &["eli"])
        .await;
    let initech = trail(&tara, "cli_initechsupport1", "").await;
    assert_eq!(
        lines(&initech),
        ["registered: Tara Lin", "activated: Tara Lin"].map(String::from),
        "{initech:#?}"
    );
    let registered = initech.last().unwrap();
    assert_eq!(registered["changes"][0]["after"], "Initech");
    assert_eq!(registered["actor"]["app_id"], PROVIDER_APP_ID);
}

/// The other changes an auditor asks about are on the trail too, each in the transaction of its
/// change: callback keys (which keys, never their values), activation, a re-check finding the
/// tenant changed, signing out everywhere, sessions ended by a removal, and duty changes (on the
/// provider's own trail, as duty is the service team's).
#[tokio::test]
async fn keys_activation_tenant_changes_sign_outs_removals_and_duty_are_on_the_trail() {
    use serde_json::json;
    let t = TestStack::demo().await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    assert_eq!(
        lines(&trail(&tara, CUSTOMER_APP_ID, "kind=activated").await),
        ["activated: Tara Lin"]
    );

    let (status, body) = tara
        .post_json(
            &format!("/lark/{PROVIDER_APP_ID}/api/customers/{CUSTOMER_APP_ID}/callback-keys"),
            &json!({"verification_token": "token-xyz", "encrypt_key": "key-xyz"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let keys = trail(&tara, CUSTOMER_APP_ID, "kind=callback_keys_changed").await;
    assert_eq!(lines(&keys), ["callback_keys_changed: Tara Lin"]);
    let text = keys[0].to_string();
    assert!(
        text.contains("verification token and encrypt key"),
        "{text}"
    );
    assert!(
        !text.contains("token-xyz") && !text.contains("key-xyz"),
        "{text}"
    );

    t.sandbox_post(
        "/_sandbox/tenants/tk_acme",
        &json!({"name": "Acme Robotics Group"}),
    )
    .await;
    let (status, body) = tara.check_customer(CUSTOMER_APP_ID).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let changed = trail(&tara, CUSTOMER_APP_ID, "kind=tenant_changed").await;
    assert_eq!(lines(&changed), ["tenant_changed: Tara Lin"]);
    assert!(
        changed[0].to_string().contains("Acme Robotics Group"),
        "{}",
        changed[0]
    );

    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    assert_eq!(ana.logout_everywhere(CUSTOMER_APP_ID).await, StatusCode::OK);
    assert_eq!(
        lines(&trail(&tara, CUSTOMER_APP_ID, "kind=signed_out_everywhere").await),
        ["signed_out_everywhere: Ana Ortiz"]
    );

    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    let ben_id = t.open_id(CUSTOMER_APP_ID, "ben").await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let (status, body) = tara
        .remove_member(PROVIDER_APP_ID, &group, CUSTOMER_APP_ID, &ben_id)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ended = trail(&tara, CUSTOMER_APP_ID, "kind=sessions_ended").await;
    assert_eq!(lines(&ended), ["sessions_ended: Tara Lin"]);
    assert!(ended[0].to_string().contains(&ben_id), "{}", ended[0]);
    drop(ben);

    let eli = t.signed_in(PROVIDER_APP_ID, "eli").await;
    let (status, body) = eli.set_duty(false).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (duty, _) = t
        .stack
        .ctx
        .store
        .org_audit(
            &app(PROVIDER_APP_ID),
            0,
            i64::MAX / 2,
            Some(tamlink::domain::audit::AuditKind::DutyChanged),
            10,
        )
        .await
        .unwrap();
    assert_eq!(duty.len(), 1, "{duty:?}");
    assert_eq!(duty[0].actor.name, "Eli Novak");
    assert_eq!(
        (
            duty[0].changes[0].before.as_deref(),
            duty[0].changes[0].after.as_deref()
        ),
        (Some("true"), Some("false"))
    );
}
