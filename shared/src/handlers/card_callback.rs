//! `POST /lark/{appId}/callback`: Lark's card callbacks for this app (`card.action.trigger`) and
//! the URL verification of Events & Callbacks. Lark's headers and the raw body go to
//! `callbacks::handle`; anything that is not Lark's is a 401, a person's refusal a toast.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::callbacks::{self, Incoming, Reply};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::notifier::cards::CardLang;
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let app_id = web::app_id(&req)?;
    // Lark's callbacks are a few kilobytes: anything larger is refused before it is read.
    if req.body().len() > web::MAX_BODY {
        return Err(AppError::TooLarge(web::MAX_BODY));
    }
    if let Err(busy) = crate::limits::admit_card_press(ctx, &app_id).await {
        // Lark shows the person a toast only from a 200: they see why, in every language.
        let lang = CardLang::All {
            default: Lang::default(),
        };
        return Ok(web::json(
            StatusCode::OK,
            &Reply::refuse(busy.text(), lang).body(),
        ));
    }
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let reply = callbacks::handle(
        ctx,
        Incoming {
            app_id: &app_id,
            body: req.body().as_ref(),
            timestamp: header("x-lark-request-timestamp"),
            nonce: header("x-lark-request-nonce"),
            signature: header("x-lark-signature"),
        },
    )
    .await?;
    let status = match &reply {
        Reply::NotLark(why) => {
            // One line, no secrets: which check failed, for whom.
            tracing::warn!(app_id = %app_id, why, "callback refused");
            StatusCode::UNAUTHORIZED
        }
        _ => StatusCode::OK,
    };
    Ok(web::json(status, &reply.body()))
}
