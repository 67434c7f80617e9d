//! Journeys 7 and 10: Add People links valid 24 hours, joining through sign-in, revocation,
//! expiry at use time and by the schedule, and every kind of bad link.

use reqwest::StatusCode;
use serde_json::Value;
use tamlink::store::InvitationStatus;
use tamlink_tests::*;

const DAY: i64 = 24 * 3600;

/// Acme is invitation-only; Ana (a member) makes a link to the service group.
async fn acme_with_link(t: &TestStack) -> (Browser, String, Value) {
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    t.make_invite_only(CUSTOMER_APP_ID).await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let (status, link) = ana.create_invitation(CUSTOMER_APP_ID, &group).await;
    assert_eq!(status, StatusCode::CREATED, "{link}");
    (ana, group, link)
}

fn url(link: &Value) -> String {
    link["url"].as_str().unwrap().to_owned()
}

async fn invitation_status(t: &TestStack, group: &str, link: &Value) -> InvitationStatus {
    t.stack
        .ctx
        .store
        .invitation(
            &tamlink::ids::GroupId::parse(group).unwrap(),
            &tamlink::ids::InvitationId::parse(link["id"].as_str().unwrap()).unwrap(),
        )
        .await
        .unwrap()
        .unwrap()
        .status
}

#[tokio::test]
async fn a_colleague_signs_in_through_the_link_joins_and_sees_the_chat() {
    let t = TestStack::demo().await;
    let (ana, group, link) = acme_with_link(&t).await;
    let url = url(&link);
    assert!(url.starts_with(&format!(
        "{}/lark/{CUSTOMER_APP_ID}/person/inviteToGroup?token=",
        t.base()
    )));
    assert_eq!(link["created_by"], "Ana Ortiz");
    assert_eq!(
        link["expires_at"].as_i64().unwrap() - t.stack.ctx.now(),
        DAY
    );
    ana.say(CUSTOMER_APP_ID, &group, "Welcome aboard, Ben")
        .await;

    // Ben has no session: the link sends him through Lark sign-in and back to the landing page.
    let ben = t.browser();
    let authorize = ben.get_url(&url).await;
    let landing = ben.consent(&authorize, "ben").await;
    assert_eq!(landing.status, StatusCode::OK, "{}", landing.body);
    assert_eq!(landing.url.as_str(), url, "back on the link after sign-in");
    landing
        .assert_contains("Ana Ortiz invited you to join")
        .assert_contains("Acme Robotics · Enterprise Service")
        .assert_contains("Join the group");
    // Signing in alone did not join him (the org is invitation-only).
    let (status, _) = ben.messages(CUSTOMER_APP_ID, &group, "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let token = landing.query_param("token");
    let joined = ben.post_form(&url, &[("token", &token)]).await;
    assert_eq!(joined.status, StatusCode::OK);
    assert_eq!(
        joined.url.as_str(),
        format!(
            "{}/lark/{CUSTOMER_APP_ID}/workbench?group={group}",
            t.base()
        )
    );
    let (status, page) = ben.messages(CUSTOMER_APP_ID, &group, "").await;
    assert_eq!(status, StatusCode::OK);
    let texts: Vec<&str> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "Welcome aboard, Ben",
            "Ben Brooks joined with Ana Ortiz's invitation link."
        ]
    );

    // Accepting again is harmless: still one membership, recorded as an invitation by Ana.
    let again = ben.post_form(&url, &[("token", &token)]).await;
    assert_eq!(again.status, StatusCode::OK);
    let landing = ben.get_url(&url).await;
    landing.assert_contains("You are already in this group");
    let (_, members) = ana.members(CUSTOMER_APP_ID, &group).await;
    let bens: Vec<&Value> = members["colleagues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["name"] == "Ben Brooks")
        .collect();
    assert_eq!(bens.len(), 1, "{members}");
    assert_eq!(bens[0]["via"], "invitation");
    assert_eq!(
        bens[0]["removable"], true,
        "Ana added Ben, so she may remove him"
    );

    let (_, links) = ana.invitations(CUSTOMER_APP_ID, &group).await;
    assert_eq!(links["invitations"][0]["accepted"], 1);
}

