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
            title: match author.as_deref() {
                Some(who) => crate::msg!("note-mentioned", who = who, group = &group.name),
                None => crate::msg!("note-mentioned-someone", group = &group.name),
            }
            .into(),
            actor: author.clone(),
            excerpt: crate::domain::chat::excerpt(&message.text).into(),
            link: super::group_link(&ctx.settings.base_url, &m.app_id, &group.id),
            created_at: message.created_at,
            card_key: None,
            ticket: None,
            ticket_status: None,
            only_update: false,
            survey: false,
            seq: Some(message.seq),
            revision: None,
        })
        .collect()
}
