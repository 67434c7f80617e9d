//! The provider's on-call channel: emergencies posted to its Lark group's custom bot.

use super::{cards, rules, Handled};
use crate::context::AppContext;
use crate::error::AppResult;
use crate::lark::LarkError;
use crate::lark::SendFailure as Failure;

/// Posts to the provider's on-call group bot (webhook posts are not metered). At least once: a
/// webhook has no idempotency key, and a repeated emergency post beats a missing one.
#[tracing::instrument(skip_all, fields(kind = "oncall", id = %post.id))]
pub(super) async fn post_oncall(
    ctx: &AppContext,
    post: &crate::notify::OnCallPost,
) -> AppResult<Handled> {
    let Some(crate::keys::OnCallWebhook { url, secret }) = &ctx.keys.oncall else {
        tracing::warn!(id = %post.id, "no on-call webhook configured; emergency post skipped");
        return Ok(Handled::Done);
    };
    match ctx
        .lark
        .post_webhook(
            url,
            secret.expose(),
            &cards::oncall(post, oncall_reader(url)),
        )
        .await
    {
        Ok(()) => Ok(Handled::Done),
        Err(e) => match (e.meaning(), &e) {
            (Failure::RateLimited(secs), _) => Ok(Handled::RetryIn(secs)),
            // A webhook's own errors (19001 bad token, 19021 bad signature) answer HTTP 200.
            (Failure::Transient, LarkError::Api { status, .. }) if *status < 500 => {
                tracing::error!(error = %e, "the on-call webhook refused the post; check its URL and secret");
                Ok(Handled::Done)
            }
            (Failure::Transient, _) => Ok(Handled::RetryIn(rules::backoff(
                ctx.settings.retry_base_seconds,
                1,
            ))),
            _ => {
                tracing::error!(error = %e, "the on-call webhook refused the post; check its URL and secret");
                Ok(Handled::Done)
            }
        },
    }
}

/// The on-call group is the provider's, on the brand whose host its webhook URL names; a group
/// has readers of every language, so the card carries them all.
fn oncall_reader(url: &str) -> cards::Reader {
    cards::Reader {
        brand: crate::domain::brand::Brand::of_url(url),
        actions: false,
        lang: cards::CardLang::All {
            default: crate::i18n::Lang::En,
        },
    }
}
