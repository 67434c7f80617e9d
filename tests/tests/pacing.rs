//! Lark's rate limits held across notifier instances: one counter item per app and minute takes
//! room for each send atomically, so any number of instances sending at once stay within the
//! app's second and minute and the person's second; a send without room waits a second or few
//! and nothing is lost or sent twice. And fairness: the notification queue is a fair queue, so
//! one organisation's backlog does not hold back another's notification.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tamlink::domain::budget::LARK_PACE;
use tamlink::ids::{AppId, OpenId};
use tamlink::notify::{Notification, NotificationKind, Recipient};
use tamlink::store::PersonKey;
use tamlink_gateway::poller;
use tamlink_tests::*;

fn acme() -> AppId {
    AppId::parse(CUSTOMER_APP_ID).unwrap()
}

/// `count` people of Acme in the sandbox, by open_id.
async fn people(t: &TestStack, count: usize) -> Vec<OpenId> {
    let users: Vec<_> = (0..count)
        .map(|i| json!({"user_id": format!("pace{i:03}"), "tenant_key": "tk_acme", "name": format!("Colleague {i}")}))
        .collect();
    t.sandbox_post("/_sandbox/users", &json!({ "users": users }))
        .await;
    let mut out = Vec::new();
    for i in 0..count {
        let id = t.open_id(CUSTOMER_APP_ID, &format!("pace{i:03}")).await;
        out.push(OpenId::parse(&id).unwrap());
    }
    out
}

/// How many of these sends (one each to `people`, all at once, as many instances would) got
/// room at `now`.
async fn takes_at_once(
    store: &Arc<tamlink::store::Store>,
    app: &AppId,
    people: Vec<OpenId>,
    now: i64,
) -> usize {
    let tries = people.into_iter().map(|p| {
        let (store, app) = (store.clone(), app.clone());
        tokio::spawn(async move {
            let person = PersonKey {
                app_id: &app,
                open_id: &p,
            };
            store
                .take_send_slot(person, 1, LARK_PACE, now)
                .await
                .unwrap()
        })
    });
    futures::future::join_all(tries)
        .await
        .into_iter()
        .filter(|r| *r.as_ref().unwrap())
        .count()
}

/// DMs Acme's bot has sent so far.
async fn sent(t: &TestStack) -> usize {
    t.sandbox_get(&format!("/_sandbox/messages?app_id={CUSTOMER_APP_ID}"))
        .await["messages"]
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn instances_taking_room_at_once_never_exceed_the_apps_second_minute_or_a_persons_second() {
    let t = TestStack::demo().await;
    let store = Arc::new(t.stack.ctx.store.clone());
    let app = acme();
    let everyone = people(&t, 100).await;
    let now = t.stack.ctx.now();
    let now = now - now.rem_euclid(60); // the start of a minute

    // A hundred sends for a hundred people in one second, all at once: the second's room.
    let taken = takes_at_once(&store, &app, everyone.clone(), now).await;
    assert_eq!(taken as i64, LARK_PACE.per_second);

    // Ten sends to one person in the next second: the person's room, however many instances.
    let taken = takes_at_once(&store, &app, vec![everyone[0].clone(); 10], now + 1).await;
    assert_eq!(taken as i64, LARK_PACE.per_person_second);

    // The minute: second after second, until the minute's room is gone.
    let mut in_minute = LARK_PACE.per_second + LARK_PACE.per_person_second;
    let mut second = 2;
    let mut refused_at = None;
    'minute: while second < 60 {
        for p in &everyone {
            let person = PersonKey {
                app_id: &app,
                open_id: p,
            };
            if store
                .take_send_slot(person, 1, LARK_PACE, now + second)
                .await
                .unwrap()
            {
                in_minute += 1;
            } else if in_minute >= LARK_PACE.per_minute {
                refused_at = Some(second);
                break 'minute;
            } else {
                break;
            }
        }
        second += 1;
    }
    assert_eq!(in_minute, LARK_PACE.per_minute);
    assert!(refused_at.is_some(), "the minute's room ran out");
    // A new minute has room again, and another app never shared any of it.
    let person = PersonKey {
        app_id: &app,
        open_id: &everyone[1],
    };
    assert!(store
        .take_send_slot(person, 1, LARK_PACE, now + 60)
        .await
        .unwrap());
    let provider = AppId::parse(PROVIDER_APP_ID).unwrap();
    let person = PersonKey {
        app_id: &provider,
        open_id: &everyone[1],
    };
    assert!(store
        .take_send_slot(person, 1, LARK_PACE, now + 59)
        .await
        .unwrap());
}

