//! EmergencyRepageFunction: wiring only; the job lives in `tamlink::tickets::repage_emergencies`.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tamlink::runtime::serve_job(&tamlink::jobs::EMERGENCY_REPAGE).await
}
