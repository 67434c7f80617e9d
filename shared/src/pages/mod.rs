//! Server-rendered pages. Templates are compiled into the binary and autoescaped (every `.html`
//! template escapes what it prints), so user text can never become markup.

use std::sync::OnceLock;

use minijinja::Environment;
use serde::Serialize;

use crate::context::AppContext;
use crate::domain::checklist::{all_blocking_passed, encrypt_key_item, CheckItem};
use crate::domain::setup::{setup_values, SetupValues};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::ids::{AppId, GroupId};
use crate::store::{Tenant, TenantKind, TenantStatus};

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("base.html")),
    ("message.html", include_str!("message.html")),
    ("workbench.html", include_str!("workbench.html")),
    ("console.html", include_str!("console.html")),
    ("setup.html", include_str!("setup.html")),
    ("invitation.html", include_str!("invitation.html")),
    ("group_panel.html", include_str!("group_panel.html")),
    ("groups_nav.html", include_str!("groups_nav.html")),
    ("report.html", include_str!("report.html")),
];

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .expect("templates parse (checked by a unit test)");
        }
        env.add_function("t", translate);
        // `{{ epoch | utc }}`: a time for readers without JavaScript; the page's script shows it
        // in the reader's own time zone instead.
        env.add_filter("utc", |at: i64| crate::clock::format_utc(at));
        env
    })
}

/// `{{ t("key", name=value) }}`: a catalog message in the page's language (`lang`, set by
/// `render`). Placeholder values are what the page passes: typed data is never translated.
fn translate(
    state: &minijinja::State,
    key: &str,
    kwargs: minijinja::value::Kwargs,
) -> Result<String, minijinja::Error> {
    let lang = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::parse))
        .unwrap_or_default();
    let mut m = Msg::new(key);
    for name in kwargs.args() {
        let v: minijinja::Value = kwargs.get(name)?;
        m = match i64::try_from(v.clone()) {
            Ok(n) if v.is_number() => m.arg(name, n),
            _ => m.arg(name, v.to_string()),
        };
    }
    Ok(m.in_lang(lang))
}

/// A rendered page and the nonce its own `<script>` elements carry: the page's
/// Content-Security-Policy allows scripts with that nonce only (`web::html`).
pub struct Rendered {
    pub body: String,
    pub nonce: String,
}

/// Renders a page in `lang`: the template sees `lang` (its tag), the languages to offer and
/// `csp_nonce`, a fresh random value for each response, which its `<script>` tags carry.
pub fn render(name: &str, lang: Lang, ctx: minijinja::Value) -> AppResult<Rendered> {
    let langs: Vec<_> = Lang::ALL
        .iter()
        .map(|l| minijinja::context! { tag => l.tag(), name => l.name() })
        .collect();
    let nonce = csp_nonce();
    let ctx = minijinja::context! { lang => lang.tag(), langs, csp_nonce => &nonce, ..ctx };
    let body = env()
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| AppError::Internal(format!("template {name}: {e:#}")))?;
    Ok(Rendered { body, nonce })
}

/// 128 random bits: what CSP asks of a nonce (unguessable, new for every response). In the
/// URL-safe alphabet without padding, which CSP's nonce grammar allows and HTML escaping leaves
/// as it is (the standard alphabet's `/` would reach the markup as `&#x2f;`).
fn csp_nonce() -> String {
    use base64::Engine;
    let bytes: [u8; 16] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A tenant as pages and JSON responses show it: never the sealed secret.
#[derive(Debug, Clone, Serialize)]
pub struct TenantView {
    pub app_id: AppId,
    pub brand: crate::domain::brand::Brand,
    pub org_name: String,
    pub kind: TenantKind,
    pub status: TenantStatus,
    pub tenant_name: String,
    pub display_id: String,
    pub avatar: String,
    pub ready: bool,
    /// The checklist in the reader's language.
    pub checklist: Vec<CheckView>,
    pub service_group_id: Option<GroupId>,
    pub setup: SetupValues,
    pub plan: crate::notifier::budget::Plan,
    pub sla: crate::domain::tickets::SlaTargets,
    /// Resolution targets in minutes per severity.
    pub resolution: crate::domain::tickets::SlaTargets,
    /// Whether people can act from this app's cards (its callback keys are set).
    pub callbacks: bool,
    /// The language its people see until they choose (`None`: English).
    pub lang: Option<Lang>,
    /// Whether resolved tickets' creators are asked to rate them.
    pub csat: bool,
    pub display_name: Option<String>,
    /// Colleagues who sign in join the service group.
    pub auto_join: bool,
    pub invite_only: bool,
    pub products: Vec<String>,
    pub categories: Vec<String>,
}

/// A checklist item as a reader sees it.
#[derive(Debug, Clone, Serialize)]
pub struct CheckView {
    pub key: String,
    pub label: String,
    pub passed: bool,
    pub blocking: bool,
    pub fix: Option<String>,
}

impl CheckView {
    pub fn new(c: &CheckItem, lang: Lang) -> Self {
        Self {
            key: c.key.clone(),
            label: c.label.in_lang(lang),
            passed: c.passed,
            blocking: c.blocking,
            fix: c.fix.as_ref().map(|f| f.in_lang(lang)),
        }
    }
}

impl TenantView {
    pub fn new(ctx: &AppContext, t: &Tenant, lang: Lang) -> Self {
        Self {
            app_id: t.app_id.clone(),
            brand: t.brand,
            org_name: t.org_name.clone(),
            kind: t.kind,
            status: t.status,
            tenant_name: t.tenant_name.clone(),
            display_id: t.display_id.clone(),
            avatar: t.avatar.clone(),
            ready: all_blocking_passed(&t.checklist),
            checklist: t
                .checklist
                .iter()
                .cloned()
                // Apps that act from cards: are their presses encrypted and signed?
                .chain(
                    t.callback
                        .as_ref()
                        .map(|c| encrypt_key_item(c.encrypt_key_sealed.is_some())),
                )
                .map(|c| CheckView::new(&c, lang))
                .collect(),
            service_group_id: t.service_group_id.clone(),
            setup: setup_values(&ctx.settings.base_url, t.app_id.as_str(), t.brand),
            plan: t.plan,
            sla: t.sla,
            resolution: t.resolution,
            callbacks: t.callback.is_some(),
            lang: t.lang,
            csat: t.csat,
            display_name: t.display_name.clone(),
            auto_join: t.auto_join,
            invite_only: t.invite_only,
            products: t.products.clone(),
            categories: t.categories.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_templates_parse() {
        for (name, _) in TEMPLATES {
            env().get_template(name).unwrap();
        }
    }

    #[test]
    fn user_text_is_escaped() {
        let html = render("message.html", Lang::En, minijinja::context! { title => "t", message => "<script>alert(1)</script>", status => 400 }).unwrap().body;
        assert!(!html.contains("<script>alert(1)"));
        assert!(html.contains("&lt;script&gt;"));
    }
}
