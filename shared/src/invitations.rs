//! Add People: 24-hour invitation links to one group, for colleagues of the group's own
//! organisation.
//!
//! A link carries a signed token naming the app, the group, the invitation and its expiry. The
//! signature makes it unforgeable, the 128-bit invitation id makes it unguessable, and the stored
//! invitation makes it revocable. Expiry is checked at every use, whether or not the scheduled
//! expiry has marked the invitation yet.

use serde::Serialize;

use crate::actor::Actor;
use crate::clock::{format_utc, Epoch};
use crate::context::AppContext;
use crate::domain::audit::AuditKind;
use crate::error::{AppError, AppResult};
use crate::groups;
use crate::ids::{GroupId, InvitationId};
pub use crate::session::InvitationToken;
use crate::session::TokenError;
use crate::store::{
    retry_on_conflict, settle, Attempt, Group, Invitation, InvitationStatus, JoinedVia, Side,
    StoreError, TenantKind,
};

pub const INVITATION_TTL: Epoch = 24 * 3600;
/// Active links one group may have at a time.
pub const MAX_ACTIVE_PER_GROUP: usize = 20;

/// An invitation as members see it in the workbench.
#[derive(Debug, Serialize)]
pub struct InvitationView {
    pub id: InvitationId,
    pub url: String,
    pub created_by: String,
    pub created_at: Epoch,
    pub expires_at: Epoch,
    pub expires: String,
    pub accepted: u32,
}

fn link(ctx: &AppContext, inv: &Invitation) -> AppResult<String> {
    let token = ctx.signer()?.sign_invitation(&InvitationToken {
        app_id: inv.app_id.clone(),
        group_id: inv.group_id.clone(),
        invitation_id: inv.id.clone(),
        exp: inv.expires_at,
    });
    Ok(format!(
        "{}/lark/{}/person/inviteToGroup?token={token}",
        ctx.settings.base_url, inv.app_id
    ))
}

fn view(ctx: &AppContext, inv: &Invitation) -> AppResult<InvitationView> {
    Ok(InvitationView {
        id: inv.id.clone(),
        url: link(ctx, inv)?,
        created_by: inv.created_by.name.clone(),
        created_at: inv.created_at,
        expires_at: inv.expires_at,
        expires: format_utc(inv.expires_at),
        accepted: inv.accepted,
    })
}

fn is_usable(inv: &Invitation, now: Epoch) -> bool {
    inv.status == InvitationStatus::Active && now < inv.expires_at
}

/// Active links of a group, newest first.
pub async fn list(
    ctx: &AppContext,
    actor: &Actor,
    group_id: &GroupId,
) -> AppResult<Vec<InvitationView>> {
    let open = groups::open(ctx, actor, group_id).await?;
    let mut active = active_links(ctx, &open.group.id, ctx.now()).await?;
    active.sort_by_key(|i| std::cmp::Reverse(i.created_at));
    active.iter().map(|i| view(ctx, i)).collect()
}

