//! The Lambda entry point. Every function in `template.yaml` runs the one `bootstrap` binary
//! (`lambda/`); its `Handler` property, which Lambda passes as `_HANDLER`, is the function's
//! logical id, and names the route, the scheduled job or the queue it serves. One binary means
//! one build and one zip for all functions (README § Deploy has the measured build times).

use std::process::ExitCode;
use std::sync::Arc;

use lambda_http::RequestExt;
use tracing::Instrument;

use crate::context::AppContext;
use crate::jobs::Job;
use crate::routes::Route;

/// The notifier's logical id: fed by the notification queue.
pub const NOTIFIER: &str = "NotifierFunction";
/// The same notifier fed by the page queue: emergency pages never wait behind other traffic.
pub const PAGER: &str = "PagerFunction";
/// Pushes new chat messages to open pages: fed by the table's stream.
pub const PUSH: &str = "ChatPushFunction";

/// What a function in `template.yaml` serves.
#[derive(Clone, Copy)]
pub enum Function {
    Http(&'static Route),
    Job(&'static Job),
    Notifier,
    Pager,
    Push,
}

impl Function {
    /// The function a `Handler` names, if any.
    pub fn by_name(name: &str) -> Option<Self> {
        match name {
            NOTIFIER => return Some(Self::Notifier),
            PAGER => return Some(Self::Pager),
            PUSH => return Some(Self::Push),
            _ => {}
        }
        crate::routes::by_function(name)
            .or_else(|| crate::routes::socket_by_function(name))
            .map(Self::Http)
            .or_else(|| crate::jobs::by_function(name).map(Self::Job))
    }

    /// Every function the binary can serve, by logical id.
    pub fn all_names() -> impl Iterator<Item = &'static str> {
        crate::routes::ALL
            .iter()
            .map(|r| r.function)
            .chain(crate::routes::SOCKETS.iter().map(|r| r.function))
            .chain(crate::jobs::ALL.iter().map(|j| j.function))
            .chain([NOTIFIER, PAGER, PUSH])
    }
}

/// Runs the function `_HANDLER` names until the runtime stops. A failure before the first
/// invocation (an unknown handler, a missing setting, an unreadable secret) is reported to
/// Lambda's init error endpoint, so it shows as `Runtime.InitError` with the setting's name.
pub async fn main() -> ExitCode {
    lambda_runtime::tracing::init_default_subscriber();
    let handler = std::env::var("_HANDLER").unwrap_or_default();
    let init = async {
        let function = Function::by_name(&handler).ok_or_else(|| {
            format!("unknown handler {handler:?}: set the function's Handler to its logical id")
        })?;
        let ctx = AppContext::from_env().await.map_err(|e| e.to_string())?;
        Ok::<_, String>((function, Arc::new(ctx)))
    };
    let (function, ctx) = match init.await {
        Ok(ready) => ready,
        Err(message) => {
            tracing::error!(function = %handler, error = %message, "init failed");
            report_init_error(&message).await;
            return ExitCode::FAILURE;
        }
    };
    let served = match function {
        Function::Http(route) => serve_http(route, ctx).await,
        Function::Job(job) => serve_job(job, ctx).await,
        Function::Notifier => serve_queue(ctx, NOTIFIER, |c| &c.settings.queue_url).await,
        Function::Pager => serve_queue(ctx, PAGER, |c| &c.settings.page_queue_url).await,
        Function::Push => serve_push(ctx).await,
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(function = %handler, error = %e, "runtime stopped");
            ExitCode::FAILURE
        }
    }
}

async fn serve_http(route: &'static Route, ctx: Arc<AppContext>) -> Result<(), lambda_http::Error> {
    lambda_http::run(lambda_http::service_fn(move |req: lambda_http::Request| {
        let ctx = ctx.clone();
        let span = request_span(route, &req);
        async move { Ok::<_, std::convert::Infallible>(route.call(&ctx, req).await) }
            .instrument(span)
    }))
    .await
}