#[tokio::test]
async fn links_expire_after_exactly_24_hours_at_use_and_by_the_schedule() {
    let t = TestStack::demo().await;
    let (ana, group, link) = acme_with_link(&t).await;
    // A day later sessions have lapsed too (12 hours): Ben signs in afresh.
    t.clock.advance(DAY - 1);
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    ben.get_url(&url(&link))
        .await
        .assert_contains("Join the group");

    t.clock.advance(1);
    let refused = ben.get_url(&url(&link)).await;
    assert_eq!(refused.status, StatusCode::GONE);
    refused.assert_contains("has expired");
    let token = url::Url::parse(&url(&link))
        .unwrap()
        .query_pairs()
        .next()
        .unwrap()
        .1
        .to_string();
    let post = ben.post_form(&url(&link), &[("token", &token)]).await;
    assert_eq!(post.status, StatusCode::GONE, "joining is refused too");
    // The schedule has not run: the record still says active, and the link is refused anyway.
    assert_eq!(
        invitation_status(&t, &group, &link).await,
        InvitationStatus::Active
    );

    let report = t.stack.run_job("InvitationExpiryFunction").await.unwrap();
    assert_eq!(report["expired"], 1, "{report}");
    assert_eq!(
        invitation_status(&t, &group, &link).await,
        InvitationStatus::Expired
    );
    let again = t.stack.run_job("InvitationExpiryFunction").await.unwrap();
    assert_eq!(again["expired"], 0);
    assert!(
        again["buckets"].as_u64().unwrap() <= 2,
        "reads only the hours since last run: {again}"
    );
    drop(ana);
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (_, links) = ana.invitations(CUSTOMER_APP_ID, &group).await;
    assert_eq!(links["invitations"].as_array().unwrap().len(), 0, "{links}");
    let (status, _) = ben.messages(CUSTOMER_APP_ID, &group, "").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "Ben never joined");
}

#[tokio::test]
async fn the_local_gateway_runs_the_expiry_schedule_by_itself() {
    let t = TestStack::demo_with_schedules(std::time::Duration::from_millis(300)).await;
    let (_ana, group, link) = acme_with_link(&t).await;
    let fresh = {
        let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
        ana.create_invitation(CUSTOMER_APP_ID, &group).await.1
    };
    t.clock.advance(DAY + 60);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while invitation_status(&t, &group, &link).await == InvitationStatus::Active {
        assert!(
            std::time::Instant::now() < deadline,
            "the schedule never expired the link"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        invitation_status(&t, &group, &fresh).await,
        InvitationStatus::Expired
    );
}

#[tokio::test]
async fn revoked_links_are_refused_with_who_revoked_them() {
    let t = TestStack::demo().await;
    let (ana, group, link) = acme_with_link(&t).await;
    let id = link["id"].as_str().unwrap();

    // Someone outside the group cannot revoke it.
    t.activate_other_org(OTHER_CUSTOMER_APP_ID, "Initech", &[])
        .await;
    let ivy = t.signed_in(OTHER_CUSTOMER_APP_ID, "ivy").await;
    let (status, _) = ivy
        .revoke_invitation(OTHER_CUSTOMER_APP_ID, &group, id)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, body) = ana.revoke_invitation(CUSTOMER_APP_ID, &group, id).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = ana.revoke_invitation(CUSTOMER_APP_ID, &group, id).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    let page = ben.get_url(&url(&link)).await;
    assert_eq!(page.status, StatusCode::GONE);
    page.assert_contains("revoked by Ana Ortiz");
    // Whoever else holds a copy learns that it was revoked, not by whom.
    let page = t.browser().get_url(&url(&link)).await;
    assert_eq!(page.status, StatusCode::GONE);
    page.assert_contains("revoked by a member of the group");
    assert!(!page.text.contains("Ana Ortiz"), "{}", page.text);
    assert_eq!(
        invitation_status(&t, &group, &link).await,
        InvitationStatus::Revoked
    );
    let report = t.stack.run_job("InvitationExpiryFunction").await.unwrap();
    assert_eq!(
        report["expired"], 0,
        "a revoked link is not in the expiry index"
    );
}

