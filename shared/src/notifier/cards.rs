//! Lark interactive cards (JSON 2.0, docs/lark.md §6.1). Text that people typed goes into
//! `plain_text` only, never markdown, so nobody can smuggle formatting or `<at>` tags into a card.
//! A digest summarises when it would grow past Lark's 30 KB card limit.
//!
//! Every word tamlink writes on a card is in the reader's language: a card to someone who chose a
//! language is in that language; otherwise it carries every language (`i18n_content` per text,
//! `config.locales`), so each reader's Lark client shows its own, with the organisation's default
//! as the text for clients that ignore it. What people typed is never translated.

use serde_json::{json, Value};

use crate::domain::brand::Brand;
use crate::i18n::{Lang, Text};
use crate::ids::{AppId, OpenId};
use crate::msg;
use crate::notify::{Notification, NotificationKind};
use crate::session::Signer;

/// Lark refuses cards over 30 KB; stay well below it.
pub const CARD_BUDGET_BYTES: usize = 24 * 1024;
pub use crate::store::DIGEST_LINES;

/// Which languages a card speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardLang {
    /// The reader chose this one: it wins over their client's language.
    One(Lang),
    /// Every language, the client picks; `default` is shown where it cannot.
    All { default: Lang },
}

/// Who reads a card: the brand of their app (its AppLinks open in their client), whether that
/// app answers card callbacks (so the card may carry action buttons), and their language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    pub brand: Brand,
    pub actions: bool,
    pub lang: CardLang,
}

impl Reader {
    /// A reader through this organisation's app (`None`: unknown, so links only on Lark) who
    /// chose `chosen` (or nothing: every language, the organisation's first).
    pub fn of(app: Option<&crate::store::Tenant>, chosen: Option<Lang>) -> Self {
        let default = app.and_then(|t| t.lang).unwrap_or_default();
        Self {
            brand: app.map(|t| t.brand).unwrap_or_default(),
            actions: app.is_some_and(|t| t.callback.is_some()),
            lang: match chosen {
                Some(l) => CardLang::One(l),
                None => CardLang::All { default },
            },
        }
    }

    /// The same reader, links only (a digest line cannot act on one ticket).
    pub fn links_only(self) -> Self {
        Self {
            actions: false,
            ..self
        }
    }

    fn default_lang(self) -> Lang {
        match self.lang {
            CardLang::One(l) | CardLang::All { default: l } => l,
        }
    }

    /// A text element's `content` (and `i18n_content` when the card speaks every language),
    /// made by `words` for each language.
    fn text(self, tag: &str, words: impl Fn(Lang) -> String) -> Value {
        let mut v = json!({"tag": tag, "content": words(self.default_lang())});
        if let CardLang::All { .. } = self.lang {
            let per: serde_json::Map<String, Value> = Lang::ALL
                .iter()
                .map(|l| (l.lark().to_owned(), json!(words(*l))))
                .collect();
            v["i18n_content"] = Value::Object(per);
        }
        v
    }

    fn plain(self, words: impl Fn(Lang) -> String) -> Value {
        self.text("plain_text", words)
    }

    fn block(self, words: impl Fn(Lang) -> String) -> Value {
        json!({"tag": "div", "text": self.plain(words)})
    }

    fn card(
        self,
        title: impl Fn(Lang) -> String,
        subtitle: impl Fn(Lang) -> String,
        template: &str,
        elements: Vec<Value>,
    ) -> Value {
        let mut config = json!({"update_multi": true, "summary": self.text("plain_text", &title)});
        config["summary"]
            .as_object_mut()
            .expect("an object")
            .remove("tag");
        if let CardLang::All { .. } = self.lang {
            config["locales"] = json!(Lang::ALL.iter().map(|l| l.lark()).collect::<Vec<_>>());
        }
        json!({
            "schema": "2.0",
            "config": config,
            "header": {"title": self.plain(&title), "subtitle": self.plain(subtitle), "template": template},
            "body": {"elements": elements}
        })
    }

