//! Journeys 1 and 2: a TAM registers customers from the staff console (verified against Lark,
//! with a checklist and exact fixes), re-checks, and activates; plus the setup values page.

use reqwest::StatusCode;
use serde_json::{json, Value};
use tamlink_tests::*;

fn failed(checklist: &Value) -> Vec<String> {
    checklist
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] == false)
        .map(|c| c["key"].as_str().unwrap().to_owned())
        .collect()
}

async fn tam(t: &TestStack) -> Browser {
    let b = t.browser();
    let console = b.sign_in(PROVIDER_APP_ID, "tara").await;
    assert_eq!(console.status, StatusCode::OK, "{}", console.body);
    console
        .assert_contains("Staff console")
        .assert_contains("Register a customer");
    b
}

#[tokio::test]
async fn tam_registers_a_correctly_configured_customer_and_activates_it() {
    let t = TestStack::with_provider().await;
    let b = tam(&t).await;
    let (status, body) = b
        .register_customer(&registration(
            "Acme Robotics",
            CUSTOMER_APP_ID,
            secret(CUSTOMER_APP_ID),
        ))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["ready"], true, "{body}");
    assert_eq!(body["status"], "registered");
    assert_eq!(body["display_id"], "F200000002");
    assert!(failed(&body["checklist"]).is_empty(), "{body}");
    // Acme's app sends its card callbacks here (the sandbox reports the request URL).
    let callback = body["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "callback")
        .unwrap()
        .clone();
    assert_eq!(callback["passed"], true, "{callback}");
    assert_eq!(callback["blocking"], false);
    assert_eq!(
        callback["label"],
        "Card callbacks come to this deployment (optional)"
    );
    assert!(
        !body.to_string().contains(secret(CUSTOMER_APP_ID)),
        "secret leaked into the response"
    );

    // At rest the App Secret is ciphertext, not the plaintext.
    let stored = t
        .stack
        .ctx
        .store
        .tenant(&app(CUSTOMER_APP_ID))
        .await
        .unwrap()
        .unwrap();
    assert!(!stored.secret_sealed.contains(secret(CUSTOMER_APP_ID)));
    assert!(!stored.secret_sealed.is_empty());

    let (status, body) = b.activate_customer(CUSTOMER_APP_ID).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "active");
    let group = body["service_group_id"].as_str().unwrap();
    let members = t
        .stack
        .ctx
        .store
        .members(&tamlink::ids::GroupId::parse(group).unwrap())
        .await
        .unwrap();
    let mut names: Vec<_> = members.iter().map(|m| m.name.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        ["Eli Novak", "Erin Park", "Tara Lin"],
        "TAM and the plan's engineers are in the service group"
    );

    let (status, body) = b.activate_customer(CUSTOMER_APP_ID).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    // The console lists the organisation as active.
    let console = b.get(&format!("/lark/{PROVIDER_APP_ID}/workbench")).await;
    console
        .assert_contains("Acme Robotics")
        .assert_contains("Active");
}

#[tokio::test]
async fn registration_and_recheck_calls_count_in_the_organisations_budget_as_lark_counts_them() {
    let t = TestStack::with_provider().await;
    let b = tam(&t).await;
    let (status, body) = b
        .register_customer(&registration(
            "Acme Robotics",
            CUSTOMER_APP_ID,
            secret(CUSTOMER_APP_ID),
        ))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = b.check_customer(CUSTOMER_APP_ID).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let lark_counted = t.lark_counted(CUSTOMER_APP_ID).await;
    assert!(lark_counted > 0);
    let ours = t.calls_counted(CUSTOMER_APP_ID).await;
    assert_eq!(ours, lark_counted, "tamlink's count matches Lark's");
}

#[tokio::test]
async fn wrong_secret_is_refused_clearly_and_nothing_is_stored() {
    let t = TestStack::with_provider().await;
    let b = tam(&t).await;
    let (status, body) = b
        .register_customer(&registration(
            "Acme Robotics",
            CUSTOMER_APP_ID,
            "not-the-secret",
        ))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = body["message"].as_str().unwrap();
    // With no brand given, both brands were asked; neither knows this secret.
    assert!(
        msg.starts_with("Neither Lark nor Feishu accepts this App ID and App Secret"),
        "{msg}"
    );
    assert!(!msg.contains("not-the-secret"));
    assert!(t
        .stack
        .ctx
        .store
        .tenant(&app(CUSTOMER_APP_ID))
        .await
        .unwrap()
        .is_none());
    // The right secret then works: nothing half-written stood in the way.
    let (status, _) = b
        .register_customer(&registration(
            "Acme Robotics",
            CUSTOMER_APP_ID,
            secret(CUSTOMER_APP_ID),
        ))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = b
        .register_customer(&registration(
            "Acme Robotics",
            CUSTOMER_APP_ID,
            secret(CUSTOMER_APP_ID),
        ))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
}