#[tokio::test]
async fn a_burst_of_dms_goes_out_at_the_apps_pace_from_several_instances_none_lost_none_twice() {
    let t = TestStack::demo().await;
    let everyone = people(&t, 60).await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let batch: Vec<Notification> = everyone
        .iter()
        .enumerate()
        .map(|(i, p)| mention(&t, &acme(), p, &group, i))
        .collect();
    tamlink::notify::enqueue(&t.stack.ctx, &batch)
        .await
        .unwrap();

    // Three notifier instances at once; the clock moves a second for each second waited. (Up
    // to two minutes: on a loaded machine a send can outlast the Lark client's 10 s timeout and
    // is retried 10 s later, or later still after being paced; CI once saw 58 of 60 within 30 s.)
    let mut per_second = Vec::new();
    for _ in 0..120 {
        let before = sent(&t).await;
        loop {
            let ctx = &t.stack.ctx;
            let rounds = futures::future::join_all(
                (0..3).map(|_| poller::poll_once(ctx, poller::NOTIFICATIONS, 0)),
            )
            .await;
            if rounds.iter().all(|r| *r.as_ref().unwrap() == 0) {
                break;
            }
        }
        per_second.push(sent(&t).await - before);
        let (visible, waiting) = poller::queue_depth(&t.stack.ctx, poller::NOTIFICATIONS)
            .await
            .unwrap();
        if visible + waiting == 0 {
            break;
        }
        t.clock.advance(1);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    println!("DMs per second: {per_second:?}");
    assert_eq!(per_second[0] as i64, LARK_PACE.per_second);
    assert!(
        per_second.iter().all(|n| *n as i64 <= LARK_PACE.per_second),
        "{per_second:?}"
    );
    // Nothing went to the dead-letter queue.
    let dlq = t
        .stack
        .resources
        .queue_url("NotificationDeadLetterQueue")
        .unwrap()
        .to_owned();
    let dead = t
        .stack
        .ctx
        .sqs
        .get_queue_attributes()
        .queue_url(dlq)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
        .send()
        .await
        .unwrap();
    assert_eq!(
        dead.attributes().unwrap()
            [&aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages],
        "0"
    );
    // Everyone got exactly one, and Lark never had to refuse one.
    let mut got: Vec<String> = t
        .sandbox_get(&format!("/_sandbox/messages?app_id={CUSTOMER_APP_ID}"))
        .await["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["receive_id"].as_str().unwrap_or_default().to_owned())
        .collect();
    got.sort();
    let before = got.len();
    got.dedup();
    assert_eq!(got.len(), before, "nobody got two");
    assert_eq!(got.len(), 60);
    let calls = t.sandbox_get("/_sandbox/calls").await.to_string();
    assert!(!calls.contains("99991400"), "no 429 from Lark: {calls}");
}

#[tokio::test]
async fn one_organisations_backlog_does_not_hold_back_anothers_notification() {
    let t = TestStack::demo().await;
    t.activate_other_org(OTHER_CUSTOMER_APP_ID, "Initech", &["eli"])
        .await;
    t.deliver().await;
    // Acme has a backlog of 200 mentions for its people...
    let acme_people = people(&t, 50).await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let backlog: Vec<Notification> = (0..200)
        .map(|i| {
            let mut n = mention(&t, &acme(), &acme_people[i % 50], &group, i);
            n.id = format!("backlog.{i}");
            n
        })
        .collect();
    tamlink::notify::enqueue(&t.stack.ctx, &backlog)
        .await
        .unwrap();
    // ...when Initech's TAM is mentioned once, after all of it.
    let tara = OpenId::parse(&t.open_id(PROVIDER_APP_ID, "tara").await).unwrap();
    let initech = AppId::parse(OTHER_CUSTOMER_APP_ID).unwrap();
    let provider = AppId::parse(PROVIDER_APP_ID).unwrap();
    let mut one = mention(&t, &provider, &tara, &group, 999);
    one.org_app_id = initech;
    one.org_name = "Initech".into();
    one.excerpt = "Initech needs you".to_string().into();
    let taras_before = t.dms(PROVIDER_APP_ID, "tara").await.len();
    tamlink::notify::enqueue(&t.stack.ctx, &[one])
        .await
        .unwrap();

    // The queue is a fair queue (tenant: the organisation). Once Acme's messages take the
    // notifier's time, Initech's is received ahead of Acme's backlog: within two batches.
    for _ in 0..2 {
        poller::poll_once(&t.stack.ctx, poller::NOTIFICATIONS, 0)
            .await
            .unwrap();
    }
    let taras = t.dms(PROVIDER_APP_ID, "tara").await;
    assert_eq!(taras.len(), taras_before + 1, "Tara's mention went out");
    assert!(taras
        .last()
        .unwrap()
        .to_string()
        .contains("Initech needs you"));
    let (visible, waiting) = poller::queue_depth(&t.stack.ctx, poller::NOTIFICATIONS)
        .await
        .unwrap();
    assert!(
        visible + waiting >= 180,
        "Acme's backlog still waits: {visible} + {waiting}"
    );
    // And Acme's backlog then goes out as before.
    t.deliver().await;
    assert_eq!(sent_to_acme_people(&t).await, 50);
}

/// A mention of `to` (through `app`) in Acme's service group.
fn mention(t: &TestStack, app: &AppId, to: &OpenId, group: &str, i: usize) -> Notification {
    Notification {
        id: format!("mention.{i}"),
        kind: NotificationKind::Mention,
        urgent: false,
        recipient: Recipient {
            app_id: app.clone(),
            open_id: to.clone(),
            name: format!("Person {i}"),
        },
        org_app_id: acme(),
        org_name: "Acme Robotics".into(),
        group_id: Some(tamlink::ids::GroupId::parse(group).unwrap()),
        group_name: Some("Acme Robotics · Enterprise Service".into()),
        actor: Some("Tara Lin".into()),
        title: "Tara Lin mentioned you".into(),
        excerpt: format!("look {i}").into(),
        link: format!("{}/lark/{CUSTOMER_APP_ID}/workbench", t.base()),
        created_at: t.stack.ctx.now(),
        card_key: None,
        ticket: None,
        ticket_status: None,
        only_update: false,
        survey: false,
        seq: None,
        revision: None,
    }
}

/// How many of the pace users got a DM from Acme's bot.
async fn sent_to_acme_people(t: &TestStack) -> usize {
    let messages = t
        .sandbox_get(&format!("/_sandbox/messages?app_id={CUSTOMER_APP_ID}"))
        .await;
    let mut people: Vec<String> = messages["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["recipient"].as_str())
        .filter(|r| r.starts_with("pace"))
        .map(str::to_owned)
        .collect();
    people.sort();
    people.dedup();
    people.len()
}
