//! The app's tenant token: this instance's, else the one another invocation stored, else new.
//! A token goes with its app's brand: it is only ever sent to the hosts that issued it.

use crate::context::AppContext;
use crate::error::AppResult;
use crate::ids::AppId;
use crate::lark::AppToken;
use crate::store::{StoredToken, Tenant};

/// The app's tenant token: this instance's, else the one another invocation stored, else a new
/// one from Lark (stored for everyone). `tenant` is the app's organisation when the caller has
/// it at hand (its brand says where the token goes); otherwise it is read.
pub(super) async fn token_for(
    ctx: &AppContext,
    app_id: &AppId,
    tenant: Option<&Tenant>,
    stored: Option<&StoredToken>,
) -> AppResult<AppToken> {
    let Some(brand) = tenant.map(|t| t.brand) else {
        return fresh_token(ctx, app_id).await;
    };
    if let Some((token, _)) = ctx.lark.cached_token(app_id) {
        return Ok(AppToken { token, brand });
    }
    if let Some(s) = stored {
        if ctx.lark.adopt_token(app_id, &s.token, s.expires_at) {
            return Ok(AppToken {
                token: s.token.clone(),
                brand,
            });
        }
    }
    fresh_token(ctx, app_id).await
}

pub(super) async fn fresh_token(ctx: &AppContext, app_id: &AppId) -> AppResult<AppToken> {
    let tenant = crate::orgs::load(ctx, app_id).await?;
    let secret = crate::orgs::app_secret(ctx, &tenant).await?;
    let (token, expires_at) = ctx
        .lark
        .refresh_tenant_token(crate::orgs::credentials(&tenant, &secret))
        .await?;
    ctx.store
        .save_token(
            app_id,
            &StoredToken {
                token: token.clone(),
                expires_at,
            },
        )
        .await?;
    Ok(AppToken {
        token,
        brand: tenant.brand,
    })
}
