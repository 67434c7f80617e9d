//! `$connect`: a page asks to follow its group's chat.

use crate::actor::Actor;
use crate::context::AppContext;
use crate::domain::socket::{replaced, Subscription};
use crate::error::{AppError, AppResult};
use crate::ids::{AppId, ConnectionId, GroupId};
use crate::session::{Session, SocketTicket, TokenError};

/// The ticket a page connects with, for the app and group it names: 401 when it is missing,
/// forged or expired, 403 when it was made for another app or group.
pub fn verify_ticket(
    ctx: &AppContext,
    app_id: &AppId,
    group_id: &GroupId,
    ticket: Option<&str>,
) -> AppResult<SocketTicket> {
    let signed_out = || AppError::Unauthorized(crate::msg!("error-not-signed-in").into());
    let other = || AppError::Forbidden(crate::msg!("error-socket-ticket").into());
    let ticket =
        match ctx
            .signer()?
            .verify_socket(ticket.ok_or_else(signed_out)?, app_id, ctx.now())
        {
            Ok(t) => t,
            Err(TokenError::WrongApp) => return Err(other()),
            Err(_) => return Err(signed_out()),
        };
    if ticket.group_id != *group_id {
        return Err(other());
    }
    Ok(ticket)
}

/// Follows the group on `connection` if the actor (the ticket's person, their session still
/// on) may read it: a 404 otherwise, storing nothing. One read of the group's followers and one
/// write; past `MAX_PER_SESSION` connections of this session to the group, the oldest is
/// forgotten and closed (its page reconnects or polls).
#[tracing::instrument(skip_all, fields(group = %ticket.group_id))]
pub async fn connect(
    ctx: &AppContext,
    actor: &Actor,
    connection: ConnectionId,
    ticket: &SocketTicket,
) -> AppResult<()> {
    crate::groups::open(ctx, actor, &ticket.group_id).await?;
    let now = ctx.now();
    let sub = Subscription {
        connection_id: connection,
        group_id: ticket.group_id.clone(),
        app_id: ticket.app_id.clone(),
        open_id: ticket.open_id.clone(),
        lang: ticket.lang,
        sid: ticket.sid.clone(),
        generation: ticket.generation,
        connected_at: now,
    };
    let followers = ctx.store.subscribers(&sub.group_id, now).await?;
    for old in replaced(&followers, &sub) {
        ctx.store.unsubscribe(old).await?;
        if let Err(e) = super::connections(ctx)?.close(&old.connection_id).await {
            // Gone already, or API Gateway busy: it gets no more pushes either way.
            tracing::info!(error = %e, "a replaced connection was not closed");
        }
    }
    ctx.store.subscribe(&sub).await?;
    Ok(())
}

/// Where the page shown to `session` opens its socket for `group`: the WebSocket API's URL
/// with the app, the group and a ticket good for as long as the session. `None` when the
/// deployment has no socket (the page polls).
pub fn socket_url(
    ctx: &AppContext,
    session: &Session,
    group: &GroupId,
    lang: crate::i18n::Lang,
) -> AppResult<Option<String>> {
    let Some(base) = &ctx.settings.socket_url else {
        return Ok(None);
    };
    let ticket = ctx.signer()?.sign_socket(&SocketTicket {
        app_id: session.app_id.clone(),
        open_id: session.open_id.clone(),
        group_id: group.clone(),
        sid: session.sid.clone(),
        generation: session.generation,
        lang,
        exp: session.exp,
    });
    let mut url =
        url::Url::parse(base).map_err(|e| AppError::Internal(format!("SOCKET_URL: {e}")))?;
    url.query_pairs_mut()
        .append_pair("app", &session.app_id)
        .append_pair("group", group)
        .append_pair("ticket", &ticket);
    Ok(Some(url.into()))
}