/// Makes a new link to the group. Any member may; the link admits colleagues of the group's
/// organisation only.
#[tracing::instrument(skip_all, fields(actor = %actor.open_id, group = %group_id))]
pub async fn create(
    ctx: &AppContext,
    actor: &Actor,
    group_id: &GroupId,
) -> AppResult<InvitationView> {
    let open = groups::open(ctx, actor, group_id).await?;
    // An invitation-only organisation's links come from its TAM (or a manager or admin).
    let tenant = match &open.org {
        Some(org) => org.clone(),
        None => crate::orgs::load(ctx, &open.group.app_id).await?,
    };
    if tenant.invite_only
        && !actor
            .staff
            .as_ref()
            .is_some_and(|s| tenant.tam.as_ref() == Some(&s.open_id) || s.role.sees_all_orgs())
    {
        return Err(AppError::Forbidden(crate::msg!("error-invite-only").into()));
    }
    let full =
        || AppError::Conflict(crate::msg!("error-links-max", max = MAX_ACTIVE_PER_GROUP).into());
    // The cap is a slot per active link, taken in the link's own transaction: counting first
    // and inserting after would let simultaneous clicks pass the count together.
    let open = &open;
    let created = retry_on_conflict(MAX_ACTIVE_PER_GROUP as u64 + 5, || async move {
        let now = ctx.now();
        let active = active_links(ctx, &open.group.id, now).await?;
        if active.len() >= MAX_ACTIVE_PER_GROUP {
            return Err(full());
        }
        let taken: Vec<u32> = active.iter().filter_map(|i| i.slot).collect();
        let Some(slot) = (0..MAX_ACTIVE_PER_GROUP as u32).find(|n| !taken.contains(n)) else {
            return Err(full());
        };
        let inv = new_invitation(open, actor, slot, now);
        let audit = actor
            .audited(&open.group.app_id, AuditKind::LinkMade, now)
            .change(
                "link",
                None,
                Some(format!("{} · {}", open.group.name, inv.id)),
            );
        settle(ctx.store.create_invitation(&inv, &audit, now).await)
            .map(|a| match a {
                Attempt::Written(()) => Attempt::Written(inv),
                Attempt::Lost => Attempt::Lost,
            })
            .map_err(AppError::from)
    })
    .await?
    .ok_or_else(full)?;
    view(ctx, &created)
}

/// A group's links that still admit people at `now`.
async fn active_links(
    ctx: &AppContext,
    group_id: &GroupId,
    now: Epoch,
) -> AppResult<Vec<Invitation>> {
    Ok(ctx
        .store
        .invitations(group_id)
        .await?
        .into_iter()
        .filter(|i| is_usable(i, now))
        .collect())
}

fn new_invitation(open: &groups::OpenGroup, actor: &Actor, slot: u32, now: Epoch) -> Invitation {
    Invitation {
        id: InvitationId::generate(),
        group_id: open.group.id.clone(),
        app_id: open.group.app_id.clone(),
        created_by: actor.author(),
        created_at: now,
        expires_at: now + INVITATION_TTL,
        status: InvitationStatus::Active,
        ended_by: None,
        ended_at: None,
        accepted: 0,
        slot: Some(slot),
    }
}

/// Revokes an active link of a group the actor belongs to.
#[tracing::instrument(skip_all, fields(actor = %actor.open_id))]
pub async fn revoke(
    ctx: &AppContext,
    actor: &Actor,
    group_id: &GroupId,
    invitation_id: &InvitationId,
) -> AppResult<()> {
    let open = groups::open(ctx, actor, group_id).await?;
    let inv = ctx
        .store
        .invitation(&open.group.id, invitation_id)
        .await?
        .ok_or_else(|| AppError::NotFound(crate::msg!("error-link-unknown").into()))?;
    match ctx
        .store
        .end_invitation(
            &inv,
            InvitationStatus::Revoked,
            &actor.name,
            Some(
                &actor
                    .audited(&open.group.app_id, AuditKind::LinkRevoked, ctx.now())
                    .change(
                        "link",
                        Some(format!("{} · {}", open.group.name, inv.id)),
                        None,
                    ),
            ),
            ctx.now(),
        )
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::ConditionFailed) => {
            Err(AppError::Conflict(crate::msg!("error-link-ended").into()))
        }
        Err(e) => Err(e.into()),
    }
}

// ----- the landing page ------------------------------------------------------------------------

/// A link that checked out: the invitation and the group it opens.
#[derive(Debug)]
pub struct ValidLink {
    pub invitation: Invitation,
    pub group: Group,
}

