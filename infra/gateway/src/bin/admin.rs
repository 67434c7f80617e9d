//! `tamlink-admin`: bootstrap and administration from a terminal, for what nobody can sign in to
//! do yet (the provider app and its first admin). Reads the same environment as the functions.
//! App Secrets are read from standard input (or LARK_APP_SECRET), never from arguments, so they
//! stay out of shell history and process lists; an app's Events & Callbacks keys likewise come
//! from LARK_VERIFICATION_TOKEN and LARK_ENCRYPT_KEY (both required for the provider app,
//! optional for a customer's).
//!
//!   tamlink-admin register-provider --name NAME --app-id APP_ID [--brand lark|feishu]
//!   tamlink-admin add-staff --open-id OPEN_ID --name NAME --role tam|engineer|manager|admin [--off-duty]
//!   tamlink-admin register-customer --name NAME --app-id APP_ID --by OPEN_ID [--tam OPEN_ID] [--brand lark|feishu]
//!
//! Without --brand, the app's brand is found by asking Lark, then (only if Lark does not know the
//! app) Feishu.
//!   tamlink-admin check --app-id APP_ID
//!   tamlink-admin activate --app-id APP_ID --by OPEN_ID

use std::collections::HashMap;
use std::io::BufRead;

use tamlink::context::AppContext;
use tamlink::domain::audit::AuditActor;
use tamlink::domain::roles::StaffRole;
use tamlink::ids::{AppId, OpenId};
use tamlink::orgs::{self, Registration};
use tamlink::store::{Staff, Tenant};

fn flags(args: &[String]) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let key = a
            .strip_prefix("--")
            .ok_or_else(|| format!("unexpected argument {a}"))?;
        if key == "off-duty" {
            out.insert(key.to_owned(), "true".to_owned());
            continue;
        }
        let value = it.next().ok_or_else(|| format!("--{key} needs a value"))?;
        out.insert(key.to_owned(), value.clone());
    }
    Ok(out)
}

fn need<'a>(f: &'a HashMap<String, String>, key: &str) -> Result<&'a str, String> {
    f.get(key)
        .map(String::as_str)
        .ok_or_else(|| format!("--{key} is required"))
}

fn read_secret() -> Result<String, String> {
    if let Ok(s) = std::env::var("LARK_APP_SECRET") {
        return Ok(s);
    }
    eprintln!("App Secret (reading one line from standard input):");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    Ok(line.trim().to_owned())
}

fn print_checklist(t: &Tenant) {
    println!("{} ({}) — {:?}", t.org_name, t.app_id, t.status);
    for c in &t.checklist {
        let mark = if c.passed {
            "✓"
        } else if c.blocking {
            "✗"
        } else {
            "⚠"
        };
        println!("  {mark} {}", c.label);
        if let Some(fix) = &c.fix {
            println!("      fix: {fix}");
        }
    }
}

async fn staff(ctx: &AppContext, open_id: &str) -> Result<Staff, String> {
    let open_id = OpenId::parse(open_id).map_err(|e| e.to_string())?;
    ctx.store
        .staff(&ctx.settings.provider_app_id, &open_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{open_id} is not registered staff"))
}

async fn run(cmd: &str, f: HashMap<String, String>) -> Result<(), String> {
    let ctx = AppContext::from_env_with_default_credentials()
        .await
        .map_err(|e| e.to_string())?;
    let registration = |secret: String| -> Result<Registration, String> {
        Ok(Registration {
            org_name: need(&f, "name")?.into(),
            app_id: need(&f, "app-id")?.into(),
            app_secret: tamlink::config::SecretString::new(secret),
            tam: f.get("tam").cloned(),
            engineers: None,
            brand: match f.get("brand") {
                None => None,
                Some(b) => Some(
                    tamlink::domain::brand::Brand::parse(b)
                        .ok_or_else(|| format!("--brand is lark or feishu, not {b}"))?,
                ),
            },
            // Events & Callbacks keys, like the App Secret from the environment, never arguments.
            callback: std::env::var("LARK_VERIFICATION_TOKEN").ok().map(|token| {
                tamlink::orgs::CallbackInput {
                    encrypt_key: std::env::var("LARK_ENCRYPT_KEY")
                        .ok()
                        .map(tamlink::config::SecretString::new),
                    verification_token: tamlink::config::SecretString::new(token),
                }
            }),
        })
    };
    match cmd {
        "register-provider" => {
            let reg = registration(read_secret()?)?;
            let t = orgs::register_provider(&ctx, &reg)
                .await
                .map_err(|e| e.to_string())?;
            print_checklist(&t);
        }
        "add-staff" => {
            let role = StaffRole::parse(need(&f, "role")?)
                .ok_or("--role must be tam, engineer, manager or admin")?;
            let s = Staff {
                open_id: OpenId::parse(need(&f, "open-id")?).map_err(|e| e.to_string())?,
                name: need(&f, "name")?.into(),
                avatar: String::new(),
                role,
                on_duty: !f.contains_key("off-duty"),
                created_at: ctx.now(),
                open_tickets: 0,
            };
            ctx.store
                .save_staff(&ctx.settings.provider_app_id, &s)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "{} is now {} ({})",
                s.name,
                role.label(tamlink::i18n::Lang::En),
                s.open_id
            );
        }
        "register-customer" => {
            let by = staff(&ctx, need(&f, "by")?).await?;
            let reg = registration(read_secret()?)?;
            let t = orgs::register_customer(&ctx, &reg, &by)
                .await
                .map_err(|e| e.to_string())?;
            print_checklist(&t);
        }
        "check" => {
            let app = AppId::parse(need(&f, "app-id")?).map_err(|e| e.to_string())?;
            // The audit trail names the operator: a staff member given with --by, else the CLI.
            let provider = ctx.settings.provider_app_id.clone();
            let by = match f.get("by") {
                Some(open_id) => AuditActor::staff(&provider, &staff(&ctx, open_id).await?),
                None => AuditActor::person(
                    &provider,
                    &OpenId::parse("ou_tamlinkadmin").map_err(|e| e.to_string())?,
                    "tamlink-admin",
                ),
            };
            print_checklist(
                &orgs::recheck(&ctx, &app, by)
                    .await
                    .map_err(|e| e.to_string())?,
            );
        }
        "activate" => {
            let by = staff(&ctx, need(&f, "by")?).await?;
            let app = AppId::parse(need(&f, "app-id")?).map_err(|e| e.to_string())?;
            let t = orgs::activate(&ctx, &app, &by)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "{} is active; service group {}",
                t.org_name,
                t.service_group_id
                    .map(|g| g.to_string())
                    .unwrap_or_default()
            );
        }
        other => return Err(format!("unknown command {other}")),
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = args.split_first() else {
        eprintln!("usage: tamlink-admin register-provider|add-staff|register-customer|check|activate [--flags]");
        std::process::exit(2);
    };
    let result = match flags(rest) {
        Ok(f) => run(cmd, f).await,
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
