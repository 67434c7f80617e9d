//! Lark and Feishu from one deployment: a Feishu organisation is registered (its brand found by
//! asking Lark, then Feishu), its people sign in on Feishu's accounts host and get their cards
//! through Feishu's Open API, while a Lark organisation works at the same time; the sandbox
//! proves that no other call went to the wrong brand.

use reqwest::StatusCode;
use serde_json::{json, Value};
use tamlink_tests::*;

const LOTUS_APP_ID: &str = FEISHU_APP_ID;

async fn wrong_brand_calls(t: &TestStack) -> Vec<Value> {
    t.sandbox_get("/_sandbox/wrong_brand").await["calls"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_feishu_organisation_works_beside_a_lark_one_and_no_call_goes_to_the_wrong_brand() {
    let t = TestStack::demo().await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;

    // Registered without naming a brand: Lark does not know the app, Feishu does.
    let (status, body) = tara
        .register_customer(&registration(
            "莲花半导体",
            LOTUS_APP_ID,
            secret(LOTUS_APP_ID),
        ))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["brand"], "feishu", "{body}");
    assert_eq!(body["display_id"], "F500000005");
    assert_eq!(body["ready"], true, "{body}");
    // The App Secret reached Lark exactly once: the one token call that found it unknown.
    let calls = wrong_brand_calls(&t).await;
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(
        calls[0]["path"],
        "/open-apis/auth/v3/tenant_access_token/internal"
    );
    let (status, body) = tara.activate_customer(LOTUS_APP_ID).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let lotus_group = t.service_group(LOTUS_APP_ID).await;
    let acme_group = t.service_group(CUSTOMER_APP_ID).await;

    // Wei signs in on Feishu's accounts host while Ana signs in on Lark's.
    let wei = t.browser();
    let ana = t.browser();
    let (lotus_page, acme_page) = (
        format!("/lark/{LOTUS_APP_ID}/workbench"),
        format!("/lark/{CUSTOMER_APP_ID}/workbench"),
    );
    let (to_feishu, to_lark) = tokio::join!(wei.get(&lotus_page), ana.get(&acme_page));
    assert!(
        to_feishu.url.as_str().starts_with(&t.stack.feishu_url),
        "{}",
        to_feishu.url
    );
    assert!(
        to_lark.url.as_str().starts_with(&t.stack.sandbox_url),
        "{}",
        to_lark.url
    );
    let (wei_page, ana_page) =
        tokio::join!(wei.consent(&to_feishu, "wei"), ana.consent(&to_lark, "ana"));
    assert_eq!(wei_page.status, StatusCode::OK, "{}", wei_page.body);
    assert_eq!(ana_page.status, StatusCode::OK, "{}", ana_page.body);
    wei_page.assert_contains("莲花半导体");
    let fang = t.signed_in(LOTUS_APP_ID, "fang").await;

    // Both organisations talk at once; each mentions a colleague and the TAM.
    let mention = |app: &str, open_id: String| json!({"app_id": app, "open_id": open_id});
    let wei_says = json!({
        "text": "芯片测试集群无法启动",
        "mentions": [
            mention(LOTUS_APP_ID, t.open_id(LOTUS_APP_ID, "fang").await),
            mention(PROVIDER_APP_ID, t.open_id(PROVIDER_APP_ID, "tara").await),
        ]
    });
    let ana_says = json!({
        "text": "robots are down",
        "mentions": [mention(CUSTOMER_APP_ID, t.open_id(CUSTOMER_APP_ID, "ben").await)]
    });
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    let ((s1, b1), (s2, b2)) = tokio::join!(
        wei.post_message(LOTUS_APP_ID, &lotus_group, &wei_says),
        ana.post_message(CUSTOMER_APP_ID, &acme_group, &ana_says),
    );
    assert_eq!(s1, StatusCode::CREATED, "{b1}");
    assert_eq!(s2, StatusCode::CREATED, "{b2}");
    t.deliver().await;

    // Fang's card came through Feishu, with a button that opens the page in Feishu's client.
    let fang_dms = t.dms(LOTUS_APP_ID, "fang").await;
    assert_eq!(fang_dms.len(), 1, "{fang_dms:?}");
    assert_eq!(fang_dms[0]["brand"], "feishu");
    let card = fang_dms[0]["content"].to_string();
    assert!(card.contains("芯片测试集群无法启动"), "{card}");
    assert!(
        card.contains("https://applink.feishu.cn/client/web_app/open"),
        "{card}"
    );
    assert!(!card.contains("applink.larksuite.com"), "{card}");
    // Tara (the provider's Lark app) and Ben (Acme's) heard through Lark.
    let tara_dms = t.dms(PROVIDER_APP_ID, "tara").await;
    assert_eq!(tara_dms.len(), 1, "{tara_dms:?}");
    assert_eq!(tara_dms[0]["brand"], "lark");
    let ben_dms = t.dms(CUSTOMER_APP_ID, "ben").await;
    assert_eq!(ben_dms.len(), 1, "{ben_dms:?}");
    assert_eq!(ben_dms[0]["brand"], "lark");
    assert!(ben_dms[0]["content"]
        .to_string()
        .contains("https://applink.larksuite.com/client/web_app/open"));
    // Fang reads what Wei wrote; nothing but the one detection call ever crossed brands.
    let (status, page) = fang.messages(LOTUS_APP_ID, &lotus_group, "").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.to_string().contains("芯片测试集群无法启动"));
    assert_eq!(wrong_brand_calls(&t).await.len(), 1);
    // Re-checking uses the stored brand: no new call to Lark.
    let (status, body) = tara.check_customer(LOTUS_APP_ID).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(wrong_brand_calls(&t).await.len(), 1);
    drop(ben);
}

