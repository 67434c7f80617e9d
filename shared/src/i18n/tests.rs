//! The catalogs are complete and used: every key in every language, the same placeholders in
//! each, no key nobody uses, and every use of a key gives the placeholders it needs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fluent_syntax::ast;

use super::*;

/// Message and attribute ids of one language, with the variables each one uses.
fn catalog(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for (l, name, source) in CATALOGS {
        if *l != lang {
            continue;
        }
        let res = fluent_syntax::parser::parse(*source)
            .unwrap_or_else(|(_, e)| panic!("{} {name} does not parse: {e:?}", lang.tag()));
        for entry in res.body {
            if let ast::Entry::Message(m) = entry {
                if let Some(v) = &m.value {
                    let prior = out.insert(m.id.name.to_owned(), vars(v));
                    assert!(prior.is_none(), "{}: {} twice", lang.tag(), m.id.name);
                }
                for a in &m.attributes {
                    out.insert(format!("{}.{}", m.id.name, a.id.name), vars(&a.value));
                }
            }
        }
    }
    out
}

fn vars(p: &ast::Pattern<&str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expr_vars(expression, &mut out);
        }
    }
    out
}

fn expr_vars(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Inline(i) => inline_vars(i, out),
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, out);
            for v in variants {
                out.extend(vars(&v.value));
            }
        }
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression } => expr_vars(expression, out),
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for p in &arguments.positional {
                inline_vars(p, out);
            }
        }
        _ => {}
    }
}

/// Every source file that may use a key: Rust and the page templates.
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
                // This file names keys only in its own tests.
                if path.ends_with("i18n/tests.rs") {
                    continue;
                }
                // Comments do not use keys (they may show how to).
                let text: String = std::fs::read_to_string(&path)
                    .unwrap()
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .collect::<Vec<_>>()
                    .join("\n");
                out.push((path.display().to_string(), text));
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out
}

/// A use of a key in the source: `msg!("key", a = …)` in Rust, `t("key", a=…)` in templates
/// (and `t(lang, "key")` in Rust, which takes no placeholders).
struct Use {
    file: String,
    key: String,
    args: BTreeSet<String>,
}

/// The text between a call's opening parenthesis (at `open`) and its closing one.
fn call_body(src: &str, open: usize) -> &str {
    let bytes = src.as_bytes();
    let (mut depth, mut i, mut in_str) = (0usize, open, None::<u8>);
    while i < bytes.len() {
        let c = bytes[i];
        match in_str {
            Some(_) if c == b'\\' => i += 1,
            Some(q) if c == q => in_str = None,
            Some(_) => {}
            None if c == b'"' => in_str = Some(c),
            None if c == b'(' => depth += 1,
            None if c == b')' => {
                depth -= 1;
                if depth == 0 {
                    return &src[open + 1..i];
                }
            }
            None => {}
        }
        i += 1;
    }
    &src[open + 1..]
}

