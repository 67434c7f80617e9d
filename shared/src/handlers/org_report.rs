//! `GET /lark/{appId}/api/customers/{customerAppId}/report?month=2026-11` (provider app, staff
//! who serve the organisation): its month with charts, and each engineer's figures for it (each
//! engineer's for managers and admins, the reader's own for everyone else); with
//! `format=csv`, the same numbers as a file. Reads: the month's counter items (one query) and the
//! month's Lark use (one read), besides the session's and the organisation's.

use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let (_, actor, staff) = super::require_staff_actor(ctx, &req).await?;
    let q = crate::web::query(&req);
    let month = crate::reports::month_asked(q.get("month"), ctx.now())?;
    let as_csv = super::report_format(&q)?;
    let tenant = super::served_customer(ctx, &req, &staff).await?;
    let report = crate::reports::org_report(ctx, &tenant, &month, &staff).await?;
    if as_csv {
        return Ok(crate::web::csv_file(
            &format!("tamlink-report-{}-{}.csv", tenant.app_id, month.key),
            crate::reports::csv(&report),
        ));
    }
    super::report_page(ctx, &req, &actor, &report, &month)
}
