//! English and Simplified Chinese: pages, JSON errors, chat history and cards in each reader's
//! language; the choice of language (the switcher, remembered per person; else the browser's;
//! else the organisation's); an organisation's default from its app's primary language.

use reqwest::StatusCode;
use serde_json::{json, Value};
use tamlink_tests::*;

fn ticket(title: &str) -> Value {
    json!({"title": title, "description": "Telemetry stopped.", "severity": "sev2"})
}

#[tokio::test]
async fn the_browsers_language_then_the_persons_choice_decide_every_page_and_message() {
    let t = TestStack::demo().await;
    // A Chinese browser, nothing chosen yet: the workbench is Chinese.
    let ana = t.browser_in("zh-CN,zh;q=0.9,en;q=0.8");
    let page = ana.sign_in(CUSTOMER_APP_ID, "ana").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_contains("<html lang=\"zh-CN\">")
        .assert_contains("企业服务工作台")
        .assert_contains("创建工单");
    // JSON refusals too.
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let (status, body) = ana.say_raw(CUSTOMER_APP_ID, &group, "   ").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], "请先输入消息再发送。");
    // An English browser gets English; a language we do not have falls back to English.
    let ben = t.browser_in("en-GB,en;q=0.9");
    ben.sign_in(CUSTOMER_APP_ID, "ben")
        .await
        .assert_contains("<html lang=\"en\">")
        .assert_contains("Enterprise Service Workstation");
    let (_, body) = ben.say_raw(CUSTOMER_APP_ID, &group, "").await;
    assert_eq!(body["message"], "Write a message before sending.");
    let (_, body) = t
        .browser_in("fr-CH, fr;q=0.9")
        .post_json(
            &format!("/lark/{CUSTOMER_APP_ID}/api/language"),
            &json!({"lang": "fr"}),
        )
        .await;
    assert_eq!(
        body["message"],
        "tamlink speaks English (en) and Simplified Chinese (zh-CN), not “fr”."
    );

    // Ben chooses Chinese on his English browser: it wins, and is kept for him.
    let (status, chosen) = ben.choose_language(CUSTOMER_APP_ID, "zh-CN").await;
    assert_eq!(status, StatusCode::OK, "{chosen}");
    assert_eq!(chosen, json!({"lang": "zh-CN", "saved": true}));
    ben.get(&format!("/lark/{CUSTOMER_APP_ID}/workbench"))
        .await
        .assert_contains("<html lang=\"zh-CN\">");
    // His phone (another browser, English) gets the choice when he signs in there.
    let phone = t.browser_in("en-US");
    phone
        .sign_in(CUSTOMER_APP_ID, "ben")
        .await
        .assert_contains("<html lang=\"zh-CN\">")
        .assert_contains("企业服务工作台");
    // The page's own form (no script) goes back to the page it came from.
    let form = phone
        .client
        .post(format!("{}/lark/{CUSTOMER_APP_ID}/api/language", t.base()))
        .header("accept", "text/html")
        .form(&[
            ("lang", "en"),
            (
                "return_to",
                &format!("/lark/{CUSTOMER_APP_ID}/workbench?group={group}"),
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    assert!(
        form.url().as_str().ends_with(&format!("?group={group}")),
        "{}",
        form.url()
    );
    assert!(form.text().await.unwrap().contains("<html lang=\"en\">"));
    let (_, unknown) = phone.choose_language(CUSTOMER_APP_ID, "klingon").await;
    assert_eq!(
        unknown["message"],
        "tamlink speaks English (en) and Simplified Chinese (zh-CN), not “klingon”."
    );
}

#[tokio::test]
async fn system_lines_are_events_shown_in_each_readers_language_even_in_history() {
    let t = TestStack::demo().await;
    let ana = t.browser_in("zh-CN");
    ana.sign_in(CUSTOMER_APP_ID, "ana").await;
    let (status, opened) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("机器人离线"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    let group = opened["group_id"].as_str().unwrap().to_owned();
    let line = |page: &Value| {
        page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["kind"] == "system")
            .map(|m| m["text"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let (_, page) = ana.messages(CUSTOMER_APP_ID, &group, "").await;
    let zh = line(&page);
    assert!(zh.contains("创建了工单 #1"), "{zh}");
    assert!(zh.contains("机器人离线"), "typed text stays as typed: {zh}");
    assert!(!page.to_string().contains("\"event\""), "{page}");
    // Ana switches to English: the same history, re-rendered.
    ana.choose_language(CUSTOMER_APP_ID, "en").await;
    let (_, page) = ana.messages(CUSTOMER_APP_ID, &group, "").await;
    let en = line(&page);
    assert!(en.contains("opened #1"), "{en}");
    assert!(en.contains("机器人离线"), "{en}");
    // The staff console (Tara's browser is Chinese) lists the ticket with Chinese labels.
    let tara = t.browser_in("zh-CN");
    tara.sign_in(PROVIDER_APP_ID, "tara")
        .await
        .assert_contains("员工控制台")
        .assert_contains("S2 · 高")
        .assert_contains("已分派");
}

#[tokio::test]
async fn cards_follow_the_persons_choice_else_carry_every_language_with_the_orgs_first() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    ana.choose_language(CUSTOMER_APP_ID, "zh-CN").await;
    let (_, opened) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("Robots offline"))
        .await;
    t.deliver().await;
    // Ana chose Chinese: her card is Chinese only, whatever her Lark client's language.
    let cards = t.cards(CUSTOMER_APP_ID, "ana").await;
    let card = cards.last().unwrap();
    assert_eq!(
        card["header"]["title"]["content"],
        format!(
            "工单 #1 已创建：{} 正在处理",
            opened["assignee"].as_str().unwrap()
        )
    );
    assert!(
        card["header"]["title"].get("i18n_content").is_none(),
        "{card}"
    );
    // The engineer chose nothing: every language, English first (the provider's default).
    let user = assignee_user(&opened);
    let cards = t.cards(PROVIDER_APP_ID, user).await;
    let title = &cards.last().unwrap()["header"]["title"];
    assert!(
        title["content"]
            .as_str()
            .unwrap()
            .contains("assigned to you"),
        "{title}"
    );
    assert!(
        title["i18n_content"]["zh_cn"]
            .as_str()
            .unwrap()
            .contains("已分派给你"),
        "{title}"
    );
    assert_eq!(
        cards.last().unwrap()["config"]["locales"],
        json!(["en_us", "zh_cn"])
    );

    // The TAM makes Chinese Acme's default: Ben (nothing chosen) now gets Chinese first.
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    // (Staff choose for themselves as colleagues do.)
    let (status, chosen) = tara.choose_language(PROVIDER_APP_ID, "en").await;
    assert_eq!(
        (status, chosen["saved"].clone()),
        (StatusCode::OK, json!(true))
    );
    let (status, view) = tara
        .post_json(
            &format!("/lark/{PROVIDER_APP_ID}/api/customers/{CUSTOMER_APP_ID}/settings"),
            &json!({"lang": "zh-CN"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["lang"], "zh-CN");
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ben_id = t.open_id(CUSTOMER_APP_ID, "ben").await;
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    drop(ben);
    tara.post_message(
        PROVIDER_APP_ID,
        &group,
        &json!({"text": "Ben, please check", "mentions": [{"app_id": CUSTOMER_APP_ID, "open_id": ben_id}]}),
    )
    .await;
    t.deliver().await;
    let title = &t.cards(CUSTOMER_APP_ID, "ben").await.last().unwrap()["header"]["title"].clone();
    assert_eq!(title["content"], title["i18n_content"]["zh_cn"], "{title}");
    assert!(
        title["content"].as_str().unwrap().contains("提到了你"),
        "{title}"
    );
    assert!(title["i18n_content"]["en_us"]
        .as_str()
        .unwrap()
        .contains("mentioned you"));
    // A Chinese page for Ben without Accept-Language: the organisation's default.
    let bare = t.browser();
    let page = bare.sign_in(CUSTOMER_APP_ID, "ben").await;
    page.assert_contains("<html lang=\"zh-CN\">");
    // Only a TAM, manager or admin who serves it sets it; nonsense is refused.
    let eli = t.signed_in(PROVIDER_APP_ID, "eli").await;
    let (status, _) = eli
        .post_json(
            &format!("/lark/{PROVIDER_APP_ID}/api/customers/{CUSTOMER_APP_ID}/settings"),
            &json!({"lang": "en"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = tara
        .post_json(
            &format!("/lark/{PROVIDER_APP_ID}/api/customers/{CUSTOMER_APP_ID}/settings"),
            &json!({"lang": "de"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_feishu_apps_primary_language_is_its_organisations_first_default() {
    let t = TestStack::demo().await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let (status, body) = tara
        .register_customer(&registration(
            "莲花半导体",
            FEISHU_APP_ID,
            secret(FEISHU_APP_ID),
        ))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["lang"], "zh-CN", "primary_language zh_cn");
    assert_eq!(
        t.tenant(CUSTOMER_APP_ID).await.lang,
        Some(tamlink::i18n::Lang::En),
        "Acme's app is en_us"
    );
}
