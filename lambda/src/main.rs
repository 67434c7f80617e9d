//! Every function in `template.yaml` runs this binary; its `Handler` (Lambda's `_HANDLER`) names
//! the function, and `tamlink::runtime` serves that function's route, job or queue.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tamlink::runtime::main().await
}