/// Splits a call's arguments at its top-level commas.
fn top_level_args(body: &str) -> Vec<&str> {
    let (mut out, mut depth, mut start, mut in_str) = (Vec::new(), 0i32, 0, false);
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if in_str {
            if c == b'\\' {
                i += 1;
            } else if c == b'"' {
                in_str = false;
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b',' if depth == 0 => {
                    out.push(body[start..i].trim());
                    start = i + 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    if !body[start..].trim().is_empty() {
        out.push(body[start..].trim());
    }
    out
}

fn literal(s: &str) -> Option<String> {
    s.strip_prefix('"')?.strip_suffix('"').map(str::to_owned)
}

fn uses() -> Vec<Use> {
    let mut out = Vec::new();
    for (file, src) in sources() {
        for pattern in ["msg!(", "t("] {
            let mut from = 0;
            while let Some(at) = src[from..].find(pattern) {
                let start = from + at;
                from = start + pattern.len();
                // `t(` only as a whole word (not `set(`, `split(`…).
                if pattern == "t(" {
                    let before = src[..start].chars().last().unwrap_or(' ');
                    if before.is_alphanumeric() || before == '_' || before == '.' || before == '!' {
                        continue;
                    }
                }
                let body = call_body(&src, start + pattern.len() - 1);
                let parts = top_level_args(body);
                // `t(lang, "key")` in Rust; `t("key", …)` in templates; `msg!("key", …)`.
                let (key, rest) = match parts.as_slice() {
                    [first, rest @ ..] if literal(first).is_some() => (literal(first), rest),
                    [_, second, rest @ ..] if pattern == "t(" && literal(second).is_some() => {
                        (literal(second), rest)
                    }
                    _ => (None, &[][..]),
                };
                let Some(key) = key else { continue };
                let args = rest
                    .iter()
                    .filter_map(|a| a.split_once('=').map(|(n, _)| n.trim().to_owned()))
                    .collect();
                out.push(Use {
                    file: file.clone(),
                    key,
                    args,
                });
            }
        }
    }
    out
}

#[test]
fn every_language_has_every_key_with_the_same_placeholders() {
    let en = catalog(Lang::En);
    assert!(!en.is_empty());
    for lang in Lang::ALL {
        let other = catalog(lang);
        let missing: Vec<_> = en.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", lang.tag());
        assert!(
            extra.is_empty(),
            "{} has keys English lacks: {extra:?}",
            lang.tag()
        );
        for (key, vars) in &en {
            assert_eq!(
                &other[key],
                vars,
                "{} {key}: placeholders differ",
                lang.tag()
            );
        }
    }
}

/// A refusal a person reads is a catalog message: an `AppError` made from an English literal or
/// `format!` would reach a Chinese reader in English.
#[test]
fn every_refusal_is_a_catalog_message() {
    let variants = [
        "BadRequest",
        "Unauthorized",
        "Forbidden",
        "NotFound",
        "Conflict",
        "Unprocessable",
        "TooSoon",
        "Gone",
    ];
    for (file, src) in sources() {
        let code = src.split("#[cfg(test)]").next().unwrap_or_default();
        for v in variants {
            for (at, _) in code.match_indices(&format!("AppError::{v}(")) {
                let after = code[at + v.len() + 11..].trim_start();
                assert!(
                    !after.starts_with('"') && !after.starts_with("format!"),
                    "{file}: AppError::{v} with literal text; use msg!"
                );
            }
        }
    }
}

#[test]
fn every_message_renders_in_every_language_given_its_placeholders() {
    // A reference to a message that does not exist (`{ name }` instead of `{ $name }`) or any
    // other resolver error fails here, not on a page.
    for lang in Lang::ALL {
        for (key, vars) in catalog(lang) {
            let mut m = Msg::new(&key);
            for v in vars {
                m = m.arg(&v, "x");
            }
            assert!(!m.in_lang(lang).is_empty(), "{} {key} is empty", lang.tag());
        }
    }
}

#[test]
fn every_key_is_used_and_every_use_names_a_key_with_its_placeholders() {
    let en = catalog(Lang::En);
    let uses = uses();
    let sources = sources();
    for key in en.keys() {
        let quoted = format!("\"{key}\"");
        // Keys built in code name themselves in full as literals (`Status::label_key`), so a
        // search for the quoted key finds every use.
        assert!(
            sources.iter().any(|(_, s)| s.contains(&quoted)),
            "catalog key {key} is used nowhere: remove it from every catalog"
        );
    }
    for u in &uses {
        let Some(vars) = en.get(&u.key) else {
            panic!("{}: key {} is in no catalog", u.file, u.key);
        };
        let missing: Vec<_> = vars.difference(&u.args).collect();
        assert!(
            missing.is_empty(),
            "{}: {} is used without {missing:?}",
            u.file,
            u.key
        );
    }
}

#[test]
fn messages_render_in_each_language_with_plurals_and_placeholders() {
    let m = crate::msg!("card-digest-title", count = 1);
    assert_eq!(m.in_lang(Lang::En), "1 update while you were away");
    let m = crate::msg!("card-digest-title", count = 200);
    assert_eq!(m.in_lang(Lang::En), "200 updates while you were away");
    assert_eq!(m.in_lang(Lang::ZhCn), "你离开期间有 200 条更新");
    // Stored and read back as it was.
    let json = serde_json::to_string(&m).unwrap();
    assert_eq!(serde_json::from_str::<Msg>(&json).unwrap(), m);
}

#[test]
#[should_panic(expected = "catalog en: card-digest-title")]
fn a_missing_placeholder_fails_a_test_instead_of_breaking_a_page() {
    crate::msg!("card-digest-title").in_lang(Lang::En);
}

#[test]
fn languages_are_chosen_from_tags_and_accept_language() {
    assert_eq!(Lang::parse("zh-Hans-CN"), Some(Lang::ZhCn));
    assert_eq!(Lang::parse("zh_cn"), Some(Lang::ZhCn));
    assert_eq!(Lang::parse("en-GB"), Some(Lang::En));
    assert_eq!(Lang::parse("ja_jp"), None);
    assert_eq!(Lang::parse(""), None);
    assert_eq!(
        Lang::from_accept_language("fr-CH, fr;q=0.9, zh-CN;q=0.8, en;q=0.7"),
        Some(Lang::ZhCn)
    );
    assert_eq!(
        Lang::from_accept_language("en-US,en;q=0.9,zh;q=0.95"),
        Some(Lang::En)
    );
    assert_eq!(
        Lang::from_accept_language("zh;q=0, en;q=0.1"),
        Some(Lang::En)
    );
    assert_eq!(Lang::from_accept_language("de, ja"), None);
    assert_eq!(Lang::from_accept_language("not a header;;q=x"), None);
}