/// Checks a link's token and invitation before anyone signs in: tampered, foreign, expired and
/// revoked links each get their own answer. Who revoked a link is said only to a reader signed
/// in to the link's app (`known`), never to whoever holds a copy of it.
pub async fn check_link(
    ctx: &AppContext,
    app_id: &str,
    token: Option<&str>,
    known: bool,
) -> AppResult<ValidLink> {
    let token = token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| AppError::BadRequest(crate::msg!("error-link-incomplete").into()))?;
    let now = ctx.now();
    let claims = ctx
        .signer()?
        .verify_invitation(token, app_id, now)
        .map_err(|e| match e {
            TokenError::Malformed | TokenError::BadSignature => {
                AppError::BadRequest(crate::msg!("error-link-invalid").into())
            }
            TokenError::WrongApp => AppError::Forbidden(crate::msg!("error-link-other-app").into()),
            TokenError::Expired => expired(),
        })?;
    let invitation = ctx
        .store
        .invitation(&claims.group_id, &claims.invitation_id)
        .await?
        .ok_or_else(|| AppError::NotFound(crate::msg!("error-invitation-gone").into()))?;
    ensure_usable(&invitation, now, known)?;
    let group = ctx
        .store
        .group(&invitation.group_id)
        .await?
        .ok_or_else(|| AppError::NotFound(crate::msg!("error-invitation-group-gone").into()))?;
    Ok(ValidLink { invitation, group })
}

fn expired() -> AppError {
    AppError::Gone(crate::msg!("error-link-expired").into())
}

fn ensure_usable(inv: &Invitation, now: Epoch, known: bool) -> AppResult<()> {
    match inv.status {
        InvitationStatus::Revoked => Err(AppError::Gone(
            match inv.ended_by.as_deref().filter(|_| known) {
                Some(by) => crate::msg!("error-link-revoked-by", who = by),
                None => crate::msg!("error-link-revoked"),
            }
            .into(),
        )),
        InvitationStatus::Expired => Err(expired()),
        InvitationStatus::Active if now >= inv.expires_at => Err(expired()),
        InvitationStatus::Active => Ok(()),
    }
}

/// Only colleagues of the group's own organisation may join with a link.
async fn ensure_colleague(ctx: &AppContext, actor: &Actor, link: &ValidLink) -> AppResult<()> {
    let org = ctx
        .store
        .tenant(&link.group.app_id)
        .await?
        .ok_or_else(|| AppError::NotFound(crate::msg!("error-org-not-registered").into()))?;
    if actor.side != Side::Colleague
        || org.kind != TenantKind::Customer
        || actor.app_id != link.group.app_id
    {
        return Err(AppError::Forbidden(
            crate::msg!("error-link-colleagues-only").into(),
        ));
    }
    Ok(())
}

/// Whether the actor already belongs to the link's group.
pub async fn already_member(ctx: &AppContext, actor: &Actor, link: &ValidLink) -> AppResult<bool> {
    ensure_colleague(ctx, actor, link).await?;
    Ok(ctx
        .store
        .member(&link.group.id, &actor.app_id, &actor.open_id)
        .await?
        .is_some())
}

/// Joins the actor to the group. Accepting twice, or after joining another way, is harmless.
#[tracing::instrument(skip_all, fields(actor = %actor.open_id))]
pub async fn accept(ctx: &AppContext, actor: &Actor, link: &ValidLink) -> AppResult<()> {
    if already_member(ctx, actor, link).await? {
        return Ok(());
    }
    let now = ctx.now();
    let inv = &link.invitation;
    let member = actor.as_member(
        &link.group.id,
        &inv.created_by.open_id,
        JoinedVia::Invitation,
        now,
    );
    let audit = actor
        .audited(&link.group.app_id, AuditKind::LinkUsed, now)
        .change(
            "member",
            None,
            Some(format!("{} · {}", link.group.name, inv.id)),
        );
    match ctx.store.accept_invitation(inv, &member, &audit, now).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed) => {
            // Either they joined a moment ago (a double click), or the link ended meanwhile.
            if ctx
                .store
                .member(&link.group.id, &actor.app_id, &actor.open_id)
                .await?
                .is_some()
            {
                return Ok(());
            }
            let fresh = ctx
                .store
                .invitation(&inv.group_id, &inv.id)
                .await?
                .ok_or_else(|| AppError::NotFound(crate::msg!("error-invitation-gone").into()))?;
            ensure_usable(&fresh, now, true)?;
            return Err(AppError::Conflict(crate::msg!("error-join-again").into()));
        }
        Err(e) => return Err(e.into()),
    }
    groups::post_system(
        ctx,
        &link.group,
        crate::msg!(
            "line-joined-by-link",
            who = &actor.name,
            inviter = &inv.created_by.name
        ),
    )
    .await
}