#[tokio::test]
async fn registration_names_the_brand_that_refused_or_both() {
    let t = TestStack::with_provider().await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    // A brand given is the only one asked: Lark does not know Lotus's app.
    let mut reg = registration("Lotus", LOTUS_APP_ID, secret(LOTUS_APP_ID));
    reg["brand"] = json!("lark");
    let (status, body) = tara.register_customer(&reg).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let msg = body["message"].as_str().unwrap_or_default().to_owned();
    assert!(
        msg.starts_with("Lark rejected this App ID and App Secret (code 10014)"),
        "{body}"
    );
    assert!(msg.contains("https://open.larksuite.com/app"), "{body}");
    assert_eq!(wrong_brand_calls(&t).await.len(), 1);
    // A secret neither brand accepts: both codes are reported, nothing is stored.
    let (status, body) = tara
        .register_customer(&registration("Lotus", LOTUS_APP_ID, "not-the-secret"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["message"].as_str().unwrap().split(" Copy").next().unwrap(),
        "Neither Lark nor Feishu accepts this App ID and App Secret (Lark code 10014, Feishu code 10014)."
    );
    assert!(t
        .stack
        .ctx
        .store
        .tenant(&app(LOTUS_APP_ID))
        .await
        .unwrap()
        .is_none());
    // The same refusal for a TAM whose browser reads Chinese (the codes are Lark's).
    let tara_zh = t.browser_in("zh-CN");
    tara_zh.sign_in(PROVIDER_APP_ID, "tara").await;
    let (status, body) = tara_zh
        .register_customer(&registration("Lotus", LOTUS_APP_ID, "not-the-secret"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["message"].as_str().unwrap().starts_with(
            "飞书和 Lark 都不接受此 App ID 和 App Secret（Lark code 10014, Feishu code 10014）"
        ),
        "{body}"
    );
    // An unknown brand is a readable 400.
    reg["brand"] = json!("dingtalk");
    let (status, body) = tara.register_customer(&reg).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body.to_string().contains("expected `lark` or `feishu`"),
        "{body}"
    );
}

#[tokio::test]
async fn the_setup_guide_names_the_brands_console() {
    let t = TestStack::demo().await;
    let b = t.browser();
    let page = b
        .get("/lark/cli_newcustomer42/api/setup?brand=feishu")
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_contains("Your Feishu app's settings")
        .assert_contains("https://open.feishu.cn/app/cli_newcustomer42");
    let lark = b.get("/lark/cli_newcustomer42/api/setup").await;
    lark.assert_contains("Your Lark app's settings")
        .assert_contains("https://open.larksuite.com/app/cli_newcustomer42");
    // A registered organisation's own brand, without asking.
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let (status, body) = tara
        .register_customer(&registration(
            "莲花半导体",
            LOTUS_APP_ID,
            secret(LOTUS_APP_ID),
        ))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        body["setup"]["console_url"],
        "https://open.feishu.cn/app/cli_lotussemicon01"
    );
    let json = b.setup(LOTUS_APP_ID).await;
    assert_eq!(json["brand"], "feishu");
    let bad = b
        .get("/lark/cli_newcustomer42/api/setup?brand=dingtalk")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}