/// The span every log line of one HTTP invocation carries (the local gateway uses it too): the
/// function, the route and API Gateway's request id; never a header, a cookie or a body.
pub fn request_span(route: &Route, req: &lambda_http::Request) -> tracing::Span {
    let request_id = req
        .lambda_context_ref()
        .map(|c| c.request_id.clone())
        .filter(|id| !id.is_empty())
        .or_else(|| {
            req.request_context_ref().and_then(|c| match c {
                lambda_http::request::RequestContext::ApiGatewayV2(c) => c.request_id.clone(),
                _ => None,
            })
        })
        .unwrap_or_else(|| "-".into());
    tracing::info_span!(
        "request",
        function = route.function,
        method = %req.method(),
        path = %req.uri().path(),
        request_id = %request_id,
    )
}

async fn serve_job(job: &'static Job, ctx: Arc<AppContext>) -> Result<(), lambda_runtime::Error> {
    lambda_runtime::run(lambda_runtime::service_fn(
        move |event: lambda_runtime::LambdaEvent<serde_json::Value>| {
            let ctx = ctx.clone();
            let span = tracing::info_span!(
                "job",
                function = job.function,
                request_id = %event.context.request_id,
            );
            async move {
                (job.run)(&ctx).await.map_err(|e| {
                    e.log();
                    lambda_runtime::Error::from(e.to_string())
                })
            }
            .instrument(span)
        },
    ))
    .await
}

/// The notifier, fed by one queue (`queue`: its URL, where retries are rescheduled).
async fn serve_queue(
    ctx: Arc<AppContext>,
    function: &'static str,
    queue: fn(&AppContext) -> &str,
) -> Result<(), lambda_runtime::Error> {
    lambda_runtime::run(lambda_runtime::service_fn(
        move |event: lambda_runtime::LambdaEvent<aws_lambda_events::event::sqs::SqsEvent>| {
            let ctx = ctx.clone();
            let span = tracing::info_span!(
                "batch",
                function,
                request_id = %event.context.request_id,
                messages = event.payload.records.len(),
            );
            async move {
                Ok::<_, std::convert::Infallible>(
                    crate::notifier::handle_from(&ctx, event.payload, queue(&ctx)).await,
                )
            }
            .instrument(span)
        },
    ))
    .await
}

/// The chat push, fed by the table's stream. It reports no failures: a push is a shortcut
/// (`sockets`), and a failing record must not hold the shard's later records back.
async fn serve_push(ctx: Arc<AppContext>) -> Result<(), lambda_runtime::Error> {
    lambda_runtime::run(lambda_runtime::service_fn(
        move |event: lambda_runtime::LambdaEvent<aws_lambda_events::event::dynamodb::Event>| {
            let ctx = ctx.clone();
            let span = tracing::info_span!(
                "stream",
                function = PUSH,
                request_id = %event.context.request_id,
                records = event.payload.records.len(),
            );
            async move {
                match crate::sockets::push(&ctx, event.payload).await {
                    Ok(pushed) => Ok::<_, lambda_runtime::Error>(serde_json::json!(pushed)),
                    Err(e) => {
                        e.log();
                        Ok(serde_json::json!({}))
                    }
                }
            }
            .instrument(span)
        },
    ))
    .await
}

/// `POST /runtime/init/error`, as the Runtime API asks of a runtime that cannot start. The
/// message names a setting, never a value (`config::ConfigError`).
async fn report_init_error(message: &str) {
    let Ok(api) = std::env::var("AWS_LAMBDA_RUNTIME_API") else {
        return;
    };
    let body = serde_json::json!({"errorMessage": message, "errorType": "Runtime.InitError"});
    let sent = reqwest::Client::new()
        .post(format!("http://{api}/2018-06-01/runtime/init/error"))
        .header("Lambda-Runtime-Function-Error-Type", "Runtime.InitError")
        .json(&body)
        .send()
        .await;
    if let Err(e) = sent {
        tracing::error!(error = %e, "could not report the init error");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_name_resolves_and_unknown_ones_do_not() {
        for name in Function::all_names() {
            assert!(Function::by_name(name).is_some(), "{name}");
        }
        assert!(Function::by_name("bootstrap").is_none());
        assert!(Function::by_name("").is_none());
    }
}
