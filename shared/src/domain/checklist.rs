//! Judges a customer's Lark app against the integration guide. Every failed item carries the
//! exact fix, phrased as the step the customer's admin takes in their brand's developer console.
//! Labels and fixes are catalog messages, stored as such, so each reader sees them in their
//! language; items stored before the catalogs read as the English they were.

use serde::{Deserialize, Serialize};

use super::brand::Brand;
use super::lark_app::{AppInfo, AppVersion, ScopeGrant, TenantInfo};
use super::setup::{card_callback_url, homepage_url, redirect_urls, REQUIRED_SCOPES};
use crate::i18n::{Msg, Text};
use crate::msg;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckItem {
    pub key: String,
    pub label: Text,
    pub passed: bool,
    /// A blocking failure prevents activation; a warning does not.
    pub blocking: bool,
    pub fix: Option<Text>,
}

impl CheckItem {
    fn pass(key: impl Into<String>, label: Msg) -> Self {
        Self {
            key: key.into(),
            label: label.into(),
            passed: true,
            blocking: true,
            fix: None,
        }
    }

    fn fail(key: impl Into<String>, label: Msg, fix: Msg) -> Self {
        Self {
            key: key.into(),
            label: label.into(),
            passed: false,
            blocking: true,
            fix: Some(fix.into()),
        }
    }

    fn check(key: &str, label: Msg, ok: bool, fix: impl FnOnce() -> Msg) -> Self {
        if ok {
            Self::pass(key, label)
        } else {
            Self::fail(key, label, fix())
        }
    }
}

/// What Lark told us about the app; a call that failed (e.g. for a missing scope) is `None`.
pub struct LarkFacts<'a> {
    pub grants: &'a [ScopeGrant],
    pub app: Option<&'a AppInfo>,
    pub version: Option<&'a AppVersion>,
    pub tenant: Option<&'a TenantInfo>,
}

pub fn evaluate(
    facts: &LarkFacts<'_>,
    typed_org_name: &str,
    base: &str,
    app_id: &str,
    brand: Brand,
) -> Vec<CheckItem> {
    let product = brand.product();
    let mut items = vec![CheckItem::pass(
        "credentials",
        msg!("check-credentials", product = product),
    )];
    items.extend(
        REQUIRED_SCOPES
            .iter()
            .map(|scope| scope_item(facts.grants, scope)),
    );
    items.push(published_item(facts.app));
    items.push(bot_item(facts.version));
    items.push(homepage_item(facts.version, base, app_id));
    items.push(redirect_item(facts.app, base, app_id));
    items.push(tenant_name_item(facts.tenant, typed_org_name, brand));
    items.push(callback_item(facts.app, facts.version, base, app_id));
    // Every fix is a step in the brand's own developer console: say which one, with the link.
    let console = brand.console_url(app_id);
    for fix in items.iter_mut().filter_map(|i| i.fix.as_mut()) {
        if let Text::Msg(m) = fix {
            *m = msg!("check-fix-in-console", fix = m.clone(), console = &console);
        }
    }
    items
}

/// Optional, never blocking: whether the app's card callbacks come to this deployment. Lark may
/// report the request URL on the app (`callback.request_url`, §4.1) or, for the legacy card
/// request URL, on the version's bot ability (§4.2); when it reports neither, the item says how.
fn callback_item(
    app: Option<&AppInfo>,
    version: Option<&AppVersion>,
    base: &str,
    app_id: &str,
) -> CheckItem {
    let expected = card_callback_url(base, app_id);
    let reported = app
        .and_then(|a| a.callback.as_ref())
        .map(|c| c.request_url.trim_end_matches('/').to_owned())
        .filter(|u| !u.is_empty())
        .or_else(|| {
            version
                .and_then(|v| v.ability.bot.as_ref())
                .and_then(|b| b["card_request_url"].as_str())
                .map(|u| u.trim_end_matches('/').to_owned())
                .filter(|u| !u.is_empty())
        });
    let mut item = match reported {
        Some(url) if url == expected => CheckItem::pass("callback", msg!("check-callback")),
        Some(url) => CheckItem::fail(
            "callback",
            msg!("check-callback"),
            msg!("check-callback-elsewhere", url = url, expected = &expected),
        ),
        // Optional and not set up (or not reported): nothing is wrong; the hint says how.
        None => CheckItem {
            fix: Some(msg!("check-callback-how", expected = &expected).into()),
            ..CheckItem::pass("callback", msg!("check-callback-not-set-up"))
        },
    };
    item.blocking = false;
    item
}

/// Never blocking, judged from what tamlink stores rather than what Lark says: whether the app's
/// card callbacks are encrypted and signed. Without an Encrypt Key the only proof of a press is
/// the Verification Token inside its body, so whoever has seen one press can forge others.
pub fn encrypt_key_item(has_encrypt_key: bool) -> CheckItem {
    CheckItem {
        blocking: false,
        ..CheckItem::check(
            "encrypt_key",
            msg!("check-encrypt-key"),
            has_encrypt_key,
            || msg!("check-encrypt-key-fix"),
        )
    }
}