    /// A button that opens a tamlink page: inside Lark's clients through an AppLink (the web app
    /// opens in Lark, signed in without a login page), anywhere else at the page itself.
    fn button(self, key: &str, url: &str) -> Value {
        let mut open = json!({"type": "open_url", "default_url": url});
        if let Some(applink) = applink(url, self.brand) {
            for client in ["pc_url", "ios_url", "android_url"] {
                open[client] = json!(applink);
            }
        }
        json!({
            "tag": "button",
            "type": "primary",
            "text": self.plain(|l| crate::i18n::t(l, key)),
            "behaviors": [open]
        })
    }

    /// A button that calls tamlink back (`callbacks`) with `value` when pressed.
    fn callback_button(self, label: impl Fn(Lang) -> String, value: Value) -> Value {
        json!({
            "tag": "button",
            "type": "danger",
            "text": self.plain(label),
            "behaviors": [{"type": "callback", "value": value}]
        })
    }
}

/// A button value's fields as their signature covers them: every field but `sig`, sorted by
/// name, each as `name=JSON` (Lark hands the value back as it was sent, in any field order).
pub fn press_fields(value: &serde_json::Map<String, Value>) -> String {
    let mut fields: Vec<String> = value
        .iter()
        .filter(|(k, _)| *k != "sig")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    fields.sort();
    fields.join("&")
}

/// Binds every button of `card` that calls tamlink back to the person it is for: its value gains
/// `for` (their open_id) and `sig` (`Signer::sign_press` over the app and the fields). A press
/// whose value does not verify, or whose operator is someone else, is refused (`callbacks`): so
/// whoever saw one press cannot press as another person, on another ticket or another action.
pub fn bind(card: &mut Value, signer: &Signer, app_id: &AppId, recipient: &OpenId) {
    match card {
        Value::Object(node) => {
            if node.get("type").and_then(Value::as_str) == Some("callback") {
                if let Some(value) = node.get_mut("value").and_then(Value::as_object_mut) {
                    bind_value(value, signer, app_id, recipient);
                }
            }
            for child in node.values_mut() {
                bind(child, signer, app_id, recipient);
            }
        }
        Value::Array(children) => {
            for child in children {
                bind(child, signer, app_id, recipient);
            }
        }
        _ => {}
    }
}

/// `card` as `recipient` of `app_id` gets it: its buttons bound to them (`bind`). Without a
/// signer (a function deployed without `SIGNING_KEY_SECRET_ARN`) the buttons stay unbound, every
/// press of them is refused, and the log says why.
pub fn for_recipient(
    signer: Option<&Signer>,
    mut card: Value,
    app_id: &AppId,
    recipient: &OpenId,
) -> Value {
    match signer {
        Some(signer) => bind(&mut card, signer, app_id, recipient),
        None => tracing::error!("no signing key: card buttons cannot be bound to their recipient"),
    }
    card
}

/// One button's value bound to `recipient` (see `bind`).
pub fn bind_value(
    value: &mut serde_json::Map<String, Value>,
    signer: &Signer,
    app_id: &AppId,
    recipient: &OpenId,
) {
    value.insert("for".into(), json!(recipient));
    let sig = signer.sign_press(app_id.as_str(), &press_fields(value));
    value.insert("sig".into(), json!(sig));
}

/// Whether a press's button value is one tamlink signed for this app and this operator.
pub fn bound_to(value: &Value, signer: &Signer, app_id: &AppId, operator: &OpenId) -> bool {
    let Some(fields) = value.as_object() else {
        return false;
    };
    let for_them = fields.get("for").and_then(Value::as_str) == Some(operator.as_str());
    let sig = fields
        .get("sig")
        .and_then(Value::as_str)
        .unwrap_or_default();
    for_them && signer.verify_press(app_id.as_str(), &press_fields(fields), sig)
}

/// Lark's AppLink that opens this page of the app's web app in the client (docs/lark.md §8):
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

