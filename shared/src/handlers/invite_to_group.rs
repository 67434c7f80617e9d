//! `GET/POST /lark/{appId}/person/inviteToGroup?token=…`: the Add People link. GET shows which
//! group and who invited (signing in first when needed); POST joins.

use http::{Method, StatusCode};
use lambda_http::{Body, Request, Response};
use minijinja::context;

use crate::actor::Actor;
use crate::context::AppContext;
use crate::error::AppResult;
use crate::invitations::{self, ValidLink};
use crate::web;

pub async fn handle(ctx: &AppContext, req: Request) -> AppResult<Response<Body>> {
    let app_id = web::app_id(&req)?;
    let token = if req.method() == Method::POST {
        web::form_body(&req)?.remove("token")
    } else {
        web::query(&req).remove("token")
    };
    // A signed session for this app (its cookie's signature, no read) may learn who revoked it.
    let known = web::session(ctx, &req, &app_id)?.is_some();
    let link = invitations::check_link(ctx, app_id.as_str(), token.as_deref(), known).await?;
    let Some((_, actor)) = web::signed_in(ctx, &req).await? else {
        return Ok(web::sign_in_first(&app_id, &req));
    };
    let lang = actor.lang;
    let open_group = format!("/lark/{app_id}/workbench?group={}", link.group.id);
    if req.method() == Method::POST {
        invitations::accept(ctx, &actor, &link).await?;
        return Ok(web::redirect(&open_group, &[]));
    }
    if invitations::already_member(ctx, &actor, &link).await? {
        return Ok(crate::web::message_page(
            lang,
            StatusCode::OK,
            &crate::i18n::t(lang, "invite-already-title"),
            &crate::msg!("invite-already", group = &link.group.name).in_lang(lang),
            Some((&open_group, &crate::i18n::t(lang, "invite-open-group"))),
            &[],
        ));
    }
    let sources = web::Sources::of(&ctx.settings, false);
    landing(&actor, &link, token.unwrap_or_default(), &sources)
}

fn landing(
    actor: &Actor,
    link: &ValidLink,
    token: String,
    sources: &web::Sources,
) -> AppResult<Response<Body>> {
    let inv = &link.invitation;
    let body = crate::pages::render(
        "invitation.html",
        actor.lang,
        context! {
            user => context! { app_id => actor.app_id.as_str(), name => &actor.name, avatar => &actor.avatar },
            group => &link.group,
            inviter => &inv.created_by,
            expires => inv.expires_at,
            token,
        },
    )?;
    Ok(web::html(StatusCode::OK, body, sources))
}
