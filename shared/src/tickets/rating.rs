//! A customer rates the support a ticket got, once it is resolved (from the card Lark shows them
//! when it is; the console shows the rating on the ticket).

use super::*;

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
    let (mut ticket, _) = visible(ctx, actor, id).await?;
    if ticket.status.is_open() {
        return Err(AppError::Conflict(
            crate::msg!("error-rate-open", number = ticket.number).into(),
        ));
    }
    let rating = crate::store::Rating {
        score,
        comment,
        by: actor.name.clone(),
        at: ctx.now(),
    };
    match ctx.store.rate_ticket(&ticket, &rating).await {
        Ok(()) => {}
        Err(crate::store::StoreError::ConditionFailed) => {
            return Err(AppError::Conflict(
                crate::msg!("error-rate-reopened", number = ticket.number).into(),
            ))
        }
        Err(e) => return Err(e.into()),
    }
    ticket.rating = Some(rating);
    Ok(view(&ticket, ctx.now(), actor.lang))
}