#[tokio::test]
async fn checklist_finds_a_misconfigured_app_and_names_each_fix() {
    let t = TestStack::with_provider().await;
    let b = tam(&t).await;
    let (status, body) = b
        .register_customer(&registration(
            "Globex",
            MISCONFIGURED_APP_ID,
            secret(MISCONFIGURED_APP_ID),
        ))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["ready"], false);
    let mut failed = failed(&body["checklist"]);
    failed.sort();
    assert_eq!(
        failed,
        [
            "homepage",
            "redirect_urls",
            "scope:cardkit:card:write",
            "tenant_name"
        ]
    );
    let fix = |key: &str| {
        body["checklist"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] == key)
            .unwrap()["fix"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        fix("scope:cardkit:card:write"),
        "Add scope cardkit:card:write in Permissions & Scopes, then publish a new version in Version Management & Release. Developer console: https://open.larksuite.com/app/cli_globexsupport1"
    );
    // Globex has no callbacks: optional, so not a fault, with the hint of how.
    assert!(fix("callback").contains(&format!(
        "{}/lark/{MISCONFIGURED_APP_ID}/callback",
        t.base()
    )));
    assert!(fix("homepage").contains(&format!(
        "{}/lark/{MISCONFIGURED_APP_ID}/workbench",
        t.base()
    )));
    assert!(fix("homepage").contains("it is now https://old-helpdesk.globex.example/lark"));
    assert!(fix("redirect_urls").contains(&format!(
        "{}/thirdparty/lark/{MISCONFIGURED_APP_ID}/oauth2/callback",
        t.base()
    )));
    assert!(fix("tenant_name").contains("Globex Corporation"));

    let (status, body) = b.activate_customer(MISCONFIGURED_APP_ID).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["message"].as_str().unwrap().contains("Re-check"));

    // Re-checking asks Lark again (the answer is the same until the customer fixes the app).
    let before = t.sandbox_get("/_sandbox/calls").await["calls"]
        .as_array()
        .unwrap()
        .len();
    let (status, body) = b.check_customer(MISCONFIGURED_APP_ID).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["ready"], false);
    let after = t.sandbox_get("/_sandbox/calls").await["calls"]
        .as_array()
        .unwrap()
        .len();
    assert!(after > before, "re-check must ask Lark again");

    let console = b.get(&format!("/lark/{PROVIDER_APP_ID}/workbench")).await;
    console
        .assert_contains("Needs fixes")
        .assert_contains("Add scope cardkit:card:write");
}

