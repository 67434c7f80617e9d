//! Satisfaction: the ticket's creator rates the support it got, once it is resolved: from the
//! card Lark shows them (if the organisation surveys, at most one survey card a day each) or on
//! the ticket's page. The service team sees the rating on the ticket. The rater may change it for
//! 7 days; a ticket reopened and resolved again is rated afresh.

use super::{audit_of, count_of, view, visible, TicketView};
use crate::actor::Actor;
use crate::clock::Epoch;
use crate::context::AppContext;
use crate::domain::audit::AuditKind;
use crate::domain::tickets as rules;
use crate::domain::tickets::Status;
use crate::error::{AppError, AppResult};
use crate::ids::{AppId, OpenId, TicketId};
use crate::store::{Side, Tenant, Ticket};

/// How long a rater may change their rating.
pub const RATING_EDITABLE: Epoch = 7 * 24 * 3600;

/// At most one survey card per person in this time (survey fatigue): a person who resolved
/// several tickets in a day is asked on the first card and can rate the rest on their pages.
pub const SURVEY_COOLDOWN: Epoch = 24 * 3600;

/// Whether the creator of a ticket just resolved is asked on its card: their organisation
/// surveys, and they were not asked in the last day. Asking is remembered with their choices.
pub(crate) async fn survey_due(
    ctx: &AppContext,
    tenant: &Tenant,
    app_id: &AppId,
    open_id: &OpenId,
) -> AppResult<bool> {
    if !tenant.csat {
        return Ok(false);
    }
    let now = ctx.now();
    let mut prefs = ctx.store.prefs(app_id, open_id).await?;
    if prefs
        .last_survey_at
        .is_some_and(|at| now - at < SURVEY_COOLDOWN)
    {
        return Ok(false);
    }
    prefs.last_survey_at = Some(now);
    ctx.store.save_prefs(app_id, open_id, &prefs).await?;
    Ok(true)
}

/// When the ticket was last resolved: its rating round.
fn resolved_at(ticket: &Ticket) -> Epoch {
    ticket
        .history
        .iter()
        .filter(|c| c.to == Status::Resolved)
        .map(|c| c.at)
        .max()
        .unwrap_or(0)
}

/// When a rating's round began (ratings stored before `first_at` existed: their own time).
fn started(r: &crate::store::Rating) -> Epoch {
    if r.first_at == 0 {
        r.at
    } else {
        r.first_at
    }
}

/// Whether `actor` may rate the ticket now (a new rating, or changing theirs within 7 days).
pub fn may_rate(actor: &Actor, ticket: &Ticket, now: Epoch) -> bool {
    actor.side == Side::Colleague
        && actor.is(&ticket.created_by.app_id, &ticket.created_by.open_id)
        && !ticket.status.is_open()
        && match &ticket.rating {
            Some(r) if r.at >= resolved_at(ticket) => now < started(r) + RATING_EDITABLE,
            _ => true,
        }
}

/// Rates a resolved or closed ticket 1 to 5, with an optional comment; a later rating replaces
/// an earlier one.
#[tracing::instrument(skip_all, fields(actor = %actor.open_id, ticket = %id, score))]
pub async fn rate(
    ctx: &AppContext,
    actor: &Actor,
    id: &TicketId,
    score: u8,
    comment: Option<&str>,
) -> AppResult<TicketView> {
    if actor.side != Side::Colleague {
        return Err(AppError::Forbidden(
            crate::msg!("error-rate-customers").into(),
        ));
    }
    if !(1..=5).contains(&score) {
        return Err(AppError::BadRequest(
            crate::msg!("error-rating-range").into(),
        ));
    }
    let comment = rules::rating_comment(comment).map_err(|e| AppError::BadRequest(e.into()))?;
    // A rating read and replaced by another press meanwhile is read again (the counters the
    // reports keep must replace exactly the score that was there).
    for _ in 0..3 {
        let (mut ticket, _) = visible(ctx, actor, id).await?;
        if !actor.is(&ticket.created_by.app_id, &ticket.created_by.open_id) {
            return Err(AppError::Forbidden(
                crate::msg!("error-rate-creator", who = &ticket.created_by.name).into(),
            ));
        }
        if ticket.status.is_open() {
            return Err(AppError::Conflict(
                crate::msg!("error-rate-open", number = ticket.number).into(),
            ));
        }
        let now = ctx.now();
        // This round's earlier rating, if any: it starts the 7 days in which it may change.
        let earlier = ticket
            .rating
            .as_ref()
            .filter(|r| r.at >= resolved_at(&ticket));
        let first_at = earlier.map(started).unwrap_or(now);
        if now >= first_at + RATING_EDITABLE {
            return Err(AppError::Conflict(
                crate::msg!("error-rating-locked", number = ticket.number).into(),
            ));
        }
        let rating = crate::store::Rating {
            score,
            first_at,
            comment: comment.clone(),
            by: actor.name.clone(),
            at: now,
        };
        let audit = audit_of(
            actor,
            &ticket.app_id,
            ticket.number,
            AuditKind::TicketRated,
            now,
        )
        .change(
            "rating",
            ticket.rating.as_ref().map(|r| r.score.to_string()),
            Some(score.to_string()),
        );
        // A round counts in the month it was first rated.
        let count = count_of(
            &ticket,
            first_at,
            crate::domain::report::Event::Rated {
                score,
                replaces: earlier.map(|r| r.score),
            },
        );
        match ctx
            .store
            .rate_ticket(&ticket, &rating, &audit, &[count])
            .await
        {
            Ok(()) => {
                ticket.rating = Some(rating);
                return Ok(view(&ticket, ctx.now(), actor.lang));
            }
            Err(crate::store::StoreError::ConditionFailed) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Conflict(
        crate::msg!("error-rate-reopened", number = id.number).into(),
    ))
}