pub fn all_blocking_passed(items: &[CheckItem]) -> bool {
    items.iter().all(|i| i.passed || !i.blocking)
}

fn scope_item(grants: &[ScopeGrant], scope: &str) -> CheckItem {
    let grant = grants.iter().find(|g| g.scope_name == scope);
    let label = msg!("check-scope", scope = scope);
    match grant {
        Some(g) if g.grant_status == 1 => CheckItem::pass(format!("scope:{scope}"), label),
        Some(_) => CheckItem::fail(
            format!("scope:{scope}"),
            label,
            msg!("check-scope-unapproved", scope = scope),
        ),
        None => CheckItem::fail(
            format!("scope:{scope}"),
            label,
            msg!("check-scope-missing", scope = scope),
        ),
    }
}

fn published_item(app: Option<&AppInfo>) -> CheckItem {
    let published = app.is_some_and(|a| !a.online_version_id.is_empty() && a.status == 1);
    CheckItem::check(
        "published",
        msg!("check-published"),
        published,
        || match app {
            None => msg!("check-published-unreadable"),
            Some(_) => msg!("check-published-fix"),
        },
    )
}

fn bot_item(version: Option<&AppVersion>) -> CheckItem {
    let enabled = version.is_some_and(|v| v.ability.bot.is_some());
    CheckItem::check("bot", msg!("check-bot"), enabled, || msg!("check-bot-fix"))
}

fn homepage_item(version: Option<&AppVersion>, base: &str, app_id: &str) -> CheckItem {
    let expected = homepage_url(base, app_id);
    let actual = version
        .and_then(|v| v.ability.web_app.as_ref())
        .map(|w| w.pc_url.trim_end_matches('/'));
    CheckItem::check(
        "homepage",
        msg!("check-homepage"),
        actual == Some(expected.as_str()),
        || match actual {
            Some(url) if !url.is_empty() => {
                msg!("check-homepage-fix", expected = &expected, now = url)
            }
            Some(_) => msg!("check-homepage-fix-empty", expected = &expected),
            None => msg!("check-homepage-fix-no-web-app", expected = &expected),
        },
    )
}

fn redirect_item(app: Option<&AppInfo>, base: &str, app_id: &str) -> CheckItem {
    let configured: Vec<&str> = app
        .map(|a| {
            a.redirect_urls
                .iter()
                .map(|u| u.trim_end_matches('/'))
                .collect()
        })
        .unwrap_or_default();
    let missing: Vec<String> = redirect_urls(base, app_id)
        .into_iter()
        .filter(|u| !configured.contains(&u.as_str()))
        .collect();
    CheckItem::check(
        "redirect_urls",
        msg!("check-redirects"),
        app.is_some() && missing.is_empty(),
        || msg!("check-redirects-fix", missing = missing.join(", ")),
    )
}

fn tenant_name_item(tenant: Option<&TenantInfo>, typed: &str, brand: Brand) -> CheckItem {
    let product = brand.product();
    let Some(tenant) = tenant else {
        return CheckItem::fail(
            "tenant_name",
            msg!("check-org-name", product = product),
            msg!("check-org-unreadable"),
        );
    };
    let same = normalise(&tenant.name) == normalise(typed);
    let label = msg!("check-org-name-is", product = product, name = &tenant.name);
    if same {
        CheckItem::pass("tenant_name", label)
    } else {
        CheckItem {
            key: "tenant_name".into(),
            label: label.into(),
            passed: false,
            blocking: false,
            fix: Some(
                msg!(
                    "check-org-name-fix",
                    product = product,
                    name = &tenant.name,
                    typed = typed
                )
                .into(),
            ),
        }
    }
}

