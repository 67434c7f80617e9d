//! Monthly reports in the staff console: per organisation (with its engineers) and per engineer
//! (across the organisations they serve), as a page with charts or as CSV. Read from the month's
//! counter items (`domain::report`), so a report costs the same few reads at any volume.

pub mod charts;

use serde::Serialize;

use crate::context::AppContext;
use crate::domain::report::{Figures, Month, Tally, Times};
use crate::error::{AppError, AppResult};
use crate::i18n::{t, Lang};
use crate::ids::{AppId, OpenId};
use crate::msg;
use crate::store::{Staff, Tenant};

/// A report: whose, which month, its figures, and the same per engineer or per organisation.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub name: String,
    pub month: String,
    pub figures: Figures,
    pub rows: Vec<Row>,
    /// Lark calls the organisation used in the month, and its allowance (none: unmetered).
    /// Organisation reports only.
    pub lark: Option<LarkUse>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub name: String,
    /// The engineer's open_id or the organisation's App ID.
    pub id: String,
    pub figures: Figures,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct LarkUse {
    pub calls: i64,
    pub allowance: Option<u64>,
    /// Calls the provider app made paging the service team for the organisation, and the most
    /// its pages may spend (`budget::page_budget`; none: the provider app is unmetered).
    pub page_calls: i64,
    pub page_budget: Option<i64>,
}

/// The month asked for (`?month=2026-11`; this month when absent): a month that has not begun is
/// refused, as is anything that is not `YYYY-MM`.
pub fn month_asked(raw: Option<&String>, now: crate::clock::Epoch) -> AppResult<Month> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else {
        return Ok(Month::of(now));
    };
    let month = Month::parse(raw).ok_or_else(|| {
        AppError::BadRequest(
            msg!(
                "error-report-month",
                given = raw.chars().take(20).collect::<String>()
            )
            .into(),
        )
    })?;
    if month.start > now {
        return Err(AppError::Unprocessable(
            msg!("error-report-future", month = &month.key).into(),
        ));
    }
    Ok(month)
}

/// An organisation's month: one query (its counters and its engineers'), one read of its Lark
/// use. Each engineer's own figures are for them, managers and admins, as in `staff_report`:
/// anyone else who serves the organisation reads its totals and their own row only.
pub async fn org_report(
    ctx: &AppContext,
    tenant: &Tenant,
    month: &Month,
    viewer: &Staff,
) -> AppResult<Report> {
    let (own, staff) = ctx.store.org_month(&tenant.app_id, &month.key).await?;
    let lark = ctx
        .store
        .month_use(&tenant.app_id, &ctx.settings.provider_app_id, &month.key)
        .await?;
    let mut rows: Vec<Row> = staff
        .into_iter()
        .filter(|s| viewer.role.sees_all_orgs() || s.open_id == viewer.open_id)
        .map(|s| Row {
            name: s.name,
            id: s.open_id.to_string(),
            figures: s.tally.figures(month.days),
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Report {
        name: tenant.org_name.clone(),
        month: month.key.clone(),
        figures: own.figures(month.days),
        rows,
        lark: Some(LarkUse {
            calls: lark.usage.calls,
            allowance: tenant.plan.allowance(),
            page_calls: lark.page_calls,
            page_budget: lark
                .provider_plan
                .as_ref()
                .and_then(crate::domain::budget::page_budget),
        }),
    })
}

/// An engineer's month across the organisations they worked for (one index query, and one read
/// per organisation for its name). Their own, or anyone's for managers and admins.
pub async fn staff_report(
    ctx: &AppContext,
    viewer: &Staff,
    of: &OpenId,
    month: &Month,
) -> AppResult<Report> {
    if viewer.open_id != *of && !viewer.role.sees_all_orgs() {
        return Err(AppError::Forbidden(msg!("error-report-staff").into()));
    }
    let name = match ctx.store.staff(&ctx.settings.provider_app_id, of).await? {
        Some(s) => s.name,
        None => {
            return Err(AppError::NotFound(
                msg!("error-report-unknown-staff", who = of.to_string()).into(),
            ))
        }
    };
    let items = ctx.store.staff_month(of, &month.key).await?;
    let mut total = Tally::default();
    let mut rows = Vec::new();
    for item in items {
        total.add(&item.tally);
        rows.push(Row {
            name: org_name(ctx, &item.org).await?,
            id: item.org.to_string(),
            figures: item.tally.figures(month.days),
        });
    }
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Report {
        name,
        month: month.key.clone(),
        figures: total.figures(month.days),
        rows,
        lark: None,
    })
}

