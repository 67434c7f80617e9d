//! `GET /lark/{appId}/api/customers/{customerAppId}/audit` (provider app, staff who serve the
//! organisation): its audit trail, newest first, filtered by kind and by days
//! (`?kind=ticket_moved&from=2026-11-01&to=2026-11-30`), as JSON or, with `format=csv`, as a CSV
//! file for a quarterly review. One range query of the organisation's entries (`AUDIT#{org}`,
//! sorted by time) whose pages stop at 1,000 entries; `more` says when there were more.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::domain::audit::{AuditEntry, AuditKind};
use crate::error::{AppError, AppResult};
use crate::web;

/// Most entries one request returns.
pub const AUDIT_PAGE: usize = 1000;

fn day(raw: &str, name: &'static str) -> AppResult<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(raw, format)
        .map(|d| d.midnight().assume_utc().unix_timestamp())
        .map_err(|_| {
            AppError::BadRequest(
                crate::msg!(
                    "error-audit-day",
                    name = name,
                    given = raw.chars().take(20).collect::<String>()
                )
                .into(),
            )
        })
}

fn csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from("at,actor,actor_app,actor_open_id,kind,ticket,changes\r\n");
    for e in entries {
        let changes = e
            .changes
            .iter()
            .map(|c| {
                format!(
                    "{}: {} -> {}",
                    c.field,
                    c.before.as_deref().unwrap_or(""),
                    c.after.as_deref().unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let row = [
            crate::clock::format_utc(e.at),
            e.actor.name.clone(),
            e.actor.app_id.to_string(),
            e.actor.open_id.to_string(),
            e.kind.as_str().to_owned(),
            e.ticket.map(|n| n.to_string()).unwrap_or_default(),
            changes,
        ];
        out.push_str(&web::csv_row(&row));
    }
    out
}

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let staff = super::require_staff(ctx, &req).await?.1;
    let q = web::query(&req);
    let kind = match q.get("kind").filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => Some(AuditKind::parse(k).ok_or_else(|| {
            AppError::BadRequest(
                crate::msg!(
                    "error-audit-kind",
                    given = k.chars().take(40).collect::<String>()
                )
                .into(),
            )
        })?),
    };
    let now = ctx.now();
    let from = match q.get("from").filter(|v| !v.is_empty()) {
        Some(v) => day(v, "from")?,
        None => 0,
    };
    let to = match q.get("to").filter(|v| !v.is_empty()) {
        Some(v) => day(v, "to")? + 24 * 3600 - 1,
        None => now,
    };
    if from > to {
        return Err(AppError::Unprocessable(
            crate::msg!("error-audit-range").into(),
        ));
    }
    let tenant = super::served_customer(ctx, &req, &staff).await?;
    let (entries, more) = ctx
        .store
        .org_audit(&tenant.app_id, from, to, kind, AUDIT_PAGE)
        .await?;
    let as_csv = match q.get("format").map(String::as_str) {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(AppError::BadRequest(
                crate::msg!(
                    "error-audit-format",
                    given = other.chars().take(20).collect::<String>()
                )
                .into(),
            ))
        }
    };
    if as_csv {
        return Ok(web::csv_file(
            &format!("tamlink-audit-{}.csv", tenant.app_id),
            csv(&entries),
        ));
    }
    let lang = web::lang(&req, None);
    let view: Vec<_> = entries
        .iter()
        .map(|e| {
            serde_json::json!({
                "at": e.at,
                "actor": e.actor,
                "kind": e.kind,
                "ticket": e.ticket,
                "changes": e.changes,
                "summary": e.summary().in_lang(lang),
            })
        })
        .collect();
    Ok(web::json(
        StatusCode::OK,
        &serde_json::json!({ "entries": view, "more": more }),
    ))
}
