//! Chat pushed over the WebSocket API: a page follows its group with the ticket it was given,
//! from tamlink's own origin; every new message (posts and tamlink's own lines) reaches the
//! pages following the group, in each page's language; removing someone stops their pushes at
//! once; refused connections store nothing; a page that went away is forgotten; and a frame a
//! page has no reason to send closes its socket without effect.

use reqwest::StatusCode;
use serde_json::json;
use tamlink_tests::*;

/// Opens `user`'s page of `group` (the service group when `None`) and its socket.
async fn follow(t: &TestStack, b: &Browser, app_id: &str, group: &str) -> (String, Socket) {
    let page = b
        .get(&format!("/lark/{app_id}/workbench?group={group}"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let url = page.socket_url();
    let socket = Socket::open(&url, t.base()).await.expect("connected");
    (url, socket)
}

#[tokio::test]
async fn a_new_message_reaches_every_page_following_its_group_and_no_other() {
    let t = TestStack::demo_with_pushes().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    let (_, ticket) = t.anas_ticket("Robot arm drifts").await;
    let ticket_group = ticket["group_id"].as_str().unwrap().to_owned();

    let (_, mut anas) = follow(&t, &ana, CUSTOMER_APP_ID, &group).await;
    let (_, mut bens) = follow(&t, &ben, CUSTOMER_APP_ID, &group).await;
    // The TAM follows it from the staff console.
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    let (_, mut taras) = follow(&t, &tara, PROVIDER_APP_ID, &group).await;
    let (_, mut anas_ticket_page) = follow(&t, &ana, CUSTOMER_APP_ID, &ticket_group).await;
    assert_eq!(t.followers(&group).await.len(), 3);

    let posted = ben
        .say(CUSTOMER_APP_ID, &group, "the arm drifts 2 mm")
        .await;
    let seq = posted["seq"].as_u64().unwrap();
    for socket in [&mut anas, &mut bens, &mut taras] {
        // (The ticket's line in the service group may still be on its way.)
        let m = socket.pushed_from(seq).await;
        assert_eq!(m["text"], "the arm drifts 2 mm");
        assert_eq!(m["seq"], posted["seq"]);
        assert_eq!(m["author"]["name"], "Ben Brooks");
    }
    // The page of another group hears nothing of it.
    assert!(matches!(anas_ticket_page.hear(1.0).await, Heard::Nothing));

    // Messages arrive in order, each once.
    for n in 1..=3 {
        ana.say(CUSTOMER_APP_ID, &group, &format!("line {n}")).await;
    }
    for n in 1..=3 {
        assert_eq!(bens.pushed_from(seq + 1).await["text"], format!("line {n}"));
    }
    assert!(matches!(bens.hear(1.0).await, Heard::Nothing));
}

#[tokio::test]
async fn removing_someone_stops_their_pushes_at_once_and_tamlinks_lines_come_in_each_readers_language(
) {
    let t = TestStack::demo_with_pushes().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    let tara = t.signed_in(PROVIDER_APP_ID, "tara").await;
    ana.choose_language(CUSTOMER_APP_ID, "zh-CN").await;
    let (_, mut anas) = follow(&t, &ana, CUSTOMER_APP_ID, &group).await;
    let (_, mut bens) = follow(&t, &ben, CUSTOMER_APP_ID, &group).await;

    let ben_id = t.open_id(CUSTOMER_APP_ID, "ben").await;
    let (status, body) = tara
        .remove_member(PROVIDER_APP_ID, &group, CUSTOMER_APP_ID, &ben_id)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Ana reads tamlink's line about it in her language...
    let line = anas.pushed().await;
    assert_eq!(line["kind"], "system");
    assert!(
        line["text"].as_str().unwrap().contains("Ben Brooks"),
        "{line}"
    );
    assert!(
        !line["text"].as_str().unwrap().is_ascii(),
        "in Chinese: {line}"
    );
    // ...Ben's page gets not even that: its socket is closed and forgotten.
    assert!(matches!(bens.hear(5.0).await, Heard::Closed));
    wait_until(|| async { t.followers(&group).await.len() == 1 }).await;
    ana.say(CUSTOMER_APP_ID, &group, "Ben has left us").await;
    assert_eq!(anas.pushed().await["text"], "Ben has left us");
}

#[tokio::test]
async fn signing_out_everywhere_stops_pushes_to_the_pages_of_that_session() {
    let t = TestStack::demo_with_pushes().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    let (_, mut anas) = follow(&t, &ana, CUSTOMER_APP_ID, &group).await;
    let (_, mut bens) = follow(&t, &ben, CUSTOMER_APP_ID, &group).await;
    assert_eq!(ana.logout_everywhere(CUSTOMER_APP_ID).await, StatusCode::OK);
    let posted = ben.say(CUSTOMER_APP_ID, &group, "are you there?").await;
    let seq = posted["seq"].as_u64().unwrap();
    assert_eq!(bens.pushed_from(seq).await["text"], "are you there?");
    // Ana's page, whose session she ended, hears nothing more: its socket is closed.
    loop {
        match anas.hear(5.0).await {
            Heard::Frame(f) if f["message"]["seq"].as_u64() < Some(seq) => continue,
            Heard::Closed => break,
            other => panic!("a signed-out page heard {other:?}"),
        }
    }
    wait_until(|| async { t.followers(&group).await.len() == 1 }).await;
}

#[tokio::test]
async fn refused_connections_store_nothing() {
    let t = TestStack::demo_with_pushes().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let page = ana
        .get(&format!("/lark/{CUSTOMER_APP_ID}/workbench?group={group}"))
        .await;
    let url = url::Url::parse(&page.socket_url()).unwrap();
    let with = |changes: &[(&str, &str)]| {
        let mut u = url.clone();
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .chain(
                changes
                    .iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| (k.to_string(), v.to_string())),
            )
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
        u.to_string()
    };
    let ticket = url
        .query_pairs()
        .find(|(k, _)| k == "ticket")
        .unwrap()
        .1
        .into_owned();
    let (payload, sig) = ticket.split_once('.').unwrap();
    let (_, other) = t.anas_ticket("another group").await;
    let other_group = other["group_id"].as_str().unwrap();
    let cases: Vec<(String, &str, StatusCode)> = vec![
        // No ticket: not signed in.
        (with(&[("ticket", "")]), t.base(), StatusCode::UNAUTHORIZED),
        // A forged one.
        (
            with(&[("ticket", &format!("{payload}x.{sig}"))]),
            t.base(),
            StatusCode::UNAUTHORIZED,
        ),
        // Another site's page.
        (
            url.to_string(),
            "https://evil.example",
            StatusCode::FORBIDDEN,
        ),
        // Ana's ticket offered for another app, and for another group.
        (
            with(&[("app", OTHER_CUSTOMER_APP_ID)]),
            t.base(),
            StatusCode::FORBIDDEN,
        ),
        (
            with(&[("group", other_group)]),
            t.base(),
            StatusCode::FORBIDDEN,
        ),
        // Not an id at all.
        (
            with(&[("group", "g_<script>")]),
            t.base(),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (url, origin, expected) in cases {
        match Socket::open(&url, origin).await {
            Err(status) => assert_eq!(status, expected, "{url} from {origin}"),
            Ok(_) => panic!("{url} from {origin} was accepted"),
        }
    }
    // Signed out everywhere: the page's ticket dies with the session.
    assert_eq!(ana.logout_everywhere(CUSTOMER_APP_ID).await, StatusCode::OK);
    assert_eq!(
        Socket::open(url.as_str(), t.base()).await.err(),
        Some(StatusCode::UNAUTHORIZED)
    );
    assert!(t.followers(&group).await.is_empty());
    assert!(t.followers(other_group).await.is_empty());
}

#[tokio::test]
async fn a_page_that_went_away_is_forgotten_and_an_unexpected_frame_closes_the_socket() {
    let t = TestStack::demo_with_pushes().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;

    // A keep-alive is fine; the socket stays and still hears the group.
    let (url, mut anas) = follow(&t, &ana, CUSTOMER_APP_ID, &group).await;
    anas.send(r#"{"action":"ping"}"#).await;
    ben.say(CUSTOMER_APP_ID, &group, "still there?").await;
    assert_eq!(anas.pushed().await["text"], "still there?");

    // Anything else closes it, and does nothing else: no message is posted.
    let (_, before) = ana.messages(CUSTOMER_APP_ID, &group, "").await;
    anas.send(r#"{"action":"post","text":"sneaky"}"#).await;
    assert!(matches!(anas.hear(5.0).await, Heard::Closed));
    let (_, after) = ana.messages(CUSTOMER_APP_ID, &group, "").await;
    assert_eq!(before["cursor"], after["cursor"]);
    // Its close ran $disconnect: nothing follows the group any more.
    wait_until(|| async { t.followers(&group).await.is_empty() }).await;

    // A page that vanished without a close (API Gateway does not promise a $disconnect): the
    // next push finds it gone (410) and forgets it.
    let socket = Socket::open(&url, t.base()).await.unwrap();
    assert_eq!(t.followers(&group).await.len(), 1);
    let id = t.followers(&group).await[0].clone();
    assert!(t.stack.sockets.vanish(&id));
    drop(socket);
    ben.say(CUSTOMER_APP_ID, &group, "anyone?").await;
    wait_until(|| async { t.followers(&group).await.is_empty() }).await;
    let (status, _) = ana
        .post_message(CUSTOMER_APP_ID, &group, &json!({"text": "back"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

/// Polls `check` for up to 10 seconds.
async fn wait_until<F, Fut>(check: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("not within 10 seconds");
}

/// One socket ticket cannot multiply a group's pushes: a session follows a group on at most
/// `MAX_PER_SESSION` connections, and each one more closes its oldest.
#[tokio::test]
async fn a_sessions_connections_to_a_group_are_capped_and_the_oldest_gives_way() {
    use tamlink::domain::socket::MAX_PER_SESSION;
    let t = TestStack::demo_with_pushes().await;
    let group = t.service_group(CUSTOMER_APP_ID).await;
    let ana = t.signed_in(CUSTOMER_APP_ID, "ana").await;
    let (url, first) = follow(&t, &ana, CUSTOMER_APP_ID, &group).await;
    let mut sockets = vec![first];
    for _ in 1..MAX_PER_SESSION + 20 {
        t.clock.advance(1);
        sockets.push(Socket::open(&url, t.base()).await.expect("connected"));
    }
    assert_eq!(t.followers(&group).await.len(), MAX_PER_SESSION);
    // The oldest were closed; the newest hear each message once.
    assert!(matches!(sockets[0].hear(2.0).await, Heard::Closed));
    let posted = t
        .signed_in(CUSTOMER_APP_ID, "ben")
        .await
        .say(CUSTOMER_APP_ID, &group, "one push per page")
        .await;
    let seq = posted["seq"].as_u64().unwrap();
    let n = sockets.len();
    for socket in &mut sockets[n - MAX_PER_SESSION..] {
        assert_eq!(socket.pushed_from(seq).await["text"], "one push per page");
    }
    // Ben's own page is a session of its own.
    let ben = t.signed_in(CUSTOMER_APP_ID, "ben").await;
    let (_, _bens) = follow(&t, &ben, CUSTOMER_APP_ID, &group).await;
    assert_eq!(t.followers(&group).await.len(), MAX_PER_SESSION + 1);
}
