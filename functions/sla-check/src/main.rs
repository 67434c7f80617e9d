//! SlaCheckFunction: wiring only; the job lives in `tamlink::tickets::check_sla`.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tamlink::runtime::serve_job(&tamlink::jobs::SLA_CHECK).await
}