#[tokio::test]
async fn only_customer_managers_register_and_bad_registrations_get_4xx() {
    let t = TestStack::with_provider().await;
    let eng = t.browser();
    eng.sign_in(PROVIDER_APP_ID, "eli")
        .await
        .assert_contains("Staff console");
    let (status, body) = eng
        .register_customer(&registration(
            "Acme",
            CUSTOMER_APP_ID,
            secret(CUSTOMER_APP_ID),
        ))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    let anonymous = t.browser();
    let (status, _) = anonymous
        .register_customer(&registration(
            "Acme",
            CUSTOMER_APP_ID,
            secret(CUSTOMER_APP_ID),
        ))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let b = tam(&t).await;
    for (body, expected) in [
        (
            json!({"org_name": "", "app_id": CUSTOMER_APP_ID, "app_secret": "x"}),
            "Organisation name is required.",
        ),
        (
            json!({"org_name": "Acme", "app_id": "acme", "app_secret": "x"}),
            "not a valid Lark App ID",
        ),
        (
            json!({"org_name": "Acme", "app_id": CUSTOMER_APP_ID}),
            "missing field `app_secret`",
        ),
    ] {
        let (status, resp) = b.register_customer(&body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} -> {resp}");
        assert!(
            resp["message"].as_str().unwrap().contains(expected),
            "{resp}"
        );
    }
    // Well-formed, but the provider's own app is not a customer: a rule, so 422.
    let (status, resp) = b
        .register_customer(
            &json!({"org_name": "Acme", "app_id": PROVIDER_APP_ID, "app_secret": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{resp}");
    assert!(resp["message"]
        .as_str()
        .unwrap()
        .contains("provider's own app"));
    let raw = b
        .client
        .post(format!("{}/lark/{PROVIDER_APP_ID}/api/customers", t.base()))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
    let form = b
        .client
        .post(format!("{}/lark/{PROVIDER_APP_ID}/api/customers", t.base()))
        .form(&[("org_name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        form.status(),
        StatusCode::BAD_REQUEST,
        "form posts (cross-site) are refused"
    );
    let huge =
        json!({"org_name": "x".repeat(70_000), "app_id": CUSTOMER_APP_ID, "app_secret": "x"});
    let (status, _) = b.register_customer(&huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        t.stack
            .ctx
            .store
            .tenants()
            .await
            .unwrap()
            .iter()
            .all(|t| t.app_id == PROVIDER_APP_ID),
        "nothing was stored"
    );
}

#[tokio::test]
async fn staff_see_only_the_organisations_they_serve() {
    let t = TestStack::with_provider().await;
    let b = tam(&t).await;
    let eng = t.open_id(PROVIDER_APP_ID, "eli").await;
    let reg = json!({"org_name": "Initech", "app_id": OTHER_CUSTOMER_APP_ID, "app_secret": secret(OTHER_CUSTOMER_APP_ID), "engineers": [eng]});
    assert_eq!(b.register_customer(&reg).await.0, StatusCode::CREATED);
    assert_eq!(b.register_customer(&json!({"org_name": "Acme Robotics", "app_id": CUSTOMER_APP_ID, "app_secret": secret(CUSTOMER_APP_ID), "engineers": []})).await.0, StatusCode::CREATED);

    let eli = t.browser();
    let console = eli.sign_in(PROVIDER_APP_ID, "eli").await;
    console.assert_contains("Initech");
    assert!(
        !console.body.contains("Acme Robotics"),
        "Eli does not serve Acme"
    );

    let erin = t.browser();
    let console = erin.sign_in(PROVIDER_APP_ID, "erin").await;
    assert!(!console.body.contains("Initech") && !console.body.contains("Acme Robotics"));

    let mo = t.browser();
    mo.sign_in(PROVIDER_APP_ID, "mo")
        .await
        .assert_contains("Initech")
        .assert_contains("Acme Robotics");
}

#[tokio::test]
async fn setup_page_shows_the_guides_values_for_any_app_id() {
    let t = TestStack::empty().await;
    let b = t.browser();
    let page = b.get("/lark/cli_newcustomer42/api/setup").await;
    assert_eq!(page.status, StatusCode::OK);
    let base = t.base();
    page.assert_contains(&format!("{base}/lark/cli_newcustomer42/workbench"))
        .assert_contains(&format!(
            "{base}/thirdparty/lark/cli_newcustomer42/oauth2/callback"
        ))
        .assert_contains(&format!(
            "{base}/lark/cli_newcustomer42/person/inviteToGroup"
        ))
        .assert_contains("cardkit:card:write");
    let json: Value = b.setup("cli_newcustomer42").await;
    assert_eq!(json["redirect_urls"].as_array().unwrap().len(), 5);
    assert_eq!(json["trusted_domain"], base);
    // The optional extra step: where Lark sends the app's card callbacks.
    let callback = format!("{base}/lark/cli_newcustomer42/callback");
    assert_eq!(json["callback_url"], callback.as_str());
    page.assert_contains("card.action.trigger")
        .assert_contains(&callback);
    let bad = b.get("/lark/not-an-app/api/setup").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    bad.assert_contains("not a valid Lark App ID");
}

#[tokio::test]
async fn the_setup_route_answers_a_json_client_in_json_even_when_refusing() {
    let t = TestStack::with_provider().await;
    let resp = reqwest::Client::new()
        .get(format!("{}/lark/not-an-app/api/setup", t.base()))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let body: Value = resp.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("App ID"),
        "{body}"
    );
    // A browser still gets a page.
    let page = t.browser().get("/lark/not-an-app/api/setup").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    page.assert_contains("<html");
}

/// A re-check takes seconds (it asks Lark); a ticket opened meanwhile keeps its number, and the
/// next one gets the next (the re-check writes only what it checked, never the ticket counter).
#[tokio::test]
async fn a_recheck_while_tickets_are_opened_does_not_undo_their_numbers() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    t.sandbox_post(
        "/_sandbox/faults",
        &json!({"kind": "latency", "latency_ms": 1500, "count": 1, "app_id": CUSTOMER_APP_ID}),
    )
    .await;
    let ticket = json!({"title": "Exports fail", "severity": "sev3"});
    let opened_meanwhile = async {
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        ana.open_ticket(CUSTOMER_APP_ID, &ticket).await
    };
    let ((checked, _), (status, first)) =
        tokio::join!(tara.check_customer(CUSTOMER_APP_ID), opened_meanwhile);
    assert_eq!(checked, StatusCode::OK);
    assert_eq!(
        (status, first["number"].clone()),
        (StatusCode::CREATED, json!(1))
    );
    let (status, second) = ana.open_ticket(CUSTOMER_APP_ID, &ticket).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(second["number"], 2);
}

/// A re-check proves the stored App Secret with a token call of its own: once the customer has
/// reset their secret in Lark's console, the re-check says so, whatever token is cached.
#[tokio::test]
async fn a_recheck_after_the_customer_reset_their_secret_says_so() {
    let t = TestStack::demo().await;
    let b = tam(&t).await;
    let (status, body) = b.check_customer(CUSTOMER_APP_ID).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    t.sandbox_post(
        &format!("/_sandbox/apps/{CUSTOMER_APP_ID}/secret"),
        &json!({"secret": "reset-in-the-console"}),
    )
    .await;
    let (status, body) = b.check_customer(CUSTOMER_APP_ID).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Lark rejected this App ID and App Secret"),
        "{body}"
    );
}

/// The provider's own app is not a customer: no customer route takes it, for a manager neither,
/// so nobody can drop its Encrypt Key, settings or plan from the console (`tamlink-admin` only).
#[tokio::test]
async fn customer_routes_refuse_the_providers_own_app() {
    let t = TestStack::demo().await;
    let mo = t.signed_in(PROVIDER_APP_ID, "mo").await;
    let before = t.tenant(PROVIDER_APP_ID).await;
    let base = format!("/lark/{PROVIDER_APP_ID}/api/customers/{PROVIDER_APP_ID}");
    for (path, body) in [
        (
            "callback-keys",
            Some(json!({"verification_token": "t", "encrypt_key": ""})),
        ),
        ("settings", Some(json!({"display_name": "Nimbus?"}))),
        ("plan", Some(json!({"kind": "free", "share_percent": 90}))),
        ("check", Some(json!({}))),
        ("activate", Some(json!({}))),
        ("report", None),
        ("audit", None),
    ] {
        let (status, answer) = match &body {
            Some(b) => mo.post_json(&format!("{base}/{path}"), b).await,
            None => mo.get_json(&format!("{base}/{path}")).await,
        };
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {answer}");
    }
    let after = t.tenant(PROVIDER_APP_ID).await;
    assert_eq!(
        serde_json::to_value(&before).unwrap(),
        serde_json::to_value(&after).unwrap(),
        "nothing changed"
    );
}

#[tokio::test]
async fn the_provider_app_is_registered_only_with_an_encrypt_key_and_no_lark_call_is_spent_without()
{
    let t = TestStack::demo().await;
    let before = t.sandbox_calls_to("").await;
    let registration = |callback| tamlink::orgs::Registration {
        org_name: "Nimbus Cloud".into(),
        app_id: PROVIDER_APP_ID.into(),
        app_secret: tamlink::config::SecretString::new("whatever"),
        tam: None,
        engineers: None,
        brand: None,
        callback,
    };
    let plain = tamlink::orgs::CallbackInput {
        encrypt_key: None,
        verification_token: tamlink::config::SecretString::new("a-token"),
    };
    for reg in [registration(None), registration(Some(plain))] {
        let err = tamlink::orgs::register_provider(&t.stack.ctx, &reg)
            .await
            .expect_err("refused without an Encrypt Key");
        assert_eq!(err.status().as_u16(), 400);
        assert!(err.to_string().contains("Encrypt Key"), "{err}");
    }
    assert_eq!(
        t.sandbox_calls_to("").await,
        before,
        "nothing asked of Lark"
    );
}
