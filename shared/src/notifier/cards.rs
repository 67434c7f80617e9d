//! Lark interactive cards (JSON 2.0, lark-api.md §6.1). Text that people typed goes into
//! `plain_text` only, never markdown, so nobody can smuggle formatting or `<at>` tags into a card.
//! A digest summarises when it would grow past Lark's 30 KB card limit.

use serde_json::{json, Value};

use crate::domain::brand::Brand;
use crate::notify::{Notification, NotificationKind};

/// Lark refuses cards over 30 KB; stay well below it.
pub const CARD_BUDGET_BYTES: usize = 24 * 1024;
pub use crate::store::DIGEST_LINES;

fn plain(text: &str) -> Value {
    json!({"tag": "plain_text", "content": text})
}

fn text_block(text: &str) -> Value {
    json!({"tag": "div", "text": plain(text)})
}

/// A button that opens a tamlink page: inside Lark's clients through an AppLink (the web app
/// opens in Lark, signed in without a login page), anywhere else at the page itself.
fn button(label: &str, url: &str, reader: Reader) -> Value {
    let mut open = json!({"type": "open_url", "default_url": url});
    if let Some(applink) = applink(url, reader.brand) {
        for client in ["pc_url", "ios_url", "android_url"] {
            open[client] = json!(applink);
        }
    }
    json!({
        "tag": "button",
        "type": "primary",
        "text": plain(label),
        "behaviors": [open]
    })
}

/// Lark's AppLink that opens this page of the app's web app in the client (lark-api.md §8.2):
/// `lk_target_url` names the exact page (honoured from client 7.27); `path` and the page's own
/// query parameters do the same for older clients (the path replaces the configured homepage's).
/// The host is the reader's brand's: Lark's client does not open Feishu's AppLinks.
fn applink(url: &str, brand: Brand) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let mut segments = parsed.path_segments()?;
    let app = match (segments.next(), segments.next()) {
        (Some("lark"), Some(app)) if crate::ids::AppId::parse(app).is_ok() => app.to_owned(),
        _ => return None,
    };
    let mut link = url::Url::parse(&format!("{}/client/web_app/open", brand.applink_url())).ok()?;
    {
        let mut q = link.query_pairs_mut();
        q.append_pair("appId", &app);
        q.append_pair("path", parsed.path());
        for (k, v) in parsed.query_pairs() {
            q.append_pair(&k, &v);
        }
        q.append_pair("lk_target_url", url);
    }
    Some(link.into())
}

fn colour(kind: NotificationKind) -> &'static str {
    match kind {
        NotificationKind::Mention => "blue",
        NotificationKind::Budget => "orange",
        NotificationKind::TicketAssigned => "turquoise",
        NotificationKind::TicketUpdated => "indigo",
        NotificationKind::Reminder => "orange",
        NotificationKind::Sla => "red",
        NotificationKind::Emergency => "carmine",
        NotificationKind::EmergencyAcknowledged => "green",
    }
}

fn card(title: &str, subtitle: &str, template: &str, elements: Vec<Value>) -> Value {
    json!({
        "schema": "2.0",
        "config": {"update_multi": true, "summary": {"content": title}},
        "header": {"title": plain(title), "subtitle": plain(subtitle), "template": template},
        "body": {"elements": elements}
    })
}

fn context_line(n: &Notification) -> String {
    match &n.group_name {
        Some(group) if !group.contains(&n.org_name) => format!("{} · {group}", n.org_name),
        Some(group) => group.clone(),
        None => n.org_name.clone(),
    }
}

/// A button that calls tamlink back (`callbacks`) with `value` when pressed.
fn callback_button(label: &str, value: Value) -> Value {
    json!({
        "tag": "button",
        "type": "danger",
        "text": plain(label),
        "behaviors": [{"type": "callback", "value": value}]
    })
}

/// Who reads a card: the brand of their app (its AppLinks open in their client) and whether
/// that app answers card callbacks, so the card may carry action buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    pub brand: Brand,
    pub actions: bool,
}

impl Reader {
    /// A reader through this organisation's app (`None`: unknown, so links only on Lark).
    pub fn of(app: Option<&crate::store::Tenant>) -> Self {
        Self {
            brand: app.map(|t| t.brand).unwrap_or_default(),
            actions: app.is_some_and(|t| t.callback.is_some()),
        }
    }

    /// The same reader, links only (a digest line cannot act on one ticket).
    pub fn links_only(self) -> Self {
        Self {
            actions: false,
            ..self
        }
    }
}

/// The card for one notification: title, where it happened, the excerpt and a way back; when
/// the recipient can act from the card, the buttons for what they would do next.
pub fn single(n: &Notification, reader: Reader) -> Value {
    let mut elements = Vec::new();
    if !n.excerpt.is_empty() {
        elements.push(text_block(&format!("“{}”", n.excerpt)));
    }
    if let (true, Some(ticket)) = (reader.actions, &n.ticket) {
        elements.extend(actions(n, ticket));
    }
    elements.push(button("Open in tamlink", &n.link, reader));
    card(&n.title, &context_line(n), colour(n.kind), elements)
}

