//! DeclareEmergencyFunction: wiring only; the route lives in `tamlink::handlers`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tamlink::runtime::serve(&tamlink::routes::DECLARE_EMERGENCY).await
}
