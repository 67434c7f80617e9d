//! Journeys 5 and 6 (the ticket part): Create Ticket with per-organisation numbers, a ticket
//! group and fair assignment (also under concurrency), the lifecycle table, and refusals.

use reqwest::StatusCode;
use serde_json::{json, Value};
use tamlink::clock::Clock;
use tamlink_tests::*;

fn ticket(title: &str, severity: &str) -> Value {
    json!({"title": title, "description": "Telemetry stopped at 09:12 for all robots in hall B.", "severity": severity, "product": "Fleet API"})
}

/// Drains the queue; the English titles of the SLA notices on it.
async fn sla_titles(t: &TestStack) -> Vec<String> {
    t.drain_queue()
        .await
        .iter()
        .filter(|n| n["kind"] == "sla")
        .map(|n| en(&n["title"]))
        .collect()
}

#[tokio::test]
async fn a_colleague_opens_a_ticket_and_lands_in_its_group_with_an_engineer_and_the_tam() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (status, first) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("Robots offline", "sev2"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["number"], 1);
    assert_eq!(first["id"], format!("{CUSTOMER_APP_ID}.1"));
    assert_eq!(first["status"], "assigned");
    assert_eq!(first["severity_label"], "S2 · High");
    assert!(
        first["sla"]
            .as_str()
            .unwrap()
            .starts_with("Response due in 2h"),
        "{first}"
    );
    let engineer = first["assignee"].as_str().unwrap().to_owned();
    assert!(
        engineer == "Eli Novak" || engineer == "Erin Park",
        "{engineer}"
    );

    // The ticket group: Ana, the engineer and the TAM, with the opening line.
    let group = first["group_id"].as_str().unwrap();
    let (_, members) = ana.members(CUSTOMER_APP_ID, group).await;
    let names = |side: &str| -> Vec<String> {
        members[side]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("colleagues"), ["Ana Ortiz"]);
    let mut service = names("service_team");
    service.sort();
    let mut expected = vec!["Tara Lin".to_owned(), engineer.clone()];
    expected.sort();
    assert_eq!(service, expected);
    let (_, chat) = ana.messages(CUSTOMER_APP_ID, group, "").await;
    assert_eq!(
        texts(&chat),
        [format!(
            "Ana Ortiz opened #1 (S2 · High): Robots offline. {engineer} is on it."
        )]
    );
    // ...and the service group says so too.
    let service_group = t.service_group(CUSTOMER_APP_ID).await;
    let (_, chat) = ana.messages(CUSTOMER_APP_ID, &service_group, "").await;
    assert!(
        texts(&chat)[0].starts_with("Ana Ortiz opened ticket #1: Robots offline."),
        "{chat}"
    );

    // The engineer is told it is theirs; Ana is told who is on it. Nobody else.
    let queued = t.drain_queue().await;
    let kinds: Vec<(String, String)> = queued
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap().to_owned(),
                n["recipient"]["app_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(kinds.len(), 2, "{queued:#?}");
    assert!(kinds.contains(&("ticket_assigned".into(), PROVIDER_APP_ID.into())));
    assert!(kinds.contains(&("ticket_updated".into(), CUSTOMER_APP_ID.into())));

    // The next ticket goes to the other engineer (equal load, in turn), and numbers go on.
    let (_, second) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("Dashboard slow", "sev3"))
        .await;
    assert_eq!(second["number"], 2);
    assert_ne!(second["assignee"], first["assignee"]);
    let list = ana.tickets(CUSTOMER_APP_ID).await;
    let numbers: Vec<u64> = list.iter().map(|t| t["number"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [2, 1], "newest first");
}

#[tokio::test]
async fn ten_concurrent_creations_get_ten_numbers_and_a_fair_split() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    // Five each: the most one person opens in 10 minutes (the next test).
    let opens = (0..10).map(|i| {
        let who = if i % 2 == 0 { &ana } else { &ben };
        async move {
            who.open_ticket(CUSTOMER_APP_ID, &ticket(&format!("Issue {i}"), "sev3"))
                .await
        }
    });
    let results = futures::future::join_all(opens).await;
    let mut numbers: Vec<u64> = results
        .iter()
        .map(|(status, body)| {
            assert_eq!(*status, StatusCode::CREATED, "{body}");
            body["number"].as_u64().unwrap()
        })
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=10).collect::<Vec<_>>());
    let per_engineer = |name: &str| {
        results
            .iter()
            .filter(|(_, b)| b["assignee"] == name)
            .count()
    };
    assert_eq!(per_engineer("Eli Novak"), 5);
    assert_eq!(per_engineer("Erin Park"), 5);
    // The loads the store keeps agree with the tickets.
    let staff = t
        .stack
        .ctx
        .store
        .all_staff(&app(PROVIDER_APP_ID))
        .await
        .unwrap();
    for s in staff
        .iter()
        .filter(|s| s.name == "Eli Novak" || s.name == "Erin Park")
    {
        assert_eq!(s.open_tickets, 5, "{}", s.name);
    }
    assert_eq!(t.tenant(CUSTOMER_APP_ID).await.ticket_seq, 10);
}