async fn org_name(ctx: &AppContext, app: &AppId) -> AppResult<String> {
    Ok(match crate::orgs::load(ctx, app).await {
        Ok(t) => t.org_name,
        // An organisation since removed still shows by its App ID.
        Err(AppError::NotFound(_)) => app.to_string(),
        Err(e) => return Err(e),
    })
}

/// `1 d 4 h`, `3 h 20 min`, `12 min` in `lang`.
pub fn duration(lang: Lang, seconds: i64) -> String {
    let minutes = (seconds + 30) / 60;
    let m = if minutes >= 24 * 60 {
        msg!(
            "report-duration-days",
            days = minutes / (24 * 60),
            hours = minutes % (24 * 60) / 60
        )
    } else if minutes >= 60 {
        msg!(
            "report-duration-hours",
            hours = minutes / 60,
            minutes = minutes % 60
        )
    } else {
        msg!("report-duration-minutes", minutes = minutes)
    };
    m.in_lang(lang)
}

fn minutes(v: Option<i64>) -> String {
    v.map(|s| ((s + 30) / 60).to_string()).unwrap_or_default()
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The report as CSV: the whole first, then each engineer (or organisation). Times in minutes.
pub fn csv(report: &Report) -> String {
    let mut out = String::from(
        "month,scope,name,id,opened,resolved,first_response_median_min,first_response_p90_min,first_response_sla_pct,resolution_median_min,resolution_p90_min,resolution_sla_pct,emergencies,acknowledged,acknowledge_median_min,csat_count,csat_average,lark_calls,lark_allowance,page_calls,page_budget\r\n",
    );
    let line = |scope: &str, name: &str, id: &str, f: &Figures, lark: Option<LarkUse>| {
        let fields = [
            report.month.clone(),
            scope.to_owned(),
            name.to_owned(),
            id.to_owned(),
            f.opened.to_string(),
            f.resolved.to_string(),
            minutes(f.first_response.median),
            minutes(f.first_response.p90),
            opt(f.first_response_attainment),
            minutes(f.resolution.median),
            minutes(f.resolution.p90),
            opt(f.resolution_attainment),
            f.emergencies.to_string(),
            f.acknowledged.to_string(),
            minutes(f.time_to_acknowledge.median),
            f.csat_count.to_string(),
            opt(f.csat_average),
            opt(lark.map(|l| l.calls)),
            opt(lark.and_then(|l| l.allowance)),
            opt(lark.map(|l| l.page_calls)),
            opt(lark.and_then(|l| l.page_budget)),
        ];
        crate::web::csv_row(&fields)
    };
    let (whole, part) = if report.lark.is_some() {
        ("organisation", "engineer")
    } else {
        ("engineer", "organisation")
    };
    out.push_str(&line(whole, &report.name, "", &report.figures, report.lark));
    for r in &report.rows {
        out.push_str(&line(part, &r.name, &r.id, &r.figures, None));
    }
    out
}

/// What the page shows: the figures in words and the charts, in `lang`.
pub fn page_context(report: &Report, lang: Lang) -> minijinja::Value {
    use charts::Bar;
    let f = &report.figures;
    let time = |v: Option<i64>| v.map(|s| duration(lang, s)).unwrap_or_else(|| "—".into());
    let times = |x: &Times| {
        minijinja::context! {
            count => x.count,
            median => time(x.median),
            p90 => time(x.p90),
        }
    };
    let daily = charts::daily(
        &t(lang, "report-daily"),
        [
            (&t(lang, "report-opened"), &f.opened_per_day),
            (&t(lang, "report-resolved"), &f.resolved_per_day),
        ],
    );
    let pct = |v: Option<f64>| v.map(|p| format!("{p} %")).unwrap_or_else(|| "—".into());
    let attainment = charts::bars(
        &t(lang, "report-attainment"),
        &[
            Bar {
                label: t(lang, "report-first-response"),
                value: f.first_response_attainment.unwrap_or(0.0),
                text: pct(f.first_response_attainment),
            },
            Bar {
                label: t(lang, "report-resolution"),
                value: f.resolution_attainment.unwrap_or(0.0),
                text: pct(f.resolution_attainment),
            },
        ],
        100.0,
    );
    // Medians and 90th percentiles side by side, on one scale.
    let timing_rows: Vec<Bar> = [
        ("report-first-response", &f.first_response),
        ("report-resolution", &f.resolution),
        ("report-ack-short", &f.time_to_acknowledge),
    ]
    .iter()
    .flat_map(|(key, x)| {
        [("report-median", x.median), ("report-p90", x.p90)].map(|(which, v)| Bar {
            label: format!("{} · {}", t(lang, key), t(lang, which)),
            value: v.unwrap_or(0) as f64,
            text: time(v),
        })
    })
    .collect();
    let slowest = timing_rows.iter().map(|b| b.value).fold(0.0, f64::max);
    let timing = charts::bars(&t(lang, "report-times"), &timing_rows, slowest);
    let most = f.csat_scores.iter().copied().max().unwrap_or(0) as f64;
    let csat = charts::bars(
        &t(lang, "report-csat"),
        &(1..=5)
            .rev()
            .map(|s| Bar {
                label: msg!("report-stars", score = s).in_lang(lang),
                value: f.csat_scores[s - 1] as f64,
                text: f.csat_scores[s - 1].to_string(),
            })
            .collect::<Vec<_>>(),
        most,
    );
    let lark = report.lark.map(|l| {
        let text = match l.allowance {
            Some(a) => msg!("report-lark-of", calls = l.calls, allowance = a as i64).in_lang(lang),
            None => msg!("report-lark-paid", calls = l.calls).in_lang(lang),
        };
        let chart = charts::bars(
            &t(lang, "report-lark"),
            &[Bar {
                label: t(lang, "report-lark"),
                value: l.calls as f64,
                text: text.clone(),
            }],
            l.allowance.map_or(l.calls.max(1) as f64, |a| a as f64),
        );
        let pages = match l.page_budget {
            Some(b) => msg!("report-pages-of", calls = l.page_calls, budget = b).in_lang(lang),
            None => msg!("report-pages-paid", calls = l.page_calls).in_lang(lang),
        };
        minijinja::context! { text, pages, chart => minijinja::Value::from_safe_string(chart) }
    });
    let rows: Vec<_> = report
        .rows
        .iter()
        .map(|r| {
            let g = &r.figures;
            minijinja::context! {
                name => &r.name,
                id => &r.id,
                opened => g.opened,
                resolved => g.resolved,
                first_response => time(g.first_response.median),
                first_response_sla => pct(g.first_response_attainment),
                resolution => time(g.resolution.median),
                resolution_sla => pct(g.resolution_attainment),
                acknowledged => g.acknowledged,
                csat => g.csat_average.map(|a| format!("{a} ({})", g.csat_count)).unwrap_or_else(|| "—".into()),
            }
        })
        .collect();
    minijinja::context! {
        name => &report.name,
        month => &report.month,
        opened => f.opened,
        resolved => f.resolved,
        first_response => times(&f.first_response),
        resolution => times(&f.resolution),
        ack => times(&f.time_to_acknowledge),
        first_response_sla => pct(f.first_response_attainment),
        resolution_sla => pct(f.resolution_attainment),
        emergencies => f.emergencies,
        acknowledged => f.acknowledged,
        csat_count => f.csat_count,
        csat_average => f.csat_average.map(|a| a.to_string()).unwrap_or_else(|| "—".into()),
        empty => f.opened == 0 && f.resolved == 0 && f.first_response.count == 0 && f.emergencies == 0 && f.csat_count == 0,
        rows,
        lark,
        charts => minijinja::context! {
            daily => minijinja::Value::from_safe_string(daily),
            attainment => minijinja::Value::from_safe_string(attainment),
            timing => minijinja::Value::from_safe_string(timing),
            csat => minijinja::Value::from_safe_string(csat),
        },
    }
}
