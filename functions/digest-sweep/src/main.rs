//! DigestSweepFunction: wiring only; the job lives in `tamlink::notifier::sweep_due_digests`.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tamlink::runtime::serve_job(&tamlink::jobs::DIGEST_SWEEP).await
}
