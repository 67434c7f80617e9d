//! The Lambda entry point every HTTP function binary calls.

use std::sync::Arc;

use crate::context::AppContext;
use crate::routes::Route;

/// Initialises logging (honouring Lambda's `AWS_LAMBDA_LOG_LEVEL`/`AWS_LAMBDA_LOG_FORMAT`), builds
/// the context once, and serves one route until the runtime stops.
pub async fn serve(route: &'static Route) -> Result<(), lambda_http::Error> {
    lambda_http::tracing::init_default_subscriber();
    let ctx = Arc::new(AppContext::from_env().await?);
    lambda_http::run(lambda_http::service_fn(move |req| {
        let ctx = ctx.clone();
        async move { Ok::<_, std::convert::Infallible>(route.call(&ctx, req).await) }
    }))
    .await
}

/// The Lambda entry point of a scheduled function: whatever the schedule sends, run the job.
pub async fn serve_job(job: &'static crate::jobs::Job) -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let ctx = Arc::new(AppContext::from_env().await?);
    lambda_runtime::run(lambda_runtime::service_fn(
        move |_event: lambda_runtime::LambdaEvent<serde_json::Value>| {
            let ctx = ctx.clone();
            async move {
                (job.run)(&ctx).await.map_err(|e| {
                    e.log();
                    lambda_runtime::Error::from(e.to_string())
                })
            }
        },
    ))
    .await
}

/// The Lambda entry point of the notifier: SQS batches in, partial batch failures out.
pub async fn serve_notifier() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let ctx = Arc::new(AppContext::from_env().await?);
    lambda_runtime::run(lambda_runtime::service_fn(
        move |event: lambda_runtime::LambdaEvent<aws_lambda_events::event::sqs::SqsEvent>| {
            let ctx = ctx.clone();
            async move {
                Ok::<_, std::convert::Infallible>(
                    crate::notifier::handle(&ctx, event.payload).await,
                )
            }
        },
    ))
    .await
}