#[tokio::test]
async fn a_person_and_an_organisation_open_only_so_many_tickets_and_hear_when_they_can_again() {
    let t = TestStack::demo().await;
    // Start on the hour: the organisation's window is the clock hour.
    let now = t.clock.now();
    t.clock.advance(3600 - now.rem_euclid(3600));
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    // Six at once from one person: five open, the sixth is told when the next can.
    let opens = (0..6).map(|i| {
        let ana = &ana;
        async move {
            ana.open_ticket(CUSTOMER_APP_ID, &ticket(&format!("Flood {i}"), "sev2"))
                .await
        }
    });
    let results = futures::future::join_all(opens).await;
    let created = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 5, "{results:#?}");
    let (_, refused) = results
        .iter()
        .find(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .expect("the sixth is refused");
    assert_eq!(
        refused["message"],
        "You have opened 5 tickets in the last few minutes, the most one person can open in 10 minutes; you can open the next one in 10 minutes. For an outage, press Emergency on one of them instead."
    );
    // The refused one used no number and sent nobody anything.
    assert_eq!(t.tenant(CUSTOMER_APP_ID).await.ticket_seq, 5);
    assert_eq!(
        t.drain_queue()
            .await
            .iter()
            .filter(|n| en(&n["title"]).contains("Flood"))
            .count(),
        5,
        "each opened ticket's DM to its engineer, nothing for the sixth"
    );
    // Ben is not held up by Ana.
    let (status, body) = ben
        .open_ticket(CUSTOMER_APP_ID, &ticket("Unrelated", "sev4"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // In Chinese too, with the seconds to wait in Retry-After.
    ana.choose_language(CUSTOMER_APP_ID, "zh-CN").await;
    let resp = ana
        .client
        .post(format!("{}/lark/{CUSTOMER_APP_ID}/api/tickets", t.base()))
        .json(&ticket("Once more", "sev3"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(resp.headers()["retry-after"], "600");
    let body: Value = resp.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("10 分钟后再创建"),
        "{body}"
    );
    ana.choose_language(CUSTOMER_APP_ID, "en").await;
    // Ten minutes later Ana may open tickets again; the organisation stops at 30 in its hour.
    let mut opened = 6;
    for round in 1..6 {
        t.clock.advance(600);
        for i in 0..5 {
            let who = if i < 4 { &ana } else { &ben };
            let (status, body) = who
                .open_ticket(
                    CUSTOMER_APP_ID,
                    &ticket(&format!("Round {round}.{i}"), "sev4"),
                )
                .await;
            if opened < 30 {
                assert_eq!(status, StatusCode::CREATED, "ticket {opened}: {body}");
                opened += 1;
            } else {
                assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
                assert_eq!(
                    body["message"],
                    "Your organisation has opened 30 tickets this hour, the most it can open in an hour; the next one can be opened in 10 minutes. Add to an open ticket meanwhile."
                );
            }
        }
    }
    assert_eq!(opened, 30);
    assert_eq!(t.tenant(CUSTOMER_APP_ID).await.ticket_seq, 30);
    // Another organisation opens its tickets as usual.
    t.activate_other_org(OTHER_CUSTOMER_APP_ID, "Initech", &["erin"])
        .await;
    let ivy = t.signed_in(OTHER_CUSTOMER_APP_ID, "ivy").await;
    let (status, body) = ivy
        .open_ticket(OTHER_CUSTOMER_APP_ID, &ticket("Ours", "sev3"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // The next hour, Acme opens again.
    t.clock.advance(600);
    let (status, body) = ben
        .open_ticket(CUSTOMER_APP_ID, &ticket("Next hour", "sev4"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn with_nobody_on_duty_the_tam_holds_the_ticket_and_it_says_so() {
    let t = TestStack::demo().await;
    for mut s in t
        .stack
        .ctx
        .store
        .all_staff(&app(PROVIDER_APP_ID))
        .await
        .unwrap()
    {
        s.on_duty = false;
        t.stack
            .ctx
            .store
            .save_staff(&app(PROVIDER_APP_ID), &s)
            .await
            .unwrap();
    }
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (status, body) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("Weekend outage", "sev1"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["assignee"], "Tara Lin");
    assert_eq!(body["assigned_to_tam"], true);
    let (_, chat) = ana
        .messages(CUSTOMER_APP_ID, body["group_id"].as_str().unwrap(), "")
        .await;
    assert!(
        texts(&chat)[0].contains("No engineer is on duty, so Tara Lin (your TAM) holds it"),
        "{chat}"
    );
}

#[tokio::test]
async fn an_engineer_who_goes_off_duty_in_the_console_is_not_assigned_new_tickets() {
    let t = TestStack::demo().await;
    let eli = t.signed_in(PROVIDER_APP_ID, "eli").await;
    let (status, body) = eli.set_duty(false).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["on_duty"], false);
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    for title in ["First", "Second", "Third"] {
        let (status, body) = ana
            .open_ticket(CUSTOMER_APP_ID, &ticket(title, "sev3"))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["assignee"], "Erin Park", "{title}");
    }
    // Back on duty, Eli (with no open tickets) is next; customers cannot use the switch.
    assert_eq!(eli.set_duty(true).await.0, StatusCode::OK);
    let (_, body) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("Fourth", "sev3"))
        .await;
    assert_eq!(body["assignee"], "Eli Novak");
    let (status, _) = ana
        .post_json(
            &format!("/lark/{CUSTOMER_APP_ID}/api/staff/duty"),
            &serde_json::json!({ "on_duty": true }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_lifecycle_follows_the_table_and_every_move_is_recorded() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (_, opened) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("Robots offline", "sev2"))
        .await;
    let id = opened["id"].as_str().unwrap().to_owned();
    let group = opened["group_id"].as_str().unwrap().to_owned();
    let engineer_user = if opened["assignee"] == "Eli Novak" {
        "eli"
    } else {
        "erin"
    };
    let engineer = t.signed_in(PROVIDER_APP_ID, engineer_user).await;
    t.drain_queue().await;

    // Customers cannot start work; the assignee can, and that is the first response.
    let (status, body) = ana.move_ticket(CUSTOMER_APP_ID, &id, "in_progress").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = engineer
        .move_ticket(PROVIDER_APP_ID, &id, "in_progress")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["sla"], "First response met");
    let (status, body) = engineer
        .move_ticket(PROVIDER_APP_ID, &id, "waiting_on_customer")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Ana answers: back to the engineer.
    let (status, _) = ana.move_ticket(CUSTOMER_APP_ID, &id, "in_progress").await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = ana.move_ticket(CUSTOMER_APP_ID, &id, "resolved").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only the service team resolves: {body}"
    );
    let (status, _) = engineer.move_ticket(PROVIDER_APP_ID, &id, "resolved").await;
    assert_eq!(status, StatusCode::OK);
    let staff = t
        .stack
        .ctx
        .store
        .all_staff(&app(PROVIDER_APP_ID))
        .await
        .unwrap();
    let load = staff
        .iter()
        .find(|s| s.name == opened["assignee"])
        .unwrap()
        .open_tickets;
    assert_eq!(load, 0, "a resolved ticket no longer counts");
    let (status, body) = ana.move_ticket(CUSTOMER_APP_ID, &id, "closed").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = engineer
        .move_ticket(PROVIDER_APP_ID, &id, "in_progress")
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "closed is final: {body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("cannot go from closed"),
        "{body}"
    );

    // Who moved it when, on the ticket and in its group.
    let history = body_history(&ana, &id).await;
    let moves: Vec<(String, String, String)> = history
        .iter()
        .map(|h| {
            (
                h["by"].as_str().unwrap().to_owned(),
                h["from"].as_str().unwrap().to_owned(),
                h["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let name = opened["assignee"].as_str().unwrap().to_owned();
    assert_eq!(
        moves,
        [
            (name.clone(), "assigned".into(), "in_progress".into()),
            (
                name.clone(),
                "in_progress".into(),
                "waiting_on_customer".into()
            ),
            (
                "Ana Ortiz".into(),
                "waiting_on_customer".into(),
                "in_progress".into()
            ),
            (name.clone(), "in_progress".into(), "resolved".into()),
            ("Ana Ortiz".into(), "resolved".into(), "closed".into()),
        ]
    );
    let (_, chat) = ana.messages(CUSTOMER_APP_ID, &group, "").await;
    let lines = texts(&chat);
    assert_eq!(lines.len(), 6, "{lines:#?}");
    assert_eq!(lines[5], "Ana Ortiz moved #1 from resolved to closed.");
    // Each move told the other side (not the mover).
    let queued = t.drain_queue().await;
    assert_eq!(queued.len(), 5, "{queued:#?}");
}

async fn body_history(b: &Browser, id: &str) -> Vec<Value> {
    let list = b.tickets(CUSTOMER_APP_ID).await;
    list.into_iter().find(|t| t["id"] == id).unwrap()["history"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn bad_input_staff_creation_and_other_organisations_are_refused() {
    let t = TestStack::demo().await;
    t.activate_other_org(OTHER_CUSTOMER_APP_ID, "Initech", &[])
        .await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let cases = [
        (
            json!({"title": "  ", "severity": "sev2"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"title": "x".repeat(201), "severity": "sev2"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"title": "ok", "severity": "sev9"}),
            StatusCode::BAD_REQUEST,
        ),
        (json!({"severity": "sev2"}), StatusCode::BAD_REQUEST),
        (
            json!({"title": "ok", "severity": "sev2", "owner": "me"}),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (body, want) in cases {
        let (got, answer) = ana.open_ticket(CUSTOMER_APP_ID, &body).await;
        assert_eq!(got, want, "{body} -> {answer}");
    }
    assert!(
        ana.tickets(CUSTOMER_APP_ID).await.is_empty(),
        "nothing half-written"
    );
    assert_eq!(
        t.tenant(CUSTOMER_APP_ID).await.ticket_seq,
        0,
        "no number used up"
    );

    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let (status, _) = tara
        .open_ticket(PROVIDER_APP_ID, &ticket("x", "sev3"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (_, opened) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("Robots offline", "sev2"))
        .await;
    let id = opened["id"].as_str().unwrap();
    let ivy = t.signed_in(OTHER_CUSTOMER_APP_ID, "ivy").await;
    let (status, _) = ivy.move_ticket(OTHER_CUSTOMER_APP_ID, id, "closed").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(ivy.tickets(OTHER_CUSTOMER_APP_ID).await.is_empty());
    let (status, _) = ivy
        .messages(
            OTHER_CUSTOMER_APP_ID,
            opened["group_id"].as_str().unwrap(),
            "",
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Staff see the open tickets of the organisations they serve.
    let open = tara.tickets(PROVIDER_APP_ID).await;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["id"], id);
}

#[tokio::test]
async fn reminders_escalate_by_tier_wait_out_their_cooldown_and_a_double_click_counts_once() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (_, opened) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("Robots offline", "sev2"))
        .await;
    let id = opened["id"].as_str().unwrap().to_owned();
    let assignee = opened["assignee"].as_str().unwrap().to_owned();
    t.drain_queue().await;
    let remind = |b: &Browser| {
        let path = format!("/lark/{CUSTOMER_APP_ID}/api/tickets/{id}/reminder");
        let b = b.client.clone();
        let base = t.base().to_owned();
        async move {
            let r = b
                .post(format!("{base}{path}"))
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            let status = r.status();
            (status, r.json::<Value>().await.unwrap())
        }
    };
    let recipients = |queued: &[Value]| -> Vec<String> {
        let mut r: Vec<String> = queued
            .iter()
            .map(|n| n["recipient"]["name"].as_str().unwrap().to_owned())
            .collect();
        r.sort();
        r
    };

    // Two clicks at the same moment: one reminder, one refusal.
    let (a, b) = tokio::join!(remind(&ana), remind(&ana));
    let mut statuses = [a.0.as_u16(), b.0.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 429], "{a:?} {b:?}");
    let first = if a.0 == StatusCode::OK { a.1 } else { b.1 };
    assert_eq!(first["reminders"], 1);
    assert_eq!(
        recipients(&t.drain_queue().await),
        vec![assignee.clone()],
        "the 1st reaches the assignee"
    );

    // Inside the cooldown: refused, saying when.
    t.clock.advance(29 * 60);
    let (status, body) = remind(&ana).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("the next reminder is possible in 1 minute"),
        "{body}"
    );

    // Every 30 minutes the circle widens: + the TAM, then + the on-duty manager.
    t.clock.advance(60);
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await; // sessions outlive this, but be explicit
    let (status, _) = remind(&ana).await;
    assert_eq!(status, StatusCode::OK);
    let mut want = vec![assignee.clone(), "Tara Lin".to_owned()];
    want.sort();
    assert_eq!(recipients(&t.drain_queue().await), want);
    t.clock.advance(30 * 60);
    let (status, body) = remind(&ana).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut want = vec![
        assignee.clone(),
        "Tara Lin".to_owned(),
        "Mo Haddad".to_owned(),
    ];
    want.sort();
    assert_eq!(recipients(&t.drain_queue().await), want);
    assert_eq!(body["reminders"], 3);

    // The ticket group shows each reminder; staff cannot press it; closed tickets refuse it.
    let (_, chat) = ana
        .messages(CUSTOMER_APP_ID, opened["group_id"].as_str().unwrap(), "")
        .await;
    let reminders = texts(&chat)
        .iter()
        .filter(|l| l.contains("sent reminder"))
        .count();
    assert_eq!(reminders, 3);
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let (status, _) = tara.remind(PROVIDER_APP_ID, &id).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    ana.move_ticket(CUSTOMER_APP_ID, &id, "closed").await;
    t.clock.advance(30 * 60);
    let (status, _) = remind(&ana).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_sla_check_warns_then_reports_a_breach_once_each_unless_the_team_responded() {
    let t = TestStack::demo().await;
    // Acme's plan: S1 answered within 30 minutes (the default), S2 within 45.
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let (status, body) = tara
        .set_plan(CUSTOMER_APP_ID, &json!({"kind": "paid", "share_percent": 100, "first_response_minutes": {"sev1": 30, "sev2": 45, "sev3": 480, "sev4": 1440}}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = tara
        .set_plan(CUSTOMER_APP_ID, &json!({"kind": "paid", "share_percent": 100, "first_response_minutes": {"sev1": 90, "sev2": 45, "sev3": 480, "sev4": 1440}}))
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "S1 looser than S2"
    );
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (_, s2) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("Plan check", "sev2"))
        .await;
    assert_eq!(
        s2["first_response_due"].as_i64().unwrap() - t.stack.ctx.now(),
        45 * 60
    );
    ana.move_ticket(CUSTOMER_APP_ID, s2["id"].as_str().unwrap(), "closed")
        .await;
    let (_, late) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("Data missing", "sev1"))
        .await; // 30 min
    let late_number = late["number"].as_u64().unwrap();
    let (_, answered) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("Slow exports", "sev1"))
        .await;
    let engineer = if answered["assignee"] == "Eli Novak" {
        "eli"
    } else {
        "erin"
    };
    let e = t.signed_in(PROVIDER_APP_ID, engineer).await;
    let (status, _) = e
        .move_ticket(
            PROVIDER_APP_ID,
            answered["id"].as_str().unwrap(),
            "in_progress",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    t.drain_queue().await;
    let sla = |queued: &[Value]| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = queued
            .iter()
            .filter(|n| n["kind"] == "sla")
            .map(|n| {
                (
                    en(&n["title"]),
                    n["recipient"]["open_id"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        v.sort();
        v
    };

    t.clock.advance(10 * 60);
    t.stack.run_job("SlaCheckFunction").await.unwrap();
    assert!(
        sla(&t.drain_queue().await).is_empty(),
        "20 minutes left: quiet"
    );

    t.clock.advance(6 * 60);
    let report = t.stack.run_job("SlaCheckFunction").await.unwrap();
    assert_eq!(report["warned"], 1, "{report}");
    let warnings = sla(&t.drain_queue().await);
    assert_eq!(warnings.len(), 2, "the assignee and the TAM: {warnings:?}");
    assert!(
        warnings
            .iter()
            .all(|(title, _)| title
                .starts_with(&format!("First response due soon on #{late_number}")))
    );
    t.stack.run_job("SlaCheckFunction").await.unwrap();
    assert!(sla(&t.drain_queue().await).is_empty(), "once");

    t.clock.advance(15 * 60);
    let report = t.stack.run_job("SlaCheckFunction").await.unwrap();
    assert_eq!(report["breached"], 1, "{report}");
    let breaches = sla(&t.drain_queue().await);
    assert_eq!(breaches.len(), 2);
    assert!(breaches
        .iter()
        .all(|(title, _)| title.starts_with(&format!("SLA breached on #{late_number}"))));
    t.clock.advance(3600);
    t.stack.run_job("SlaCheckFunction").await.unwrap();
    assert!(
        sla(&t.drain_queue().await).is_empty(),
        "once, and never for the answered ticket"
    );
    let list = ana.tickets(CUSTOMER_APP_ID).await;
    let late_view = list.iter().find(|x| x["id"] == late["id"]).unwrap();
    assert_eq!(late_view["sla_breached"], true);
    assert!(late_view["sla"]
        .as_str()
        .unwrap()
        .starts_with("Response overdue by"));
}

#[tokio::test]
async fn an_emergency_pages_everyone_at_once_tells_on_call_and_repages_until_acknowledged() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (_, opened) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("Exports failing", "sev3"))
        .await;
    let id = opened["id"].as_str().unwrap().to_owned();
    let assignee_user = if opened["assignee"] == "Eli Novak" {
        "eli"
    } else {
        "erin"
    };
    t.deliver().await; // the assignee's "assigned" DM takes their 10-minute window

    let (status, _) = ana
        .declare_emergency(
            CUSTOMER_APP_ID,
            &id,
            &json!({"reason": "business_outage", "confirm": false}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // The button is the customer's: the service team pressing it is refused, not an error.
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let (status, body) = tara
        .declare_emergency(
            PROVIDER_APP_ID,
            &id,
            &json!({"reason": "business_outage", "confirm": true}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = ana
        .declare_emergency(
            CUSTOMER_APP_ID,
            &id,
            &json!({"reason": "business_outage", "confirm": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["severity"], "sev1");
    assert_eq!(body["emergency_open"], true);
    let (status, _) = ana
        .declare_emergency(
            CUSTOMER_APP_ID,
            &id,
            &json!({"reason": "data_loss", "confirm": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "one emergency per ticket");

    // Paged at once, inside their windows: the assignee, the TAM and the on-duty manager.
    t.deliver().await;
    let paged = |who: &'static str| {
        let t = &t;
        async move {
            // Each page is a card of its own (a CardKit entity), read as it stands now.
            t.cards(PROVIDER_APP_ID, who)
                .await
                .iter()
                .filter(|c| {
                    c["header"]["title"]["content"]
                        .as_str()
                        .unwrap_or("")
                        .contains("EMERGENCY")
                })
                .count()
        }
    };
    assert_eq!(paged(assignee_user).await, 1);
    assert_eq!(paged("tara").await, 1);
    assert_eq!(paged("mo").await, 1);
    let hooks = t.sandbox_get("/_sandbox/webhooks").await;
    let posts = hooks["posts"].as_array().unwrap();
    assert_eq!(
        posts.len(),
        1,
        "the on-call channel got it (and the signature was accepted)"
    );
    assert!(posts[0]["body"]["card"]["header"]["title"]["content"]
        .as_str()
        .unwrap()
        .starts_with("EMERGENCY · Acme Robotics · #1"));

    // Nobody acknowledges: 15 minutes later everyone is paged again.
    t.clock.advance(15 * 60);
    let report = t.stack.run_job("EmergencyRepageFunction").await.unwrap();
    assert_eq!(report["repaged"], 1, "{report}");
    t.deliver().await;
    assert_eq!(paged(assignee_user).await, 2);
    assert_eq!(paged("mo").await, 2);
    assert_eq!(
        t.sandbox_get("/_sandbox/webhooks").await["posts"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Only the service team acknowledges; then the pages stop.
    let mo_dms = t.dms(PROVIDER_APP_ID, "mo").await.len();
    let (status, _) = ana.acknowledge(CUSTOMER_APP_ID, &id).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let (status, body) = tara.acknowledge(PROVIDER_APP_ID, &id).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["emergency_open"], false);
    assert_eq!(body["emergency"]["acknowledged_by"], "Tara Lin");
    let (status, _) = tara.acknowledge(PROVIDER_APP_ID, &id).await;
    assert_eq!(status, StatusCode::CONFLICT);
    t.clock.advance(15 * 60);
    let report = t.stack.run_job("EmergencyRepageFunction").await.unwrap();
    assert_eq!(report["repaged"], 0);
    t.deliver().await;
    assert_eq!(
        t.dms(PROVIDER_APP_ID, "mo").await.len(),
        mo_dms,
        "no more pages"
    );
    // Both of Mo's pages now say who acknowledged it (changed in place).
    assert_eq!(paged("mo").await, 0);
    let acknowledged = t
        .cards(PROVIDER_APP_ID, "mo")
        .await
        .iter()
        .filter(|c| c["header"]["title"]["content"] == "Emergency on #1 acknowledged")
        .count();
    assert_eq!(acknowledged, 2);
    let (_, chat) = ana
        .messages(CUSTOMER_APP_ID, opened["group_id"].as_str().unwrap(), "")
        .await;
    let lines = texts(&chat);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("declared an EMERGENCY on #1: business outage")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Tara Lin acknowledged the emergency on #1 after 15 min")),
        "{lines:#?}"
    );

    // No emergency on a closed ticket.
    let (_, other) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("Old question", "sev4"))
        .await;
    let other_id = other["id"].as_str().unwrap();
    ana.move_ticket(CUSTOMER_APP_ID, other_id, "closed").await;
    let (status, _) = ana
        .declare_emergency(
            CUSTOMER_APP_ID,
            other_id,
            &json!({"reason": "data_loss", "confirm": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_staff_reply_in_the_ticket_group_is_the_first_response_and_actions_stay_cheap() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    t.dynamodb_requests().await;
    let (_, opened) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("Robots offline", "sev2"))
        .await;
    let (create, ops) = t.dynamodb_requests().await;
    println!("create ticket: {create} DynamoDB requests {ops}");
    // Five for the ticket, the person's and the organisation's ticket quotas (one each), and
    // the author's membership of the service group the ticket is announced in.
    assert!(create <= 8, "{create}: {ops}");
    let group = opened["group_id"].as_str().unwrap();
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    t.dynamodb_requests().await;
    tara.say(PROVIDER_APP_ID, group, "Looking at it now.").await;
    let (reply, ops) = t.dynamodb_requests().await;
    println!("staff reply in a ticket group: {reply} DynamoDB requests {ops}");
    let list = ana.tickets(CUSTOMER_APP_ID).await;
    assert_eq!(list[0]["sla"], "First response met");
    // Replies reach the other side: Tara's reached Ana (the creator); Ana's answer reaches the assignee.
    let queued = t.drain_queue().await;
    let replies: Vec<&Value> = queued
        .iter()
        .filter(|n| en(&n["title"]).contains("replied on #1"))
        .collect();
    assert_eq!(replies.len(), 1, "{queued:#?}");
    assert_eq!(replies[0]["recipient"]["name"], "Ana Ortiz");
    assert_eq!(replies[0]["excerpt"], "Looking at it now.");
    ana.say(CUSTOMER_APP_ID, group, "Thanks, logs attached.")
        .await;
    let queued = t.drain_queue().await;
    assert_eq!(queued.len(), 1, "{queued:#?}");
    assert_eq!(queued[0]["recipient"]["name"], opened["assignee"]);
    // The SLA check has nothing to say about it any more.
    t.clock.advance(3 * 3600);
    let report = t.stack.run_job("SlaCheckFunction").await.unwrap();
    assert_eq!(report["breached"], 0);
    t.dynamodb_requests().await;
    let engineer = if opened["assignee"] == "Eli Novak" {
        "eli"
    } else {
        "erin"
    };
    let e = t.signed_in(PROVIDER_APP_ID, engineer).await;
    t.dynamodb_requests().await;
    e.move_ticket(
        PROVIDER_APP_ID,
        opened["id"].as_str().unwrap(),
        "in_progress",
    )
    .await;
    let (moved, ops) = t.dynamodb_requests().await;
    println!("move ticket: {moved} DynamoDB requests {ops}");
    assert!(moved <= 6, "{moved}: {ops}");
}

#[tokio::test]
async fn another_site_cannot_acknowledge_an_emergency_with_the_tams_cookie() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (_, opened) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("Data gone", "sev2"))
        .await;
    let id = opened["id"].as_str().unwrap().to_owned();
    let (status, body) = ana
        .declare_emergency(
            CUSTOMER_APP_ID,
            &id,
            &json!({"reason": "data_loss", "confirm": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let url = format!(
        "{}/lark/{PROVIDER_APP_ID}/api/tickets/{id}/acknowledge",
        t.base()
    );
    // A form on another site (no JSON needed), and a script there: both refused by origin.
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        let resp = tara
            .client
            .post(&url)
            .header(header, value)
            .header("content-type", "text/plain")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{header}: {value}");
        let body: Value = resp.json().await.unwrap();
        assert!(
            body["message"].as_str().unwrap().contains("another site"),
            "{body}"
        );
    }
    let list = tara.tickets(PROVIDER_APP_ID).await;
    assert_eq!(list[0]["emergency_open"], true, "still unacknowledged");
    // From tamlink's own page it works.
    let resp = tara
        .client
        .post(&url)
        .header("origin", t.base())
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_title_with_line_breaks_or_nul_is_refused_and_uses_no_number() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    for title in ["Robots\noffline", "Robots\r\nBcc: someone", "Nul\u{0}here"] {
        let (status, body) = ana
            .open_ticket(CUSTOMER_APP_ID, &ticket(title, "sev3"))
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{title:?}: {body}"
        );
        assert!(
            body["message"].as_str().unwrap().contains("one line"),
            "{body}"
        );
    }
    assert_eq!(t.tenant(CUSTOMER_APP_ID).await.ticket_seq, 0);
}

#[tokio::test]
async fn an_emergency_tightens_the_first_response_deadline_to_s1s_and_the_sla_check_warns_on_it() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (_, opened) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("Quarterly export slow", "sev4"))
        .await;
    let id = opened["id"].as_str().unwrap().to_owned();
    assert_eq!(opened["sla"], "Response due in 24h 0m");
    let (status, declared) = ana
        .declare_emergency(
            CUSTOMER_APP_ID,
            &id,
            &json!({"reason": "business_outage", "confirm": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{declared}");
    // S1's 30 minutes from now, sooner than S4's day.
    assert_eq!(declared["sla"], "Response due in 30m", "{declared}");
    let list = ana.tickets(CUSTOMER_APP_ID).await;
    assert_eq!(
        list[0]["first_response_due"],
        declared["first_response_due"]
    );
    t.drain_queue().await;
    // The SLA check finds it in its new place and warns 15 minutes before, once.
    t.clock.advance(16 * 60);
    let report = t.stack.run_job("SlaCheckFunction").await.unwrap();
    assert_eq!(report["warned"], 1, "{report}");
    let warned: Vec<String> = sla_titles(&t).await;
    assert!(
        !warned.is_empty()
            && warned
                .iter()
                .all(|w| w.starts_with("First response due soon on #1")),
        "{warned:?}"
    );
    t.clock.advance(15 * 60);
    let report = t.stack.run_job("SlaCheckFunction").await.unwrap();
    assert_eq!(report["breached"], 1, "{report}");
}

#[tokio::test]
async fn the_resolution_clock_pauses_while_waiting_on_the_customer_and_warns_then_breaches_once() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (_, opened) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("Dashboards blank", "sev1"))
        .await;
    let id = opened["id"].as_str().unwrap().to_owned();
    assert_eq!(opened["resolution"], "Resolution due in 4h 0m");
    let due = opened["resolution_due"].as_i64().unwrap();
    let user = if opened["assignee"] == "Eli Novak" {
        "eli"
    } else {
        "erin"
    };
    let eng = t.signed_in(PROVIDER_APP_ID, user).await;
    eng.move_ticket(PROVIDER_APP_ID, &id, "in_progress").await;
    // Waiting on the customer for 2 hours does not count.
    let (_, waiting) = eng
        .move_ticket(PROVIDER_APP_ID, &id, "waiting_on_customer")
        .await;
    assert_eq!(
        waiting["resolution"],
        "Resolution clock paused while waiting on the customer"
    );
    t.clock.advance(2 * 3600);
    let report = t.stack.run_job("SlaCheckFunction").await.unwrap();
    assert_eq!(report["resolution_warned"], 0, "paused: {report}");
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (status, back) = ana.move_ticket(CUSTOMER_APP_ID, &id, "in_progress").await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!(back["resolution_due"].as_i64().unwrap(), due + 2 * 3600);
    assert_eq!(back["resolution"], "Resolution due in 4h 0m");
    t.drain_queue().await;
    // An hour before: the assignee and the TAM are warned, once; at the deadline, told once.
    t.clock.advance(3 * 3600 + 60);
    let report = t.stack.run_job("SlaCheckFunction").await.unwrap();
    assert_eq!(report["resolution_warned"], 1, "{report}");
    let titles: Vec<String> = sla_titles(&t).await;
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles
        .iter()
        .all(|x| x == "Resolution due within the hour on #1: Dashboards blank"));
    let report = t.stack.run_job("SlaCheckFunction").await.unwrap();
    assert_eq!(report["resolution_warned"], 0, "once");
    t.clock.advance(3600);
    let report = t.stack.run_job("SlaCheckFunction").await.unwrap();
    assert_eq!(report["resolution_breached"], 1, "{report}");
    let report = t.stack.run_job("SlaCheckFunction").await.unwrap();
    assert_eq!(report["resolution_breached"], 0, "once");
    let eng = t.signed_in(PROVIDER_APP_ID, user).await;
    let (_, resolved) = eng.move_ticket(PROVIDER_APP_ID, &id, "resolved").await;
    assert_eq!(resolved["resolution"], "Resolved late");
    assert_eq!(resolved["resolution_breached"], true);
    // The TAM sets the organisation's resolution targets; out of order is refused.
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let path = format!("/lark/{PROVIDER_APP_ID}/api/customers/{CUSTOMER_APP_ID}/settings");
    let (status, body) = tara
        .post_json(
            &path,
            &json!({"resolution_minutes": {"sev1": 600, "sev2": 60, "sev3": 4320, "sev4": 7200}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["message"],
        "A more severe ticket cannot have a later resolution target."
    );
    let (status, view) = tara
        .post_json(
            &path,
            &json!({"resolution_minutes": {"sev1": 120, "sev2": 600, "sev3": 4320, "sev4": 7200}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (_, next) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("Alerts late", "sev1"))
        .await;
    assert_eq!(next["resolution"], "Resolution due in 2h 0m");
}

#[tokio::test]
async fn every_ticket_change_leaves_an_audit_entry_shown_on_the_ticket_to_both_sides() {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (_, opened) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("Audit me", "sev3"))
        .await;
    let id = opened["id"].as_str().unwrap().to_owned();
    let group = opened["group_id"].as_str().unwrap().to_owned();
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    tara.move_ticket(PROVIDER_APP_ID, &id, "in_progress").await;
    ana.remind(CUSTOMER_APP_ID, &id).await;
    let entries = t
        .stack
        .ctx
        .store
        .ticket_audit(&app(CUSTOMER_APP_ID), 1)
        .await
        .unwrap();
    let kinds: Vec<&str> = entries.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["ticket_created", "ticket_moved", "ticket_reminded"]);
    assert_eq!(entries[1].actor.name, "Tara Lin");
    assert_eq!(
        entries[1].actor.app_id, PROVIDER_APP_ID,
        "the app they acted through"
    );
    assert_eq!(
        (
            entries[1].changes[0].before.as_deref(),
            entries[1].changes[0].after.as_deref()
        ),
        (Some("assigned"), Some("in_progress"))
    );
    // Both sides read it on the ticket's page.
    ana.get(&format!("/lark/{CUSTOMER_APP_ID}/workbench?group={group}"))
        .await
        .assert_contains("id=\"ticket-history\"")
        .assert_contains("Tara Lin moved it (status: assigned → in_progress)")
        .assert_contains("Ana Ortiz reminded the team");
    tara.get(&format!("/lark/{PROVIDER_APP_ID}/workbench?group={group}"))
        .await
        .assert_contains("Ana Ortiz opened the ticket");
}

/// The on-call channel's posts so far, each as its whole JSON text.
async fn oncall_posts(t: &TestStack) -> Vec<String> {
    t.sandbox_get("/_sandbox/webhooks").await["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["body"].to_string())
        .collect()
}

/// The emergency pages `who` (a staff user) has received, as DMs.
async fn pages_to(t: &TestStack, who: &str) -> usize {
    t.cards(PROVIDER_APP_ID, who)
        .await
        .iter()
        .filter(|c| {
            c["header"]["title"]["content"]
                .as_str()
                .unwrap_or("")
                .to_lowercase()
                .contains("emergency")
        })
        .count()
}

#[tokio::test]
async fn two_emergencies_at_most_wait_unacknowledged_and_their_pages_stop_after_four_with_one_escalation(
) {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let mut ids = Vec::new();
    for title in [
        "Exports failing",
        "Logins failing",
        "Robots offline",
        "Billing wrong",
    ] {
        let (status, body) = ana
            .open_ticket(CUSTOMER_APP_ID, &ticket(title, "sev2"))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        ids.push(body["id"].as_str().unwrap().to_owned());
    }
    t.deliver().await;
    let declare = |id: &str| {
        let (ana, id) = (&ana, id.to_owned());
        async move {
            ana.declare_emergency(
                CUSTOMER_APP_ID,
                &id,
                &json!({"reason": "business_outage", "confirm": true}),
            )
            .await
        }
    };
    let (status, body) = declare(&ids[0]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["emergency"]["paged"],
        json!(["Eli Novak", "Tara Lin", "Mo Haddad"])
    );
    let (status, body) = declare(&ids[1]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A third waits until one of the two is acknowledged, and says which are open.
    let (status, body) = declare(&ids[2]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let refusal = body["message"].as_str().unwrap();
    assert!(
        refusal.starts_with("Acme Robotics already has 2 emergencies that nobody has acknowledged yet: #1 declared by Ana Ortiz, paged "),
        "{refusal}"
    );
    assert!(
        refusal.contains("; #2 declared by Ana Ortiz, paged "),
        "{refusal}"
    );
    let third = ana.tickets(CUSTOMER_APP_ID).await;
    let third = third.iter().find(|x| x["id"] == ids[2].as_str()).unwrap();
    assert_eq!(third["severity"], "sev2", "nothing written");
    assert_eq!(third["emergency"], Value::Null);
    t.deliver().await;
    assert_eq!(pages_to(&t, "mo").await, 2, "one page per emergency");
    // The on-call channel hears once for the organisation: the second comes within 10 minutes.
    assert_eq!(oncall_posts(&t).await.len(), 1);

    // Re-pages: both emergencies, and one on-call post that lists the other one too.
    t.pass_everywhere(15 * 60).await;
    let report = t.stack.run_job("EmergencyRepageFunction").await.unwrap();
    assert_eq!(report["repaged"], 2, "{report}");
    t.deliver().await;
    assert_eq!(pages_to(&t, "mo").await, 4);
    let posts = oncall_posts(&t).await;
    assert_eq!(posts.len(), 2, "{posts:#?}");
    assert!(
        posts[1].contains("Also unacknowledged for this organisation: #"),
        "{}",
        posts[1]
    );
    // Pages 3 and 4, then the pages stop and on-call is told once per emergency.
    for _ in 0..2 {
        t.pass_everywhere(15 * 60).await;
        let report = t.stack.run_job("EmergencyRepageFunction").await.unwrap();
        assert_eq!(report["repaged"], 2, "{report}");
    }
    t.deliver().await;
    assert_eq!(pages_to(&t, "mo").await, 8, "four pages each");
    let before = oncall_posts(&t).await.len();
    t.pass_everywhere(15 * 60).await;
    let report = t.stack.run_job("EmergencyRepageFunction").await.unwrap();
    assert_eq!(report, json!({"repaged": 0, "escalated": 2}));
    t.deliver().await;
    let posts = oncall_posts(&t).await;
    assert_eq!(posts.len(), before + 2, "one escalation each");
    assert!(posts[before].contains("NOBODY ACKNOWLEDGED (4 pages) · Acme Robotics · #"));
    assert!(posts[before].contains("The pages have stopped: whoever is on call, take it now."));
    t.pass_everywhere(60 * 60).await;
    let report = t.stack.run_job("EmergencyRepageFunction").await.unwrap();
    assert_eq!(report, json!({"repaged": 0, "escalated": 0}));
    t.deliver().await;
    assert_eq!(pages_to(&t, "mo").await, 8, "no page after the fourth");
    assert_eq!(oncall_posts(&t).await.len(), before + 2);

    // Still unacknowledged, so still two: the third waits. An acknowledgement frees a place.
    let (status, _) = declare(&ids[2]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let (status, body) = tara.acknowledge(PROVIDER_APP_ID, &ids[0]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = declare(&ids[2]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A ticket that ends unacknowledged frees its place too.
    let (status, body) = ana.move_ticket(CUSTOMER_APP_ID, &ids[1], "closed").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = declare(&ids[3]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn one_organisations_pages_spend_only_its_page_budget_and_another_organisations_pages_and_dms_still_go_out(
) {
    let t = TestStack::demo().await;
    t.activate_other_org(OTHER_CUSTOMER_APP_ID, "Initech", &["erin"])
        .await;
    // A small provider app: 240 calls a month, so each organisation's pages may spend 12.
    let mut provider = t.tenant(PROVIDER_APP_ID).await;
    provider.plan = tamlink::domain::budget::Plan {
        kind: tamlink::domain::budget::PlanKind::Free,
        monthly_calls: 240,
        share_percent: 100,
    };
    t.stack
        .ctx
        .store
        .update_tenant(&provider, &["plan"])
        .await
        .unwrap();
    let page_calls = |org: &'static str| {
        let t = &t;
        async move {
            let month = tamlink::domain::budget::month_of(t.clock.now());
            t.stack
                .ctx
                .store
                .page_calls(&app(org), &month)
                .await
                .unwrap()
        }
    };

    // Acme floods: ten tickets from two people (the eleventh is refused), two emergencies (the
    // third is refused), and their pages repeat.
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    let mut ids = Vec::new();
    for i in 0..10 {
        let who = if i % 2 == 0 { &ana } else { &ben };
        let (status, body) = who
            .open_ticket(CUSTOMER_APP_ID, &ticket(&format!("Flood {i}"), "sev1"))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        ids.push(body["id"].as_str().unwrap().to_owned());
    }
    let (status, _) = ana
        .open_ticket(CUSTOMER_APP_ID, &ticket("One more", "sev1"))
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Ana's own tickets (the even ones): she is in their groups.
    for (i, id) in ids.iter().step_by(2).take(3).enumerate() {
        let (status, body) = ana
            .declare_emergency(
                CUSTOMER_APP_ID,
                id,
                &json!({"reason": "business_outage", "confirm": true}),
            )
            .await;
        let expected = if i < 2 {
            StatusCode::OK
        } else {
            StatusCode::CONFLICT
        };
        assert_eq!(status, expected, "{body}");
    }
    t.deliver().await;
    // Two pages to three people, a CardKit entity and its DM each: 12 calls, the whole budget.
    assert_eq!(page_calls(CUSTOMER_APP_ID).await, 12);
    let mo_pages = pages_to(&t, "mo").await;
    assert_eq!(mo_pages, 2);
    t.pass_everywhere(15 * 60).await;
    let report = t.stack.run_job("EmergencyRepageFunction").await.unwrap();
    assert_eq!(report["repaged"], 2, "{report}");
    t.deliver().await;
    assert_eq!(
        page_calls(CUSTOMER_APP_ID).await,
        12,
        "past its budget, Acme's pages wait for the DM windows like any notification"
    );

    // Initech's emergency pages its team at once, Acme's flood notwithstanding.
    let ivy = t.signed_in(OTHER_CUSTOMER_APP_ID, "ivy").await;
    let (status, opened) = ivy
        .open_ticket(
            OTHER_CUSTOMER_APP_ID,
            &ticket("Our database is down", "sev2"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    let (status, body) = ivy
        .declare_emergency(
            OTHER_CUSTOMER_APP_ID,
            opened["id"].as_str().unwrap(),
            &json!({"reason": "data_loss", "confirm": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    t.deliver().await;
    let initech_pages = |who: &'static str| {
        let t = &t;
        async move {
            t.cards(PROVIDER_APP_ID, who)
                .await
                .iter()
                .filter(|c| {
                    c["header"]["title"]["content"]
                        .as_str()
                        .unwrap_or("")
                        .starts_with("EMERGENCY on #1: Our database is down")
                })
                .count()
        }
    };
    for who in ["erin", "tara", "mo"] {
        assert_eq!(initech_pages(who).await, 1, "{who} was paged at once");
    }
    assert_eq!(page_calls(OTHER_CUSTOMER_APP_ID).await, 6);
    // The provider app's month is not spent: everyone's other DMs still go out (Erin's
    // "assigned" DM for Initech's ticket, in her next window if Acme's took this one).
    t.after(10 * 60).await;
    let erin = t.cards(PROVIDER_APP_ID, "erin").await;
    assert!(
        erin.iter().any(|c| !c.to_string().contains("EMERGENCY")
            && c.to_string().contains("Our database is down")),
        "{erin:#?}"
    );
    let spent = t.calls_counted(PROVIDER_APP_ID).await;
    assert!(spent < 240, "{spent}");

    // The console and the month's report show what Acme's pages spent of their budget.
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let console = tara
        .get(&format!("/lark/{PROVIDER_APP_ID}/workbench"))
        .await;
    console.assert_contains("Emergency pages this month: 12 of the 12 provider-app calls this organisation's pages may spend");
    let month = tamlink::domain::budget::month_of(t.clock.now());
    let csv = tara
        .get(&format!(
            "/lark/{PROVIDER_APP_ID}/api/customers/{CUSTOMER_APP_ID}/report?month={month}&format=csv"
        ))
        .await;
    let header: Vec<&str> = csv.text.lines().next().unwrap().split(',').collect();
    let whole: Vec<&str> = csv.text.lines().nth(1).unwrap().split(',').collect();
    let at = |name: &str| whole[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!((at("page_calls"), at("page_budget")), ("12", "12"));
}

#[tokio::test]
async fn every_colleague_in_the_service_group_sees_each_tickets_summary_and_only_its_group_reads_the_rest(
) {
    let t = TestStack::demo().await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    let (_, opened) = ana
        .open_ticket(
            CUSTOMER_APP_ID,
            &json!({"title": "Payroll export", "description": "Salaries for March look wrong", "severity": "sev2"}),
        )
        .await;
    let group = opened["group_id"].as_str().unwrap();
    let id = opened["id"].as_str().unwrap();
    // Ana, in the ticket's group, reads all of it.
    let mine = ana.tickets(CUSTOMER_APP_ID).await;
    assert_eq!(mine[0]["member"], true);
    assert_eq!(mine[0]["description"], "Salaries for March look wrong");
    // Ben, in the service group only, sees that it exists and how it stands, not what it says;
    // the ticket's own routes agree (404).
    let seen = ben.tickets(CUSTOMER_APP_ID).await;
    assert_eq!(seen.len(), 1);
    let row = &seen[0];
    assert_eq!(
        (
            &row["member"],
            &row["title"],
            &row["status"],
            &row["severity"],
            &row["created_by"]
        ),
        (
            &json!(false),
            &json!("Payroll export"),
            &json!("assigned"),
            &json!("sev2"),
            &json!("Ana Ortiz")
        )
    );
    assert_eq!(row["description"], "");
    assert_eq!(row["history"], json!([]));
    assert_eq!(row["rating"], Value::Null);
    assert!(!row.to_string().contains("Salaries"), "{row}");
    let (status, _) = ben.messages(CUSTOMER_APP_ID, group, "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = ben.remind(CUSTOMER_APP_ID, id).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The workbench says whom to ask, and links only the tickets Ben may open.
    let page = ben.get(&format!("/lark/{CUSTOMER_APP_ID}/workbench")).await;
    page.assert_contains(
        "You are not in this ticket's group: ask Ana Ortiz to add you with Add People.",
    );
    assert!(!page.text.contains(&format!("?group={group}")));
    assert!(!page.text.contains("Salaries"));

    // Ben asks to join; Ana is told once, whoever asks twice in a day.
    let (status, body) = ben.ask_to_join(CUSTOMER_APP_ID, id).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body, json!({"asked": "Ana Ortiz"}));
    let (status, body) = ben.ask_to_join(CUSTOMER_APP_ID, id).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(
        body["message"],
        "You already asked Ana Ortiz today to add you to #1; they have been told."
    );
    let asks: Vec<Value> = t
        .drain_queue()
        .await
        .into_iter()
        .filter(|n| en(&n["title"]).contains("asks to join"))
        .collect();
    assert_eq!(asks.len(), 1, "{asks:#?}");
    assert_eq!(
        en(&asks[0]["title"]),
        "Ben Brooks asks to join #1 Payroll export"
    );
    assert_eq!(asks[0]["recipient"]["name"], "Ana Ortiz");
    assert!(
        !asks[0].to_string().contains("Salaries"),
        "the request carries no content"
    );
    // Ana, already in it, gets a 409; the service team, another organisation and a ticket that
    // does not exist get the ticket's 404.
    let (status, _) = ana.ask_to_join(CUSTOMER_APP_ID, id).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let (status, _) = tara.ask_to_join(PROVIDER_APP_ID, id).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    t.activate_other_org(OTHER_CUSTOMER_APP_ID, "Initech", &["erin"])
        .await;
    let ivy = t.signed_in(OTHER_CUSTOMER_APP_ID, "ivy").await;
    let (status, _) = ivy.ask_to_join(OTHER_CUSTOMER_APP_ID, id).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = ben
        .ask_to_join(CUSTOMER_APP_ID, &format!("{CUSTOMER_APP_ID}.99"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Removed from the service group by the TAM, Ben sees only tickets whose groups he is in,
    // and opens no more (opening one announces it in the service group).
    let (_, his) = ben
        .open_ticket(CUSTOMER_APP_ID, &ticket("Badge reader", "sev4"))
        .await;
    let service = t.service_group(CUSTOMER_APP_ID).await;
    let ben_id = t.open_id(CUSTOMER_APP_ID, "ben").await;
    let (status, body) = tara
        .remove_member(PROVIDER_APP_ID, &service, CUSTOMER_APP_ID, &ben_id)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    let seen = ben.tickets(CUSTOMER_APP_ID).await;
    let numbers: Vec<&Value> = seen.iter().map(|x| &x["number"]).collect();
    assert_eq!(numbers, [&his["number"]], "{seen:#?}");
    assert_eq!(seen[0]["member"], true);
    let (status, body) = ben
        .open_ticket(CUSTOMER_APP_ID, &ticket("Another", "sev4"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        body["message"],
        "You are not in Acme Robotics's service group, so you cannot open tickets here. Ask your TAM to add you back."
    );
    let (_, chat) = ana.messages(CUSTOMER_APP_ID, &service, "").await;
    assert!(
        !texts(&chat).iter().any(|l| l.contains("Another")),
        "nothing announced"
    );
    // Nor ask to join a ticket he no longer sees.
    let (status, _) = ben.ask_to_join(CUSTOMER_APP_ID, id).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // An organisation people join only by invitation: someone who signed in without one sees
    // no ticket and opens none.
    let (status, body) = tara
        .post_json(
            &format!("/lark/{PROVIDER_APP_ID}/api/customers/{CUSTOMER_APP_ID}/settings"),
            &json!({"invite_only": true, "auto_join": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let cara = t.signed_in(CUSTOMER_APP_ID, "cara").await;
    assert_eq!(cara.tickets(CUSTOMER_APP_ID).await, Vec::<Value>::new());
    let (status, _) = cara
        .open_ticket(CUSTOMER_APP_ID, &ticket("Hello?", "sev4"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
