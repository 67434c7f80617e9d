//! Admitting a request to an open route within its fair share (`domain::limits`): sign-ins per
//! organisation and per client, card presses per organisation. Nothing is asked of DynamoDB
//! until an instance has seen more than its free share of a key's minute. And the exact quotas
//! on what costs the service team's attention: tickets opened per person and per organisation.

use crate::clock::Epoch;
use crate::context::AppContext;
use crate::domain::limits::{
    Limit, Local, Quota, CARD_PRESSES_PER_APP, SIGN_IN_PER_APP, SIGN_IN_PER_CLIENT,
    TICKETS_PER_ORG, TICKETS_PER_PERSON,
};
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;
use crate::ids::{AppId, OpenId};

fn sign_in_refused(seconds: Epoch) -> Msg {
    crate::msg!("error-busy-sign-in", seconds = seconds)
}

/// Admits one request for `key` within `limit`, or refuses it with `refusal`'s message for the
/// seconds until the next minute. A counter that cannot be written admits: the limiter never turns a
/// DynamoDB failure into a locked-out organisation.
async fn admit(
    ctx: &AppContext,
    limit: Limit,
    key: &str,
    refusal: fn(Epoch) -> Msg,
) -> AppResult<()> {
    let now = ctx.now();
    let local = ctx.limits().request(limit, key, now);
    let decided = match local {
        Local::Count { minute, add } => {
            match ctx.store.count_requests(limit.name, key, minute, add).await {
                Ok(total) => ctx.limits().counted(limit, key, now, add, total),
                Err(e) => {
                    tracing::warn!(error = %e, limit = limit.name, "fair-share counter not written; admitted");
                    Local::Admit
                }
            }
        }
        other => other,
    };
    match decided {
        Local::Refuse { retry_after } => Err(AppError::Throttled {
            text: refusal(retry_after).into(),
            retry_after,
        }),
        _ => Ok(()),
    }
}

/// A sign-in (starting one, or Lark's callback): within the client's share of the app, then the
/// app's. A client over its share does not count against the app's.
pub async fn admit_sign_in(
    ctx: &AppContext,
    app_id: &AppId,
    client: Option<&str>,
) -> AppResult<()> {
    if let Some(client) = client {
        let key = format!("{app_id}#{client}");
        admit(ctx, SIGN_IN_PER_CLIENT, &key, sign_in_refused).await?;
    }
    admit(ctx, SIGN_IN_PER_APP, app_id.as_str(), sign_in_refused).await
}

/// A card callback for the app, before anything about it is read.
pub async fn admit_card_press(ctx: &AppContext, app_id: &AppId) -> AppResult<()> {
    admit(ctx, CARD_PRESSES_PER_APP, app_id.as_str(), |seconds| {
        crate::msg!("error-busy-card", seconds = seconds)
    })
    .await
}

/// What [`take_ticket_quota`] took: given back when the ticket is then not opened.
#[derive(Debug)]
pub struct TakenQuota {
    taken: Vec<(Quota, String, Epoch)>,
}

impl TakenQuota {
    /// The ticket was not opened after all: it does not count.
    pub async fn give_back(self, ctx: &AppContext) {
        for (quota, key, start) in self.taken {
            if let Err(e) = ctx.store.give_back_quota(quota.name, &key, start).await {
                tracing::warn!(error = %e, quota = quota.name, "quota not given back");
            }
        }
    }
}

/// One more ticket opened by `person` of `app`: within the person's quota, then the
/// organisation's. A refusal is a 429 that says when the next ticket can be opened.
pub async fn take_ticket_quota(
    ctx: &AppContext,
    app: &AppId,
    person: &OpenId,
) -> AppResult<TakenQuota> {
    let now = ctx.now();
    let mut taken = TakenQuota { taken: Vec::new() };
    let asks = [
        (TICKETS_PER_PERSON, format!("{app}#{person}"), true),
        (TICKETS_PER_ORG, app.to_string(), false),
    ];
    for (quota, key, personal) in asks {
        let (start, retry_after) = quota.window_of(now);
        // Kept a day past the window: only the window itself is ever read.
        let ttl = start + quota.window + 24 * 3600;
        if ctx
            .store
            .take_quota(quota.name, &key, start, quota.max, ttl)
            .await?
        {
            taken.taken.push((quota, key, start));
            continue;
        }
        taken.give_back(ctx).await;
        let minutes = (retry_after + 59) / 60;
        return Err(AppError::Throttled {
            text: if personal {
                crate::msg!("error-tickets-person", max = quota.max, minutes = minutes)
            } else {
                crate::msg!("error-tickets-org", max = quota.max, minutes = minutes)
            }
            .into(),
            retry_after,
        });
    }
    Ok(taken)
}