fn context_line(n: &Notification) -> String {
    match &n.group_name {
        Some(group) if !group.contains(&n.org_name) => format!("{} · {group}", n.org_name),
        Some(group) => group.clone(),
        None => n.org_name.clone(),
    }
}

/// A notification's excerpt as a card shows it: what people typed in quotes, as typed; what
/// tamlink says, in the reader's language.
fn excerpt(text: &Text, lang: Lang) -> String {
    match text {
        Text::Plain(typed) => msg!("card-quote", text = typed).in_lang(lang),
        said => said.in_lang(lang),
    }
}

/// The card for one notification: title, where it happened, the excerpt and a way back; when
/// the recipient can act from the card, the buttons for what they would do next.
pub fn single(n: &Notification, reader: Reader) -> Value {
    let mut elements = Vec::new();
    if n.excerpt != Text::default() {
        elements.push(reader.block(|l| excerpt(&n.excerpt, l)));
    }
    if let (true, Some(ticket)) = (reader.actions, &n.ticket) {
        elements.extend(actions(n, ticket, reader));
    }
    elements.push(reader.button("card-open", &n.link));
    reader.card(
        |l| n.title.in_lang(l),
        |_| context_line(n),
        colour(n.kind),
        elements,
    )
}

/// The buttons a ticket notification offers its recipient (`callbacks` carries them out with the
/// same rules as the web routes; a move the lifecycle does not allow is answered with a toast).
fn actions(n: &Notification, ticket: &str, reader: Reader) -> Vec<Value> {
    let colleague = n.recipient.app_id == n.org_app_id;
    let go = |key: &'static str, value: Value| {
        reader.callback_button(move |l| crate::i18n::t(l, key), value)
    };
    let to = |status: &str| json!({"action": "move", "ticket": ticket, "to": status});
    match (n.kind, colleague) {
        (NotificationKind::Emergency, false) => {
            vec![go(
                "card-acknowledge",
                json!({"action": "ack", "ticket": ticket}),
            )]
        }
        (
            NotificationKind::TicketAssigned | NotificationKind::Sla | NotificationKind::Reminder,
            false,
        ) => {
            vec![
                go("move-start-work", to("in_progress")),
                go("card-resolve", to("resolved")),
            ]
        }
        (NotificationKind::TicketUpdated, true)
            if n.survey && n.ticket_status == Some(crate::domain::tickets::Status::Resolved) =>
        {
            // How was the support? 1 (poor) to 5 (excellent), with an optional comment: a form
            // whose star buttons submit it (the callback carries the comment as `form_value`).
            let mut elements = vec![json!({
                "tag": "input",
                "name": "comment",
                "max_length": crate::domain::tickets::RATING_COMMENT_CHARS,
                "placeholder": reader.plain(|l| crate::i18n::t(l, "card-rating-comment"))
            })];
            elements.extend((1..=5).map(|score| {
                let mut b = reader.callback_button(
                    |_| "★".repeat(score),
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
                "card-remind",
                json!({"action": "remind", "ticket": ticket}),
            )]
        }
        _ => Vec::new(),
    }
}

/// A ticket's card after someone acted on it from a card: where it stands now. `note` says what
/// was done.
pub fn ticket(
    t: &crate::tickets::TicketView,
    note: &crate::i18n::Msg,
    link: &str,
    reader: Reader,
) -> Value {
    reader.card(
        |_| format!("#{} {}", t.number, t.title),
        |l| format!("{} · {}", t.severity.label(l), t.status.label(l)),
        "indigo",
        vec![
            reader.block(|l| note.in_lang(l)),
            reader.button("card-open", link),
        ],
    )
}

/// What an emergency page's card becomes once someone acknowledged it (the reply to their
/// press, and every other copy of the page). How long it took, not a clock time: right in every
/// reader's time zone.
pub fn acknowledged(t: &crate::tickets::TicketView, link: &str, reader: Reader) -> Value {
    let (by, minutes) = t
        .emergency
        .as_ref()
        .map(|e| {
            (
                e.acknowledged_by.clone().unwrap_or_default(),
                e.acknowledged_at
                    .map(|at| ((at - e.declared_at).max(0) + 59) / 60)
                    .unwrap_or_default(),
            )
        })
        .unwrap_or_default();
    reader.card(
        |l| msg!("note-emergency-acknowledged", number = t.number).in_lang(l),
        |_| t.title.clone(),
        "green",
        vec![
            reader.block(|l| msg!("note-pages-stopped", who = &by, minutes = minutes).in_lang(l)),
            reader.button("card-open", link),
        ],
    )
}

/// The card posted to the provider's on-call channel (read in the provider's brand, `reader`).
pub fn oncall(post: &crate::notify::OnCallPost, reader: Reader) -> Value {
    reader.card(
        |l| post.title.in_lang(l),
        |l| crate::i18n::t(l, "card-oncall"),
        "carmine",
        vec![
            reader.block(|l| post.text.in_lang(l)),
            reader.button("card-open-ticket", &post.link),
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
    let total = lines.len() + more;
    let line = |n: &Notification, l: Lang| {
        msg!(
            "card-digest-line",
            context = context_line(n),
            title = n.title.in_lang(l),
            excerpt = excerpt(&n.excerpt, l)
        )
        .in_lang(l)
    };
    // A card carrying every language holds each line once per language: half the budget each.
    let per_lang = match reader.lang {
        CardLang::One(_) => 1,
        CardLang::All { .. } => Lang::ALL.len(),
    };
    let mut elements = Vec::new();
    let mut used = 0usize;
    let mut listed = 0usize;
    for n in lines.iter().take(DIGEST_LINES) {
        used += Lang::ALL
            .iter()
            .map(|l| line(n, *l).len())
            .max()
            .unwrap_or(0)
            * per_lang;
        if used > CARD_BUDGET_BYTES / 2 {
            break;
        }
        elements.push(reader.block(|l| line(n, l)));
        listed += 1;
    }
    let rest = total - listed;
    if rest > 0 {
        elements.push(reader.block(|l| msg!("card-digest-more", count = rest).in_lang(l)));
    }
    let newest = latest.or(lines.last());
    elements.push(reader.button("card-open-latest", newest.map_or("", |n| n.link.as_str())));
    let orgs: std::collections::BTreeSet<&str> = lines
        .iter()
        .chain(latest)
        .map(|n| n.org_name.as_str())
        .collect();
    let subtitle = orgs.into_iter().collect::<Vec<_>>().join(", ");
    reader.card(
        |l| msg!("card-digest-title", count = total).in_lang(l),
        |_| subtitle.clone(),
        "wathet",
        elements,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::Recipient;

    const LARK: Reader = Reader {
        brand: Brand::Lark,
        actions: false,
        lang: CardLang::One(Lang::En),
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
            title: msg!(
                "note-mentioned",
                who = format!("Ana ({i})"),
                group = "Acme Robotics · Enterprise Service"
            )
            .into(),
            excerpt: excerpt.into(),
            link: format!("https://support.example.com/lark/cli_a/workbench?group=g_1#{i}"),
            created_at: 0,
            card_key: None,
            ticket: None,
            ticket_status: None,
            only_update: false,
            survey: false,
            seq: None,
            revision: None,
        }
    }

    #[test]
    fn a_single_card_is_schema_2_with_title_context_excerpt_and_link() {
        let c = single(&mention(1, "robots are down"), LARK);
        assert_eq!(c["schema"], "2.0");
        assert_eq!(c["config"]["update_multi"], true);
        assert_eq!(
            c["header"]["title"]["content"],
            "Ana (1) mentioned you in Acme Robotics · Enterprise Service"
        );
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

    fn chinese_mention(i: usize) -> Notification {
        let mut n = mention(i, &"芯片测试集群无法启动，请尽快处理。".repeat(8));
        n.org_name = "莲花半导体".into();
        n.group_name = Some("莲花半导体 · 企业服务".into());
        n.title = msg!(
            "note-mentioned",
            who = "王伟",
            group = "莲花半导体 · 企业服务"
        )
        .into();
        n
    }

    #[test]
    fn a_card_to_someone_who_chose_a_language_is_in_it_alone() {
        let zh = Reader {
            lang: CardLang::One(Lang::ZhCn),
            ..LARK
        };
        let c = single(&mention(1, "robots are down"), zh);
        assert_eq!(
            c["header"]["title"]["content"],
            "Ana (1) 在 Acme Robotics · Enterprise Service 中提到了你"
        );
        assert!(c["header"]["title"].get("i18n_content").is_none());
        assert!(c["config"].get("locales").is_none());
        let button = &c["body"]["elements"][1]["text"]["content"];
        assert_eq!(button, "在 tamlink 中打开");
        // What was typed is shown as typed, in every language.
        assert!(c.to_string().contains("robots are down"));
    }

    #[test]
    fn a_card_to_someone_who_did_not_choose_carries_every_language() {
        let all = Reader {
            lang: CardLang::All {
                default: Lang::ZhCn,
            },
            ..LARK
        };
        let c = single(&mention(1, "hi"), all);
        assert_eq!(
            c["config"]["locales"],
            serde_json::json!(["en_us", "zh_cn"])
        );
        let title = &c["header"]["title"];
        assert_eq!(
            title["content"], title["i18n_content"]["zh_cn"],
            "the org's default first"
        );
        assert_eq!(
            title["i18n_content"]["en_us"],
            "Ana (1) mentioned you in Acme Robotics · Enterprise Service"
        );
        let button = &c["body"]["elements"][1]["text"];
        assert_eq!(button["i18n_content"]["en_us"], "Open in tamlink");
        assert_eq!(button["i18n_content"]["zh_cn"], "在 tamlink 中打开");
        assert_eq!(
            c["config"]["summary"]["i18n_content"]["zh_cn"],
            title["i18n_content"]["zh_cn"]
        );
    }

    /// Lark refuses cards over 30 KB (docs/lark.md §6.3). A digest of 200 Chinese items, in one
    /// language and in every language, stays under our 24 KB budget; the sizes are printed for
    /// the README (`cargo test -p tamlink-shared digest_sizes -- --nocapture`).
    #[test]
    fn digest_sizes_of_200_chinese_and_english_items_stay_under_the_card_limit() {
        let zh: Vec<_> = (0..20).map(chinese_mention).collect();
        let en: Vec<_> = (0..20).map(|i| mention(i, &"x".repeat(140))).collect();
        for (name, items, lang) in [
            ("Chinese, one language", &zh, CardLang::One(Lang::ZhCn)),
            (
                "Chinese, every language",
                &zh,
                CardLang::All {
                    default: Lang::ZhCn,
                },
            ),
            ("English, one language", &en, CardLang::One(Lang::En)),
            (
                "English, every language",
                &en,
                CardLang::All { default: Lang::En },
            ),
        ] {
            let reader = Reader { lang, ..LARK };
            let c = digest(items, 180, Some(&items[0]), reader);
            let size = c.to_string().len();
            println!("digest of 200 ({name}): {size} bytes");
            assert!(size < CARD_BUDGET_BYTES, "{name}: {size} bytes");
            let rest = c["body"]["elements"]
                .as_array()
                .unwrap()
                .iter()
                .rev()
                .nth(1)
                .unwrap()
                .to_string();
            assert!(
                rest.contains("more") || rest.contains("还有"),
                "{name}: counts the rest: {rest}"
            );
        }
        let c = digest(
            &zh,
            180,
            None,
            Reader {
                lang: CardLang::One(Lang::ZhCn),
                ..LARK
            },
        );
        assert_eq!(c["header"]["title"]["content"], "你离开期间有 200 条更新");
    }
}
