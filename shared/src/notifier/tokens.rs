//! The app's tenant token: this instance's, else the one another invocation stored, else new.

use super::*;

/// The app's tenant token: this instance's, else the one another invocation stored, else a new
/// one from Lark (stored for everyone).
pub(super) async fn token_for(
    ctx: &AppContext,
    app_id: &AppId,
    stored: Option<&StoredToken>,
) -> AppResult<SecretString> {
    if let Some((token, _)) = ctx.lark.cached_token(app_id) {
        return Ok(token);
    }
    if let Some(s) = stored {
        if ctx.lark.adopt_token(app_id, &s.token, s.expires_at) {
            return Ok(s.token.clone());
        }
    }
    fresh_token(ctx, app_id).await
}

pub(super) async fn fresh_token(ctx: &AppContext, app_id: &AppId) -> AppResult<SecretString> {
    let tenant = crate::orgs::load(ctx, app_id).await?;
    let secret = crate::orgs::app_secret(ctx, &tenant).await?;
    let (token, expires_at) = ctx
        .lark
        .refresh_tenant_token(Credentials {
            app_id,
            app_secret: &secret,
        })
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
    Ok(token)
}
