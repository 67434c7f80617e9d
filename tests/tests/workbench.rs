//! Journey 4: the workbench a colleague sees, and the pages for what does not exist yet.

use reqwest::StatusCode;
use tamlink_tests::*;

#[tokio::test]
async fn workbench_shows_org_identity_service_group_participants_and_tickets() {
    let t = TestStack::demo().await;
    let ana = t.browser();
    let page = ana.sign_in(CUSTOMER_APP_ID, "ana").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Acme Robotics")
        .assert_contains("F200000002")
        .assert_contains(&format!(
            "{}/_sandbox/avatar/tk_acme.svg",
            t.stack.sandbox_url
        ))
        .assert_contains("Service active")
        .assert_contains("Acme Robotics · Enterprise Service")
        .assert_contains("Tara Lin")
        .assert_contains("Eli Novak")
        .assert_contains("No tickets yet");

    // Ben signs in later and joins the service group automatically; Ana sees him.
    t.browser()
        .sign_in(CUSTOMER_APP_ID, "ben")
        .await
        .assert_contains("Ben Brooks");
    let page = ana.get(&format!("/lark/{CUSTOMER_APP_ID}/workbench")).await;
    let colleagues = page
        .text
        .split("id=\"colleagues\"")
        .nth(1)
        .unwrap()
        .split("</ul>")
        .next()
        .unwrap();
    assert!(
        colleagues.contains("Ana Ortiz") && colleagues.contains("Ben Brooks"),
        "{colleagues}"
    );
    let service = page
        .text
        .split("id=\"service-team\"")
        .nth(1)
        .unwrap()
        .split("</ul>")
        .next()
        .unwrap();
    assert!(
        service.contains("Tara Lin") && !service.contains("Ana Ortiz"),
        "{service}"
    );
}

#[tokio::test]
async fn names_from_lark_are_escaped_on_the_page() {
    let t = TestStack::with_provider().await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let name = "<img src=x onerror=alert(1)> Acme";
    let (status, body) = tara
        .register_customer(&registration(
            name,
            CUSTOMER_APP_ID,
            secret(CUSTOMER_APP_ID),
        ))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let console = tara
        .get(&format!("/lark/{PROVIDER_APP_ID}/workbench"))
        .await;
    assert!(
        !console.body.contains("<img src=x"),
        "markup was not escaped"
    );
    assert!(
        console
            .body
            .contains("&lt;img src=x onerror=alert(1)&gt; Acme"),
        "the name is shown as text"
    );
}