/// The buttons a ticket notification offers its recipient (`callbacks` carries them out with the
/// same rules as the web routes; a move the lifecycle does not allow is answered with a toast).
fn actions(n: &Notification, ticket: &str) -> Vec<Value> {
    let colleague = n.recipient.app_id == n.org_app_id;
    let go = |label: &str, value: Value| callback_button(label, value);
    let to = |status: &str| json!({"action": "move", "ticket": ticket, "to": status});
    match (n.kind, colleague) {
        (NotificationKind::Emergency, false) => {
            vec![go(
                "Acknowledge",
                json!({"action": "ack", "ticket": ticket}),
            )]
        }
        (
            NotificationKind::TicketAssigned | NotificationKind::Sla | NotificationKind::Reminder,
            false,
        ) => {
            vec![
                go("Start work", to("in_progress")),
                go("Resolve", to("resolved")),
            ]
        }
        (NotificationKind::TicketUpdated, true)
            if n.ticket_status == Some(crate::domain::tickets::Status::Resolved) =>
        {
            // How was the support? 1 (poor) to 5 (excellent), with an optional comment: a form
            // whose star buttons submit it (the callback carries the comment as `form_value`).
            let mut elements = vec![json!({
                "tag": "input",
                "name": "comment",
                "max_length": crate::domain::tickets::RATING_COMMENT_CHARS,
                "placeholder": plain("A comment for the team (optional)")
            })];
            elements.extend((1..=5).map(|score| {
                let mut b = go(
                    &"★".repeat(score),
                    json!({"action": "rate", "ticket": ticket, "score": score}),
                );
                b["name"] = json!(format!("rate_{score}"));
                b["form_action_type"] = json!("submit");
                b
            }));
            vec![json!({"tag": "form", "name": "rating", "elements": elements})]
        }
        (NotificationKind::TicketUpdated, true) => {
            vec![go(
                "Remind the team",
                json!({"action": "remind", "ticket": ticket}),
            )]
        }
        _ => Vec::new(),
    }
}

/// A ticket's card after someone acted on it from a card: where it stands now.
pub fn ticket(t: &crate::tickets::TicketView, note: &str, link: &str, reader: Reader) -> Value {
    card(
        &format!("#{} {}", t.number, t.title),
        &format!("{} · {}", t.severity_label, t.status_label),
        "indigo",
        vec![text_block(note), button("Open in tamlink", link, reader)],
    )
}

/// What an emergency page's card becomes once someone acknowledged it (the reply to their
/// press, and every other copy of the page).
pub fn acknowledged(t: &crate::tickets::TicketView, link: &str, reader: Reader) -> Value {
    let (by, at) = t
        .emergency
        .as_ref()
        .map(|e| {
            (
                e.acknowledged_by.clone().unwrap_or_default(),
                e.acknowledged_at
                    .map(crate::clock::format_utc)
                    .unwrap_or_default(),
            )
        })
        .unwrap_or_default();
    card(
        &format!("Emergency on #{} acknowledged", t.number),
        &t.title,
        "green",
        vec![
            text_block(&format!("{by} acknowledged it at {at}. The pages stopped.")),
            button("Open in tamlink", link, reader),
        ],
    )
}

/// The card posted to the provider's on-call channel (read in the provider's brand, `reader`).
pub fn oncall(post: &crate::notify::OnCallPost, reader: Reader) -> Value {
    card(
        &post.title,
        "tamlink on-call",
        "carmine",
        vec![
            text_block(&post.text),
            button("Open the ticket", &post.link, reader),
        ],
    )
}

