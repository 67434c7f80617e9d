//! Admitting a request to an open route within its fair share (`domain::limits`): sign-ins per
//! organisation and per client, card presses per organisation. Nothing is asked of DynamoDB
//! until an instance has seen more than its free share of a key's minute.

use crate::clock::Epoch;
use crate::context::AppContext;
use crate::domain::limits::{
    Limit, Local, CARD_PRESSES_PER_APP, SIGN_IN_PER_APP, SIGN_IN_PER_CLIENT,
};
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;
use crate::ids::AppId;

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
