//! NotifierFunction: wiring only; the notifier lives in `tamlink::notifier`.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tamlink::runtime::serve_notifier().await
}