/// One card for everything that waited while the window was closed, oldest first: the first
/// lines in full, then a count of the rest, so 1 or 1,000 items fit the same card.
pub fn digest(
    lines: &[Notification],
    more: usize,
    latest: Option<&Notification>,
    reader: Reader,
) -> Value {
    if let ([only], 0) = (lines, more) {
        return single(only, reader.links_only());
    }
    let title = format!("{} updates while you were away", lines.len() + more);
    let mut elements = Vec::new();
    let mut used = 0usize;
    let mut listed = 0usize;
    for n in lines.iter().take(DIGEST_LINES) {
        let line = format!("• {} — {}: “{}”", context_line(n), n.title, n.excerpt);
        used += line.len();
        if used > CARD_BUDGET_BYTES / 2 {
            break;
        }
        elements.push(text_block(&line));
        listed += 1;
    }
    let rest = lines.len() + more - listed;
    if rest > 0 {
        elements.push(text_block(&format!(
            "…and {rest} more. Open tamlink to see everything."
        )));
    }
    let newest = latest.or(lines.last());
    elements.push(button(
        "Open the latest",
        newest.map_or("", |n| n.link.as_str()),
        reader,
    ));
    let orgs: std::collections::BTreeSet<&str> = lines
        .iter()
        .chain(latest)
        .map(|n| n.org_name.as_str())
        .collect();
    let subtitle = orgs.into_iter().collect::<Vec<_>>().join(", ");
    card(&title, &subtitle, "wathet", elements)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::Recipient;

    const LARK: Reader = Reader {
        brand: Brand::Lark,
        actions: false,
    };

    fn mention(i: usize, excerpt: &str) -> Notification {
        Notification {
            id: format!("n{i}"),
            kind: NotificationKind::Mention,
            urgent: false,
            recipient: Recipient {
                app_id: "cli_a".into(),
                open_id: "ou_a".into(),
                name: "Tara".into(),
            },
            org_app_id: "cli_c".into(),
            org_name: "Acme Robotics".into(),
            group_id: Some("g_1".into()),
            group_name: Some("Acme Robotics · Enterprise Service".into()),
            actor: Some("Ana".into()),
            title: format!("Ana mentioned you ({i})"),
            excerpt: excerpt.into(),
            link: format!("https://support.example.com/lark/cli_a/workbench?group=g_1#{i}"),
            created_at: 0,
            card_key: None,
            ticket: None,
            ticket_status: None,
            only_update: false,
        }
    }

    #[test]
    fn a_single_card_is_schema_2_with_title_context_excerpt_and_link() {
        let c = single(&mention(1, "robots are down"), LARK);
        assert_eq!(c["schema"], "2.0");
        assert_eq!(c["config"]["update_multi"], true);
        assert_eq!(c["header"]["title"]["content"], "Ana mentioned you (1)");
        assert_eq!(
            c["header"]["subtitle"]["content"],
            "Acme Robotics · Enterprise Service"
        );
        assert_eq!(c["header"]["template"], "blue");
        let body = c["body"]["elements"].to_string();
        assert!(body.contains("robots are down"));
        assert!(body.contains("https://support.example.com/lark/cli_a/workbench?group=g_1#1"));
    }

    #[test]
    fn open_buttons_open_the_exact_page_inside_lark_and_the_page_elsewhere() {
        let c = single(&mention(1, "hi"), LARK);
        let open = &c["body"]["elements"][1]["behaviors"][0];
        let page = "https://support.example.com/lark/cli_a/workbench?group=g_1#1";
        assert_eq!(open["default_url"], page, "a browser that is not Lark");
        let pc = url::Url::parse(open["pc_url"].as_str().unwrap()).unwrap();
        assert_eq!(pc.host_str(), Some("applink.larksuite.com"));
        assert_eq!(pc.path(), "/client/web_app/open");
        let q: std::collections::HashMap<_, _> = pc.query_pairs().into_owned().collect();
        assert_eq!(q["appId"], "cli_a");
        assert_eq!(q["path"], "/lark/cli_a/workbench");
        assert_eq!(q["group"], "g_1");
        assert_eq!(q["lk_target_url"], page);
        assert_eq!(open["ios_url"], open["pc_url"]);
        assert_eq!(open["android_url"], open["pc_url"]);
        assert_eq!(applink("https://example.com/elsewhere", Brand::Lark), None);
        // A Feishu reader's client opens Feishu's AppLinks.
        let feishu = Reader {
            brand: Brand::Feishu,
            ..LARK
        };
        let c = single(&mention(1, "hi"), feishu);
        let pc = c["body"]["elements"][1]["behaviors"][0]["pc_url"]
            .as_str()
            .unwrap();
        assert!(pc.starts_with("https://applink.feishu.cn/client/web_app/open?appId=cli_a"));
    }

    #[test]
    fn typed_text_stays_plain_text() {
        let c = single(&mention(1, "**bold** <at id=all></at>"), LARK);
        let block = &c["body"]["elements"][0];
        assert_eq!(block["tag"], "div");
        assert_eq!(block["text"]["tag"], "plain_text");
    }

    #[test]
    fn a_digest_of_200_long_items_stays_under_the_card_limit_and_counts_the_rest() {
        let items: Vec<_> = (0..20).map(|i| mention(i, &"x".repeat(140))).collect();
        let c = digest(&items, 180, Some(&mention(199, "latest")), LARK);
        let size = c.to_string().len();
        assert!(size < CARD_BUDGET_BYTES, "{size} bytes");
        assert_eq!(
            c["header"]["title"]["content"],
            "200 updates while you were away"
        );
        let body = c["body"]["elements"].to_string();
        assert!(body.contains("…and 180 more"), "{body}");
        assert!(body.contains("#199"), "links to the latest");
    }

    #[test]
    fn a_digest_of_one_is_just_that_card() {
        let one = vec![mention(7, "hi")];
        assert_eq!(digest(&one, 0, None, LARK), single(&one[0], LARK));
        let c = digest(&one, 2, Some(&mention(9, "x")), LARK);
        assert_eq!(
            c["header"]["title"]["content"],
            "3 updates while you were away"
        );
    }
}
