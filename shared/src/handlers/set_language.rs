//! `POST /lark/{appId}/api/language`: a reader chooses their language. It is kept in this browser
//! (`tl_lang`, any app's pages) and, when they are signed in, for the person through this app
//! (`Prefs`): their other browsers get it at sign-in, and their cards are in it from then on.
//! A JSON body answers JSON; the page's form (`lang`, `return_to`) goes back to the page.

use http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::web;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Choice {
    lang: String,
}

fn parse(raw: &str) -> AppResult<Lang> {
    // Only the languages tamlink has, by their exact tag: what the switcher sends.
    Lang::ALL
        .into_iter()
        .find(|l| l.tag() == raw)
        .ok_or_else(|| {
            AppError::BadRequest(
                crate::msg!(
                    "error-lang-unknown",
                    given = raw.chars().take(20).collect::<String>()
                )
                .into(),
            )
        })
}

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let app_id = web::app_id(&req)?;
    let is_form = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let (lang, return_to) = if is_form {
        let mut form = web::form_body(&req)?;
        let lang = parse(&form.remove("lang").unwrap_or_default())?;
        (lang, form.remove("return_to"))
    } else {
        let choice: Choice = web::json_body(&req)?;
        (parse(&choice.lang)?, None)
    };
    let saved = match web::signed_in(ctx, &req).await? {
        Some((_, actor)) => {
            let mut prefs = ctx.store.prefs(&app_id, &actor.open_id).await?;
            prefs.lang = Some(lang);
            ctx.store
                .save_prefs(&app_id, &actor.open_id, &prefs)
                .await?;
            true
        }
        None => false,
    };
    let cookie = web::lang_cookie(ctx, lang);
    if is_form {
        let back = crate::session::safe_return_to(app_id.as_str(), return_to.as_deref());
        let mut resp = web::redirect(&back, &[cookie]);
        *resp.status_mut() = StatusCode::SEE_OTHER;
        return Ok(resp);
    }
    let mut resp = web::json(
        StatusCode::OK,
        &serde_json::json!({ "lang": lang.tag(), "saved": saved }),
    );
    resp.headers_mut().append(
        http::header::SET_COOKIE,
        cookie.parse().expect("cookie header"),
    );
    Ok(resp)
}