fn normalise(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn en(t: &Option<Text>) -> String {
        t.as_ref().map(|t| t.in_lang(Lang::En)).unwrap_or_default()
    }
    use crate::domain::lark_app::{Ability, AppScope, TenantAvatar, WebApp};

    fn callback(app: Option<&AppInfo>, version: Option<&AppVersion>) -> CheckItem {
        callback_item(app, version, BASE, "cli_a")
    }

    #[test]
    fn the_callback_item_is_optional_and_says_where_callbacks_go() {
        let here = format!("{BASE}/lark/cli_a/callback");
        let mut a = app();
        a.callback = Some(crate::domain::lark_app::CallbackInfo {
            request_url: here.clone(),
        });
        let item = callback(Some(&a), None);
        assert!(item.passed && !item.blocking);
        a.callback = Some(crate::domain::lark_app::CallbackInfo {
            request_url: "https://elsewhere.example/cb".into(),
        });
        let item = callback(Some(&a), None);
        assert!(!item.passed && !item.blocking);
        assert!(en(&item.fix).contains(&here));
        // Only the legacy card request URL on the bot ability: read too.
        let mut v = version("x", true);
        v.ability.bot = Some(serde_json::json!({"card_request_url": here}));
        assert!(callback(Some(&app()), Some(&v)).passed);
        // Nothing reported: not a fault (it is optional), with the hint of how.
        let item = callback(Some(&app()), Some(&version("x", true)));
        assert!(item.passed && !item.blocking);
        assert!(en(&item.fix).contains("card.action.trigger"));
    }

    const BASE: &str = "https://support.example.com";

    fn grants(scopes: &[&str]) -> Vec<ScopeGrant> {
        scopes
            .iter()
            .map(|s| ScopeGrant {
                scope_name: s.to_string(),
                grant_status: 1,
            })
            .collect()
    }

    fn app() -> AppInfo {
        AppInfo {
            primary_language: "en_us".into(),
            app_id: "cli_a".into(),
            app_name: "Support".into(),
            status: 1,
            redirect_urls: redirect_urls(BASE, "cli_a"),
            online_version_id: "v1".into(),
            scopes: REQUIRED_SCOPES
                .iter()
                .map(|s| AppScope {
                    scope: s.to_string(),
                })
                .collect(),
            callback: None,
        }
    }

    fn version(homepage: &str, bot: bool) -> AppVersion {
        AppVersion {
            ability: Ability {
                web_app: Some(WebApp {
                    pc_url: homepage.into(),
                    mobile_url: String::new(),
                }),
                bot: bot.then(|| serde_json::json!({})),
            },
        }
    }

    fn tenant(name: &str) -> TenantInfo {
        TenantInfo {
            name: name.into(),
            display_id: "F1".into(),
            tenant_tag: 0,
            tenant_key: "tk".into(),
            avatar: TenantAvatar::default(),
        }
    }

    fn run(
        grants: &[ScopeGrant],
        version: &AppVersion,
        tenant: &TenantInfo,
        typed: &str,
    ) -> Vec<CheckItem> {
        let app = app();
        let facts = LarkFacts {
            grants,
            app: Some(&app),
            version: Some(version),
            tenant: Some(tenant),
        };
        evaluate(&facts, typed, BASE, "cli_a", Brand::Lark)
    }

    #[test]
    fn a_correct_app_passes_everything() {
        let items = run(
            &grants(&REQUIRED_SCOPES),
            &version(&homepage_url(BASE, "cli_a"), true),
            &tenant("Acme  Corp"),
            "acme corp",
        );
        assert!(items.iter().all(|i| i.passed), "{items:#?}");
        assert!(all_blocking_passed(&items));
    }

    #[test]
    fn missing_scope_names_the_exact_fix() {
        let g = grants(&REQUIRED_SCOPES[..3]);
        let items = run(
            &g,
            &version(&homepage_url(BASE, "cli_a"), true),
            &tenant("Acme"),
            "Acme",
        );
        let failed: Vec<_> = items.iter().filter(|i| !i.passed).collect();
        assert_eq!(failed.len(), 1);
        assert_eq!(
            en(&failed[0].fix),
            "Add scope tenant:tenant:readonly in Permissions & Scopes, then publish a new version in Version Management & Release. Developer console: https://open.larksuite.com/app/cli_a"
        );
        assert_eq!(
            failed[0].fix.as_ref().unwrap().in_lang(Lang::ZhCn),
            "在“权限管理”中添加权限 tenant:tenant:readonly，然后在“版本管理与发布”中发布新版本。开发者后台：https://open.larksuite.com/app/cli_a"
        );
        assert!(!all_blocking_passed(&items));
    }

    #[test]
    fn wrong_homepage_and_disabled_bot_are_reported() {
        let items = run(
            &grants(&REQUIRED_SCOPES),
            &version("https://old.example.com/x", false),
            &tenant("Acme"),
            "Acme",
        );
        let home = items.iter().find(|i| i.key == "homepage").unwrap();
        assert!(!home.passed);
        assert!(en(&home.fix).contains("https://support.example.com/lark/cli_a/workbench"));
        assert!(en(&home.fix).contains("it is now https://old.example.com/x"));
        assert!(!items.iter().find(|i| i.key == "bot").unwrap().passed);
    }

    #[test]
    fn name_mismatch_is_a_warning_not_a_blocker() {
        let items = run(
            &grants(&REQUIRED_SCOPES),
            &version(&homepage_url(BASE, "cli_a"), true),
            &tenant("Globex"),
            "Acme",
        );
        let name = items.iter().find(|i| i.key == "tenant_name").unwrap();
        assert!(!name.passed && !name.blocking);
        assert!(all_blocking_passed(&items));
    }

    #[test]
    fn unreadable_app_info_points_at_the_self_manage_scope() {
        let g = grants(&REQUIRED_SCOPES[1..]);
        let facts = LarkFacts {
            grants: &g,
            app: None,
            version: None,
            tenant: None,
        };
        let items = evaluate(&facts, "Acme", BASE, "cli_a", Brand::Feishu);
        let published = items.iter().find(|i| i.key == "published").unwrap();
        assert!(en(&published.fix).contains("application:application:self_manage"));
        // A Feishu organisation's fixes name Feishu's developer console.
        assert!(en(&published.fix).ends_with("Developer console: https://open.feishu.cn/app/cli_a"));
        assert_eq!(
            items[0].label.in_lang(Lang::En),
            "App ID and App Secret accepted by Feishu"
        );
    }
}
