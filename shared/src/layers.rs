//! The layering, checked: reads every module's source and fails on an import circle between
//! top-level modules, on `domain` reaching an adapter, on `store` reaching a use case, and on
//! HTTP types outside the edge. ARCHITECTURE.md draws the same rules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module → the top-level modules its code names (`crate::x`), tests excluded.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let top = rel
                .split('/')
                .next()
                .unwrap()
                .trim_end_matches(".rs")
                .to_owned();
            if top == "lib" || top == "layers" {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            let code = source.split("#[cfg(test)]").next().unwrap_or("");
            let refs = g.entry(top.clone()).or_default();
            for (i, _) in code.match_indices("crate::") {
                let name: String = code[i + 7..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != top {
                    refs.insert(name);
                }
            }
            if code.contains("lambda_http") {
                refs.insert("lambda_http".into());
            }
        }
    }
    g
}

fn reaches(g: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_owned()];
    while let Some(m) = todo.pop() {
        for next in g.get(&m).into_iter().flatten() {
            if next == to {
                return true;
            }
            if seen.insert(next.clone()) {
                todo.push(next.clone());
            }
        }
    }
    false
}

#[test]
fn no_module_imports_itself_through_others() {
    let g = graph();
    for (m, deps) in &g {
        for d in deps {
            assert!(!reaches(&g, d, m), "import circle: {m} -> {d} -> … -> {m}");
        }
    }
}

#[test]
fn domain_owns_the_nouns_and_imports_no_adapter() {
    let g = graph();
    // `i18n` is pure like `clock` and `ids`: the catalogs are compiled in.
    let allowed = ["clock", "error", "i18n", "ids", "msg"];
    for d in &g["domain"] {
        assert!(allowed.contains(&d.as_str()), "domain imports {d}");
    }
}

#[test]
fn store_is_a_pure_adapter_over_the_domain() {
    let g = graph();
    let allowed = ["clock", "config", "domain", "error", "i18n", "ids"];
    for d in &g["store"] {
        assert!(allowed.contains(&d.as_str()), "store imports {d}");
    }
}

#[test]
fn http_types_stay_at_the_edge() {
    let edge = ["handlers", "routes", "runtime", "web"];
    for (m, deps) in graph() {
        if deps.contains("lambda_http") {
            assert!(edge.contains(&m.as_str()), "{m} uses lambda_http");
        }
    }
}

#[test]
fn the_crate_map_in_lib_rs_lists_every_module_and_no_other() {
    let lib = include_str!("lib.rs");
    let declared: BTreeSet<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';'))
        .collect();
    let mapped: BTreeSet<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("//! | [`"))
        .filter_map(|l| l.split('`').next())
        .collect();
    assert_eq!(
        declared, mapped,
        "lib.rs: `pub mod` lines vs the crate map's rows"
    );
}
