//! Journey 3: signing in through the guide's routes, and every way a sign-in is refused.

use reqwest::StatusCode;
use tamlink_tests::*;

#[tokio::test]
async fn colleague_signs_in_through_lark_and_lands_on_the_workbench() {
    let t = TestStack::demo().await;
    let steps = t.step_browser();

    let first = steps
        .client
        .get(format!("{}/lark/{CUSTOMER_APP_ID}", t.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::FOUND);
    assert_eq!(
        first.headers()["location"],
        format!("/lark/{CUSTOMER_APP_ID}/workbench")
    );

    let workbench = steps
        .client
        .get(format!("{}/lark/{CUSTOMER_APP_ID}/workbench", t.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(workbench.status(), StatusCode::FOUND);
    let login = workbench.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        login.starts_with(&format!(
            "/thirdparty/lark/{CUSTOMER_APP_ID}/login?return_to="
        )),
        "{login}"
    );

    let to_lark = steps
        .client
        .get(format!("{}{login}", t.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(to_lark.status(), StatusCode::FOUND);
    let authorize = url::Url::parse(to_lark.headers()["location"].to_str().unwrap()).unwrap();
    let q: std::collections::HashMap<_, _> = authorize.query_pairs().into_owned().collect();
    assert_eq!(q["client_id"], CUSTOMER_APP_ID);
    assert_eq!(
        q["redirect_uri"],
        format!(
            "{}/thirdparty/lark/{CUSTOMER_APP_ID}/oauth2/callback",
            t.base()
        )
    );
    assert!(!q["state"].is_empty());

    let browser = t.browser();
    let page = browser.sign_in(CUSTOMER_APP_ID, "ana").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.url.path(),
        format!("/lark/{CUSTOMER_APP_ID}/workbench")
    );
    page.assert_contains("Acme Robotics")
        .assert_contains("Ana Ortiz");

    // The session sticks: the next visit goes straight in.
    let again = browser
        .get(&format!("/lark/{CUSTOMER_APP_ID}/workbench"))
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(
        again.url.path(),
        format!("/lark/{CUSTOMER_APP_ID}/workbench")
    );
}

#[tokio::test]
async fn session_cookie_is_http_only_and_scoped_to_the_app() {
    let t = TestStack::demo().await;
    let steps = t.step_browser();
    let login = steps.login_until_callback(CUSTOMER_APP_ID, "ben").await;
    let login_cookie = login.login_cookie;
    assert!(
        login_cookie.contains("HttpOnly") && login_cookie.contains("SameSite=Lax"),
        "{login_cookie}"
    );
    let callback = login.callback;
    let done = steps.client.get(&callback).send().await.unwrap();
    assert_eq!(done.status(), StatusCode::FOUND);
    let cookies: Vec<String> = done
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("tl_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains(&format!("Path=/lark/{CUSTOMER_APP_ID}")),
        "{session}"
    );
}

#[tokio::test]
async fn person_from_another_organisation_is_refused() {
    let t = TestStack::demo().await;
    let page = t.browser().sign_in(CUSTOMER_APP_ID, "ivy").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    page.assert_contains("This app is for members of Acme Robotics");
    // And they did not get a session.
    let again = t
        .browser()
        .get(&format!("/lark/{CUSTOMER_APP_ID}/workbench"))
        .await;
    assert!(again
        .url
        .as_str()
        .contains("/open-apis/authen/v1/authorize"));
}

#[tokio::test]
async fn oauth_state_is_single_use_and_bound_to_the_browser_that_started_it() {
    let t = TestStack::demo().await;
    let steps = t.step_browser();
    let login = steps.login_until_callback(CUSTOMER_APP_ID, "ana").await;
    let login_cookie = login.login_cookie.split(';').next().unwrap().to_owned();
    let callback = login.callback;

    // An attacker's browser replaying the victim's callback link (login CSRF) is refused.
    let other = t.step_browser();
    let csrf = other.get_url(&callback).await;
    assert_eq!(csrf.status, StatusCode::BAD_REQUEST);
    csrf.assert_contains("started in another browser");

    // The real browser gets in once…
    let first = steps.client.get(&callback).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::FOUND);
    // …and the same link cannot be used again, even with the original login cookie replayed.
    let replay = reqwest::Client::new()
        .get(&callback)
        .header("cookie", &login_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
    assert!(replay.text().await.unwrap().contains("already been used"));
}

#[tokio::test]
async fn broken_cancelled_and_tampered_callbacks_get_readable_pages() {
    let t = TestStack::demo().await;
    let b = t.browser();
    let base = format!("/thirdparty/lark/{CUSTOMER_APP_ID}/oauth2/callback");
    let cancelled = b.get(&format!("{base}?error=access_denied&state=x")).await;
    assert_eq!(cancelled.status, StatusCode::UNAUTHORIZED);
    cancelled.assert_contains("Sign-in was cancelled");
    let missing = b.get(&base).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    missing.assert_contains("incomplete");
    let tampered = b
        .get(&format!("{base}?code=abc&state=eyJhcHBfaWQiOiJ4In0.c2ln"))
        .await;
    assert_eq!(tampered.status, StatusCode::BAD_REQUEST);
    tampered.assert_contains("not valid");
}

#[tokio::test]
async fn expired_sign_in_attempt_is_refused() {
    let t = TestStack::demo().await;
    let b = t.browser();
    let authorize = b.get(&format!("/lark/{CUSTOMER_APP_ID}/workbench")).await;
    t.clock.advance(11 * 60);
    let page = b.consent(&authorize, "ana").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    page.assert_contains("expired");
}

#[tokio::test]
async fn return_to_never_leaves_the_app() {
    let t = TestStack::demo().await;
    let b = t.browser();
    let authorize = b
        .get(&format!(
            "/thirdparty/lark/{CUSTOMER_APP_ID}/login?return_to=https%3A%2F%2Fevil.example%2F"
        ))
        .await;
    let page = b.consent(&authorize, "ana").await;
    assert_eq!(page.url.host_str(), Some("127.0.0.1"));
    assert_eq!(
        page.url.path(),
        format!("/lark/{CUSTOMER_APP_ID}/workbench")
    );
}

#[tokio::test]
async fn return_to_with_encoded_dot_segments_stays_in_the_app() {
    let t = TestStack::demo().await;
    let b = t.browser();
    // `.%2e` is `..` to a browser: this would land on another app's workbench.
    let authorize = b
        .get(&format!(
            "/thirdparty/lark/{CUSTOMER_APP_ID}/login?return_to=%2Flark%2F{CUSTOMER_APP_ID}%2F.%252e%2F{PROVIDER_APP_ID}%2Fworkbench"
        ))
        .await;
    let page = b.consent(&authorize, "ana").await;
    assert_eq!(
        page.url.path(),
        format!("/lark/{CUSTOMER_APP_ID}/workbench")
    );
}

#[tokio::test]
async fn sessions_expire_and_do_not_carry_over_to_another_app() {
    let t = TestStack::demo().await;
    let b = t.signed_in(CUSTOMER_APP_ID, "ana").await;

    // A valid Acme session presented as the provider app's session is worthless.
    let acme_session = b
        .cookie(&format!("/lark/{CUSTOMER_APP_ID}/workbench"), "tl_session")
        .expect("session");
    let forged = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = forged
        .get(format!("{}/lark/{PROVIDER_APP_ID}/workbench", t.base()))
        .header("cookie", format!("tl_session={acme_session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::FOUND,
        "a session for another app must send the browser to sign in"
    );
    assert!(resp.headers()["location"]
        .to_str()
        .unwrap()
        .contains("/login"));

    t.clock.advance(13 * 3600);
    let later = b.get(&format!("/lark/{CUSTOMER_APP_ID}/workbench")).await;
    assert!(
        later
            .url
            .as_str()
            .contains("/open-apis/authen/v1/authorize"),
        "expired session still accepted: {}",
        later.url
    );
}

#[tokio::test]
async fn person_who_is_not_staff_cannot_enter_the_console() {
    let t = TestStack::demo().await;
    let page = t.browser().sign_in(PROVIDER_APP_ID, "nina").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    page.assert_contains("not registered as staff");
}

/// Anyone may start a sign-in, so starting one costs no write (the state is signed and carries
/// what the callback needs); a callback writes only once Lark accepted its code. The one write a
/// stranger can cause is the fair-share counter, once a client has started more sign-ins in a
/// minute than an instance admits for free, and it stops when the client's share is spent.
#[tokio::test]
async fn starting_a_sign_in_writes_nothing_and_a_refused_callback_neither() {
    use tamlink::domain::limits::SIGN_IN_PER_CLIENT;
    let t = TestStack::demo().await;
    let b = t.step_browser();
    let writes = |calls: &[String]| {
        calls
            .iter()
            .filter(|c| !c.ends_with("GetItem") && !c.ends_with("Query"))
            .cloned()
            .collect::<Vec<_>>()
    };
    let (status, calls) = t
        .step_browser_at("127.0.0.9")
        .aws_calls(
            reqwest::Method::GET,
            &format!(
                "/thirdparty/lark/{CUSTOMER_APP_ID}/oauth2/callback?code=x&state=eyJ4IjoxfQ.c2ln"
            ),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(calls.is_empty(), "{calls:?}");
    let login = format!("/thirdparty/lark/{CUSTOMER_APP_ID}/login");
    for _ in 0..SIGN_IN_PER_CLIENT.free_per_instance() {
        let (status, calls) = b.aws_calls(reqwest::Method::GET, &login, None).await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(writes(&calls), Vec::<String>::new(), "{calls:?}");
    }
    let mut counted = 0;
    loop {
        let (status, calls) = b.aws_calls(reqwest::Method::GET, &login, None).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            // The share is spent: refused at once, without asking DynamoDB again.
            assert_eq!(
                writes(&calls),
                ["dynamodb:UpdateItem"],
                "the request that found it full"
            );
            let (status, calls) = b.aws_calls(reqwest::Method::GET, &login, None).await;
            assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
            assert!(calls.is_empty(), "{calls:?}");
            break;
        }
        assert_eq!(status, StatusCode::FOUND);
        // The client's counter (and the organisation's, once it too is past its free share).
        let w = writes(&calls);
        assert!(
            !w.is_empty() && w.iter().all(|c| c == "dynamodb:UpdateItem"),
            "the counters, only: {calls:?}"
        );
        counted += 1;
    }
    assert_eq!(
        counted + SIGN_IN_PER_CLIENT.free_per_instance(),
        SIGN_IN_PER_CLIENT.per_minute
    );
}

/// HTTP API throttles one bucket per route for every organisation together, so tamlink holds
/// each organisation, and each client of it, to its own share: one client flooding an
/// organisation's sign-in is stopped at its share, and many clients flooding it at the
/// organisation's; other clients and other organisations sign in all the while.
#[tokio::test]
async fn a_flood_of_one_organisations_sign_in_leaves_the_others_signing_in() {
    use tamlink::domain::limits::{SIGN_IN_PER_APP, SIGN_IN_PER_CLIENT};
    let t = TestStack::demo().await;
    let acme = format!("/thirdparty/lark/{CUSTOMER_APP_ID}/login");
    let provider = format!("/thirdparty/lark/{PROVIDER_APP_ID}/login");
    let flooder = t.step_browser_at("127.0.0.2");
    let mut admitted = 0;
    for _ in 0..SIGN_IN_PER_CLIENT.per_minute + 5 {
        if flooder.get(&acme).await.status == StatusCode::FOUND {
            admitted += 1;
        }
    }
    assert_eq!(
        admitted, SIGN_IN_PER_CLIENT.per_minute,
        "one client's share"
    );
    let refused = flooder
        .client
        .get(format!("{}{acme}", t.base()))
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: i64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let body = refused.text().await.unwrap();
    assert!(body.contains("此组织当前登录请求过多"), "{body}");
    // The same client still signs in to another organisation; another client to this one.
    assert_eq!(flooder.get(&provider).await.status, StatusCode::FOUND);
    assert_eq!(
        t.step_browser_at("127.0.0.3").get(&acme).await.status,
        StatusCode::FOUND
    );

    // Many clients together spend the organisation's share ...
    let mut spent = admitted + 1;
    let mut client = 10;
    while spent < SIGN_IN_PER_APP.per_minute {
        let b = t.step_browser_at(&format!("127.0.1.{client}"));
        for _ in 0..SIGN_IN_PER_CLIENT.per_minute / 2 {
            if b.get(&acme).await.status == StatusCode::FOUND {
                spent += 1;
            }
        }
        client += 1;
    }
    let fresh = t.step_browser_at("127.0.2.1");
    let page = fresh.get(&acme).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        page.text.contains("Too many sign-ins to this organisation"),
        "{}",
        page.text
    );
    // ... and another organisation's people sign in as ever, the whole way through Lark.
    let staff = t.browser();
    let landed = staff.sign_in(PROVIDER_APP_ID, "tara").await;
    assert_eq!(landed.status, StatusCode::OK);
    assert!(landed.url.path().ends_with("/workbench"), "{}", landed.url);
    // A minute on, the organisation signs in again.
    t.clock.advance(60);
    assert_eq!(fresh.get(&acme).await.status, StatusCode::FOUND);
}

/// One sign-in state carries one code to Lark, ever: the state is burnt before Lark is asked, so
/// made-up codes cannot ride on it to Lark (each with the App Secret) again and again, and a code
/// that cannot be Lark's is refused before anything is called or written.
#[tokio::test]
async fn a_sign_in_state_takes_one_code_to_lark_and_junk_codes_none() {
    let t = TestStack::demo().await;
    let steps = t.step_browser();
    let login = steps.login_until_callback(CUSTOMER_APP_ID, "ana").await;
    let callback = url::Url::parse(&login.callback).unwrap();
    let with_code = |code: &str| {
        let mut u = callback.clone();
        let state = u
            .query_pairs()
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.into_owned())
            .unwrap();
        u.query_pairs_mut()
            .clear()
            .append_pair("code", code)
            .append_pair("state", &state);
        u.path().to_owned() + "?" + u.query().unwrap()
    };
    let lark_calls = || t.sandbox_calls_to("oauth/token");
    let before = lark_calls().await;
    // Not a code Lark gives: refused at once.
    for junk in ["<script>", "a b", &"x".repeat(600)] {
        let (status, calls) = steps
            .aws_calls(reqwest::Method::GET, &with_code(junk), None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{junk}");
        assert!(calls.is_empty(), "{junk}: {calls:?}");
    }
    assert_eq!(lark_calls().await, before, "no code went to Lark");
    // A made-up code of the right shape goes to Lark once and burns the state...
    let first = steps.get(&with_code("madeUpCode-1")).await;
    assert_eq!(first.status, StatusCode::BAD_REQUEST, "{}", first.text);
    assert_eq!(lark_calls().await, before + 1);
    // ... so the next rides nowhere, and neither does the real one.
    for code in ["madeUpCode-2", ""] {
        let url = if code.is_empty() {
            callback.path().to_owned() + "?" + callback.query().unwrap()
        } else {
            with_code(code)
        };
        let page = steps.get(&url).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        page.assert_contains("already been used");
    }
    assert_eq!(lark_calls().await, before + 1);
}

/// An instance opens an app's App Secret with KMS once: later sign-ins to the same organisation
/// ask KMS nothing.
#[tokio::test]
async fn an_instance_opens_an_apps_secret_once() {
    let t = TestStack::demo().await;
    let mut decrypts = Vec::new();
    for who in ["ana", "ben", "ana"] {
        let b = t.step_browser();
        let login = b.login_until_callback(CUSTOMER_APP_ID, who).await;
        let path = login.callback.trim_start_matches(t.base()).to_owned();
        let (status, calls) = b.aws_calls(reqwest::Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::FOUND, "{who}: {calls:?}");
        decrypts.push(calls.iter().filter(|c| *c == "kms:Decrypt").count());
    }
    assert!(decrypts[0] <= 1, "{decrypts:?}");
    assert_eq!(decrypts[1..], [0, 0], "{decrypts:?}");
}

/// Lark's callback address is held to the same shares: a client sending it made-up sign-ins is
/// refused for each (nothing sent to Lark), and past its share refused at once.
#[tokio::test]
async fn made_up_callbacks_stop_at_the_clients_share() {
    use tamlink::domain::limits::SIGN_IN_PER_CLIENT;
    let t = TestStack::demo().await;
    let junk =
        format!("/thirdparty/lark/{CUSTOMER_APP_ID}/oauth2/callback?code=x&state=eyJ4IjoxfQ.c2ln");
    let caller = t.step_browser_at("127.0.0.4");
    for _ in 0..SIGN_IN_PER_CLIENT.per_minute {
        assert_eq!(caller.get(&junk).await.status, StatusCode::BAD_REQUEST);
    }
    let page = caller.get(&junk).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    page.assert_contains("Too many sign-ins to this organisation");
    // Another client's sign-in goes through.
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    assert_eq!(ana.groups(CUSTOMER_APP_ID).await.0, StatusCode::OK);
}
