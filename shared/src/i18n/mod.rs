//! English and Simplified Chinese. Every string a person reads comes from the message catalogs
//! in `shared/locales/{en,zh-CN}/*.ftl` (Project Fluent: placeholders, CLDR plural rules), compiled
//! into the binary. What people typed (messages, titles, names) is never translated: it travels
//! as a placeholder's value.
//!
//! A `Msg` is a key and its arguments: what handlers, system lines and notifications carry, and
//! what is stored, so it can be rendered in whichever language its reader chose, later.

mod lang;

pub use lang::Lang;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};

/// The catalogs, per language, in the order they are loaded.
pub const CATALOGS: &[(Lang, &str, &str)] = &[
    (
        Lang::En,
        "pages.ftl",
        include_str!("../../locales/en/pages.ftl"),
    ),
    (
        Lang::En,
        "chat.ftl",
        include_str!("../../locales/en/chat.ftl"),
    ),
    (
        Lang::En,
        "cards.ftl",
        include_str!("../../locales/en/cards.ftl"),
    ),
    (
        Lang::En,
        "errors.ftl",
        include_str!("../../locales/en/errors.ftl"),
    ),
    (
        Lang::En,
        "tickets.ftl",
        include_str!("../../locales/en/tickets.ftl"),
    ),
    (
        Lang::ZhCn,
        "pages.ftl",
        include_str!("../../locales/zh-CN/pages.ftl"),
    ),
    (
        Lang::ZhCn,
        "chat.ftl",
        include_str!("../../locales/zh-CN/chat.ftl"),
    ),
    (
        Lang::ZhCn,
        "cards.ftl",
        include_str!("../../locales/zh-CN/cards.ftl"),
    ),
    (
        Lang::ZhCn,
        "errors.ftl",
        include_str!("../../locales/zh-CN/errors.ftl"),
    ),
    (
        Lang::ZhCn,
        "tickets.ftl",
        include_str!("../../locales/zh-CN/tickets.ftl"),
    ),
];

/// A value for a placeholder: a number (which plural rules can select on) or text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Arg {
    Num(i64),
    Text(String),
    /// Another message, rendered in the same language first (a fix inside "…in the console").
    Msg(Box<Msg>),
}

impl From<Msg> for Arg {
    fn from(m: Msg) -> Self {
        Arg::Msg(Box::new(m))
    }
}

macro_rules! arg_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Self {
                Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
arg_from_int!(i64, i32, u64, u32, u8, usize);

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Text(s.clone())
    }
}

/// A message to render in its reader's language: a catalog key and its placeholders' values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Msg {
    pub key: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, Arg>,
}

impl Msg {
    pub fn new(key: &str) -> Self {
        Self {
            key: key.to_owned(),
            args: BTreeMap::new(),
        }
    }

    pub fn arg(mut self, name: &str, value: impl Into<Arg>) -> Self {
        self.args.insert(name.to_owned(), value.into());
        self
    }

    /// The message in `lang`.
    pub fn in_lang(&self, lang: Lang) -> String {
        render(lang, &self.key, &self.args)
    }
}

/// English, for logs and for `Display` (an error's log line).
impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.in_lang(Lang::En))
    }
}

/// Words for a reader: a catalog message, rendered in their language when shown, or plain text
/// from outside the catalogs (what people typed, Lark's own words). Stored and queued as either a
/// `Msg` object or a plain string, so items written before the catalogs read as plain text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Text {
    Msg(Msg),
    Plain(String),
}

impl Text {
    pub fn in_lang(&self, lang: Lang) -> String {
        match self {
            Text::Msg(m) => m.in_lang(lang),
            Text::Plain(s) => s.clone(),
        }
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::Plain(String::new())
    }
}

/// English (logs, and `Display`).
impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.in_lang(Lang::En))
    }
}

impl From<Msg> for Text {
    fn from(m: Msg) -> Self {
        Text::Msg(m)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text::Plain(s)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::Plain(s.to_owned())
    }
}

/// `msg!("key", name = value, …)`: a `Msg`. The catalog test reads these calls from the source
/// and checks that each key exists and every placeholder its messages use is given.
#[macro_export]
macro_rules! msg {
    ($key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::Msg::new($key)$(.arg(stringify!($name), $value))*
    };
}

/// The text of a catalog key without placeholders, in `lang`.
pub fn t(lang: Lang, key: &str) -> String {
    render(lang, key, &BTreeMap::new())
}

type Bundle = FluentBundle<FluentResource>;

fn bundles() -> &'static [(Lang, Bundle)] {
    static BUNDLES: OnceLock<Vec<(Lang, Bundle)>> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        Lang::ALL
            .iter()
            .map(|&lang| {
                let mut bundle = FluentBundle::new_concurrent(vec![lang.langid()]);
                // No Unicode isolation marks around placeholders: they would end up in cards,
                // titles and copied text.
                bundle.set_use_isolating(false);
                for (l, name, source) in CATALOGS {
                    if *l == lang {
                        let res =
                            FluentResource::try_new((*source).to_owned()).unwrap_or_else(|_| {
                                panic!("{} {name} parses (catalog test)", lang.tag())
                            });
                        bundle
                            .add_resource(res)
                            .unwrap_or_else(|_| panic!("{} {name}: no duplicate keys", lang.tag()));
                    }
                }
                (lang, bundle)
            })
            .collect()
    })
}

fn bundle(lang: Lang) -> &'static Bundle {
    &bundles()
        .iter()
        .find(|(l, _)| *l == lang)
        .expect("every language has a bundle")
        .1
}

/// Renders a key (`key` or `key.attribute`). A missing key or placeholder is a bug: tests and
/// debug builds fail on it; a release build logs it and shows the key, never a broken page.
fn render(lang: Lang, key: &str, args: &BTreeMap<String, Arg>) -> String {
    let b = bundle(lang);
    let (id, attr) = match key.split_once('.') {
        Some((id, attr)) => (id, Some(attr)),
        None => (key, None),
    };
    let pattern = b.get_message(id).and_then(|m| match attr {
        Some(a) => m.get_attribute(a).map(|a| a.value()),
        None => m.value(),
    });
    let Some(pattern) = pattern else {
        return broken(lang, key, "no such key");
    };
    let mut fargs = FluentArgs::new();
    for (name, value) in args {
        match value {
            Arg::Num(n) => fargs.set(name.as_str(), FluentValue::from(*n)),
            Arg::Text(s) => fargs.set(name.as_str(), FluentValue::from(s.as_str())),
            Arg::Msg(m) => fargs.set(name.as_str(), FluentValue::from(m.in_lang(lang))),
        }
    }
    let mut errors = Vec::new();
    let out = b.format_pattern(pattern, Some(&fargs), &mut errors);
    if !errors.is_empty() {
        return broken(lang, key, &format!("{errors:?}"));
    }
    out.into_owned()
}

fn broken(lang: Lang, key: &str, why: &str) -> String {
    if cfg!(debug_assertions) {
        panic!("catalog {}: {key}: {why}", lang.tag());
    }
    tracing::error!(
        lang = lang.tag(),
        key,
        why,
        "catalog message could not be rendered"
    );
    key.to_owned()
}

#[cfg(test)]
mod tests;
