//! `GET /lark/{appId}/api/staff/{openId}/report?month=2026-11` (provider app): an engineer's
//! month across the organisations they worked for, for themselves, managers and admins; with
//! `format=csv`, as a file. Reads: the month's counter items (one index query), the engineer,
//! and each organisation's name.

use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::AppResult;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let (_, actor, staff) = super::require_staff_actor(ctx, &req).await?;
    let q = crate::web::query(&req);
    let month = crate::reports::month_asked(q.get("month"), ctx.now())?;
    let as_csv = super::report_format(&q)?;
    let of = crate::ids::OpenId::parse(&crate::web::path_param(&req, "openId")?)?;
    let report = crate::reports::staff_report(ctx, &staff, &of, &month).await?;
    if as_csv {
        return Ok(crate::web::csv_file(
            &format!("tamlink-report-{of}-{}.csv", month.key),
            crate::reports::csv(&report),
        ));
    }
    super::report_page(ctx, &req, &actor, &report, &month)
}