#[tokio::test]
async fn tampered_foreign_and_staff_uses_of_a_link_each_get_their_own_refusal() {
    let t = TestStack::demo().await;
    let (_ana, group, link) = acme_with_link(&t).await;
    t.activate_other_org(OTHER_CUSTOMER_APP_ID, "Initech", &[])
        .await;
    let good = url(&link);
    let token = url::Url::parse(&good)
        .unwrap()
        .query_pairs()
        .next()
        .unwrap()
        .1
        .to_string();
    let b = t.browser();

    let mut bad = token.clone().into_bytes();
    let i = bad.len() / 3;
    bad[i] = if bad[i] == b'A' { b'B' } else { b'A' };
    let tampered = b
        .get(&format!(
            "/lark/{CUSTOMER_APP_ID}/person/inviteToGroup?token={}",
            String::from_utf8(bad).unwrap()
        ))
        .await;
    assert_eq!(tampered.status, StatusCode::BAD_REQUEST);
    tampered.assert_contains("not valid");

    let missing = b
        .get(&format!("/lark/{CUSTOMER_APP_ID}/person/inviteToGroup"))
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    missing.assert_contains("incomplete");

    // The same token presented to another organisation's app.
    let foreign = b
        .get(&format!(
            "/lark/{OTHER_CUSTOMER_APP_ID}/person/inviteToGroup?token={token}"
        ))
        .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    foreign.assert_contains("another organisation");

    // Staff through the provider app cannot use a customer's link.
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let staff = tara
        .get(&format!(
            "/lark/{PROVIDER_APP_ID}/person/inviteToGroup?token={token}"
        ))
        .await;
    assert_eq!(staff.status, StatusCode::FORBIDDEN);

    // Ivy of Initech follows the real link: Lark signs her in, and Acme's app refuses her.
    let ivy = t.browser();
    let authorize = ivy.get_url(&good).await;
    let refused = ivy.consent(&authorize, "ivy").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    refused.assert_contains("another organisation");
    let (_, members) = t.browser().members(CUSTOMER_APP_ID, &group).await;
    assert!(!members.to_string().contains("Ivy"));
}

#[tokio::test]
async fn staff_members_can_make_links_for_their_customers_and_strangers_cannot() {
    let t = TestStack::demo().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let (status, link) = tara.create_invitation(PROVIDER_APP_ID, &group).await;
    assert_eq!(status, StatusCode::CREATED, "{link}");
    assert!(
        url(&link).contains(&format!("/lark/{CUSTOMER_APP_ID}/person/inviteToGroup")),
        "links always open the customer's app"
    );
    let mo = t.signed_in(PROVIDER_APP_ID, "mo").await;
    let (status, _) = mo.create_invitation(PROVIDER_APP_ID, &group).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the manager is not a member of this group"
    );
    let (status, _) = mo.invitations(PROVIDER_APP_ID, &group).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn sixty_simultaneous_add_people_clicks_make_exactly_twenty_links() {
    let t = TestStack::demo().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let clicks = (0..60).map(|_| ana.create_invitation(CUSTOMER_APP_ID, &group));
    let results = futures::future::join_all(clicks).await;
    let made = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    let refused = results
        .iter()
        .filter(|(s, b)| {
            *s == StatusCode::CONFLICT && b["message"].as_str().unwrap().contains("20 active links")
        })
        .count();
    assert_eq!((made, refused), (20, 40), "{results:?}");
    let (_, links) = ana.invitations(CUSTOMER_APP_ID, &group).await;
    assert_eq!(links["invitations"].as_array().unwrap().len(), 20);

    // Revoking one gives its place back at once.
    let id = links["invitations"][0]["id"].as_str().unwrap().to_owned();
    let (status, _) = ana.revoke_invitation(CUSTOMER_APP_ID, &group, &id).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = ana.create_invitation(CUSTOMER_APP_ID, &group).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = ana.create_invitation(CUSTOMER_APP_ID, &group).await;
    assert_eq!(status, StatusCode::CONFLICT);
}
