//! What people are told when someone mentions them in a group, and whom.

use crate::context::AppContext;
use crate::domain::model::*;
use crate::domain::notification::*;

pub(crate) fn mention_notifications(
    ctx: &AppContext,
    group: &Group,
    org_name: &str,
    message: &Message,
) -> Vec<Notification> {
    let author = message.author.as_ref().map(|a| a.name.clone());
    message
        .mentions
        .iter()
        .map(|m| Notification {
            id: format!("mention.{}.{}.{}", message.id, m.app_id, m.open_id),
            kind: NotificationKind::Mention,
            urgent: false,
            recipient: Recipient {
                app_id: m.app_id.clone(),
                open_id: m.open_id.clone(),
                name: m.name.clone(),
            },
            org_app_id: group.app_id.clone(),
            org_name: org_name.to_owned(),
            group_id: Some(group.id.clone()),
            group_name: Some(group.name.clone()),
            title: format!(
                "{} mentioned you in {}",
                author.as_deref().unwrap_or("Someone"),
                group.name
            ),
            actor: author.clone(),
            excerpt: crate::domain::chat::excerpt(&message.text),
            link: super::group_link(&ctx.settings.base_url, &m.app_id, &group.id),
            created_at: message.created_at,
            card_key: None,
            ticket: None,
            ticket_status: None,
            only_update: false,
        })
        .collect()
}