#[tokio::test]
async fn unknown_apps_bad_ids_and_unknown_routes_get_readable_4xx_pages() {
    let t = TestStack::demo().await;
    let b = t.browser();
    let unknown = b.get("/lark/cli_nobodyhere/workbench").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    unknown.assert_contains("No organisation is registered for the Lark app cli_nobodyhere");
    let bad = b.get("/lark/%3Cscript%3E/workbench").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    // The bad id is named as text, never as markup (the page's own script aside).
    bad.assert_contains("is not a valid Lark App ID");
    assert_eq!(bad.body.matches("<script").count(), 1, "{}", bad.body);
    let login = b.get("/thirdparty/lark/cli_nobodyhere/login").await;
    assert_eq!(login.status, StatusCode::NOT_FOUND);
    let invite = b
        .get(&format!(
            "/lark/{CUSTOMER_APP_ID}/person/inviteToGroup?token=x"
        ))
        .await;
    assert_eq!(invite.status, StatusCode::BAD_REQUEST);
    invite.assert_contains("This invitation link is not valid");
    let nowhere = b
        .client
        .get(format!("{}/nowhere", t.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(nowhere.status(), StatusCode::NOT_FOUND);
    let method = b
        .client
        .delete(format!("{}/lark/{CUSTOMER_APP_ID}/workbench", t.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(method.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let t = TestStack::demo().await;
    let b = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    assert_eq!(b.logout(CUSTOMER_APP_ID).await, StatusCode::OK);
    let after = b.get(&format!("/lark/{CUSTOMER_APP_ID}/workbench")).await;
    assert!(after
        .url
        .as_str()
        .contains("/open-apis/authen/v1/authorize"));
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = ana
        .client
        .get(format!("{}/lark/{CUSTOMER_APP_ID}/workbench", t.base()))
        .send()
        .await
        .unwrap();
    let json = ana
        .client
        .get(format!("{}/lark/{CUSTOMER_APP_ID}/api/groups", t.base()))
        .send()
        .await
        .unwrap();
    let redirect = no_redirects
        .get(format!("{}/lark/{CUSTOMER_APP_ID}", t.base()))
        .send()
        .await
        .unwrap();
    let refused = no_redirects
        .get(format!("{}/lark/{CUSTOMER_APP_ID}/api/groups", t.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), StatusCode::FOUND);
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    for (what, resp) in [
        ("page", &page),
        ("json", &json),
        ("redirect", &redirect),
        ("401", &refused),
    ] {
        let h = resp.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
        assert_eq!(h["referrer-policy"], "same-origin", "{what}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'self'"), "{what}: {csp}");
        assert!(
            !csp.contains('*') || csp.contains("larksuite.com"),
            "{what}: {csp}"
        );
    }
}

/// The nonce a page's Content-Security-Policy allows scripts with, and the page's markup.
async fn page_and_nonce(b: &Browser, url: &str) -> (String, String, String) {
    let resp = b.client.get(url).send().await.unwrap();
    let csp = resp.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("no nonce in {csp}"))
        .to_owned();
    (csp, nonce, resp.text().await.unwrap())
}

#[tokio::test]
async fn a_pages_scripts_run_only_with_its_own_fresh_nonce_and_a_typed_script_does_not() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    // Something that looks like a script, typed into the chat, is on the page as text only; and
    // it could not run anyway: the policy allows the page's own nonce and nothing inline.
    let group = t.service_group(CUSTOMER_APP_ID).await;
    ana.say(CUSTOMER_APP_ID, &group, "<script>alert(1)</script>")
        .await;
    let url = format!(
        "{}/lark/{CUSTOMER_APP_ID}/workbench?group={group}",
        t.base()
    );
    let (csp, nonce, body) = page_and_nonce(&ana, &url).await;
    for directive in [
        "default-src 'self'",
        &format!("script-src 'nonce-{nonce}';"),
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self' https://*.larksuite.com",
    ] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(!csp.contains("script-src 'unsafe-inline'"), "{csp}");
    // The chat socket's origin is the one other place the page may connect to.
    let socket = t
        .stack
        .ctx
        .settings
        .socket_url
        .clone()
        .expect("the local stack has a socket");
    let origin = url::Url::parse(&socket)
        .unwrap()
        .origin()
        .ascii_serialization();
    assert!(
        csp.contains(&format!("connect-src 'self' {origin}")),
        "{csp}"
    );
    // Every script element of the page carries the nonce; none of them is the typed one.
    let scripts = body.matches("<script").count();
    assert!(scripts >= 1);
    assert_eq!(
        body.matches(&format!("<script nonce=\"{nonce}\">")).count(),
        scripts,
        "every script is the page's own"
    );
    assert!(!body.contains("<script>alert(1)</script>"));
    // A new response, a new nonce (128 random bits).
    let (_, again, _) = page_and_nonce(&ana, &url).await;
    assert_ne!(nonce, again);
    assert_eq!(nonce.len(), 22, "16 bytes, base64 without padding");
}

#[tokio::test]
async fn the_gateways_own_refusals_are_json_with_allow_and_the_security_headers() {
    let t = TestStack::demo().await;
    let client = reqwest::Client::new();
    let wrong = client
        .delete(format!("{}/lark/{CUSTOMER_APP_ID}/workbench", t.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong.headers()["allow"], "GET");
    let missing = client
        .get(format!("{}/nowhere", t.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    for resp in [&wrong, &missing] {
        assert_eq!(resp.headers()["content-type"], "application/json");
        assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    }
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["message"], "Not Found");
}
