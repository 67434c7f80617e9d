//! Groups, their members and their chat. A group's items share its partition (`GROUP#{id}`), so
//! a page of chat or the member list is one query that never touches another group.

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};

use super::dynamo::{decode, n, s, write_err, Keyed};
use super::keys;
use super::{Store, StoreError};
use crate::clock::Epoch;
use crate::domain::chat::MentionRef;
use crate::domain::model::*;
use crate::domain::sessions::SessionFence;
use crate::ids::{AppId, GroupId, OpenId};

/// The most messages one read returns.
pub const MESSAGE_PAGE: i32 = 50;
/// How long a composer's idempotency key is remembered.
const CLIENT_ID_TTL: Epoch = 24 * 3600;
/// Twelve digits of message numbers per group: far beyond any chat.
pub const MAX_SEQ: u64 = 999_999_999_999;

/// The outcome of posting: a new message, or the one an earlier try with the same client id
/// already stored.
#[derive(Debug)]
pub enum Posted {
    New(Message),
    Duplicate(Message),
}

/// A page of chat, oldest first.
#[derive(Debug)]
pub struct MessagePage {
    pub messages: Vec<Message>,
    /// More messages exist beyond this page in the direction read.
    pub more: bool,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct ClientMarker {
    seq: u64,
}

impl Store {
    pub(super) fn keyed_group(group: &Group) -> Keyed<'_, Group> {
        let kind = match group.kind {
            GroupKind::Service => "service",
            GroupKind::Ticket => "ticket",
        };
        Keyed::item(keys::group(&group.id), keys::META.into(), group).indexed(
            keys::groups_of(&group.app_id),
            format!("{kind}#{}", group.id),
        )
    }

    pub(super) fn keyed_member(member: &Member) -> Keyed<'_, Member> {
        Keyed::item(
            keys::group(&member.group_id),
            keys::member(&member.app_id, &member.open_id),
            member,
        )
        .indexed(
            keys::member(&member.app_id, &member.open_id),
            keys::group(&member.group_id),
        )
    }

    pub async fn group(&self, id: &GroupId) -> Result<Option<Group>, StoreError> {
        self.get(keys::group(id), keys::META.into()).await
    }

    /// Several groups by id (ids that do not exist are left out).
    pub async fn groups(&self, ids: &[GroupId]) -> Result<Vec<Group>, StoreError> {
        let keys = ids
            .iter()
            .map(|id| (keys::group(id), keys::META.to_owned()))
            .collect();
        self.batch_items(keys)
            .await?
            .into_iter()
            .map(decode)
            .collect()
    }

    /// A group, one person's membership of it and that person's session fence, in one request:
    /// what every group route checks first.
    pub async fn group_and_member(
        &self,
        group_id: &GroupId,
        app_id: &AppId,
        open_id: &OpenId,
    ) -> Result<(Option<Group>, Option<Member>, SessionFence), StoreError> {
        let keys = vec![
            (keys::group(group_id), keys::META.to_owned()),
            (keys::group(group_id), keys::member(app_id, open_id)),
            keys::session_fence(app_id, open_id),
        ];
        let (mut group, mut member, mut fence) = (None, None, SessionFence::default());
        for item in self.batch_items(keys).await? {
            match item.get("sk") {
                Some(AttributeValue::S(sk)) if sk == keys::META => group = Some(decode(item)?),
                Some(AttributeValue::S(sk)) if sk == keys::FENCE => fence = decode(item)?,
                _ => member = Some(decode(item)?),
            }
        }
        Ok((group, member, fence))
    }

    /// A page of one person's memberships (through their app), in the order of their groups'
    /// ids (which are time-ordered: the oldest group first), after group `after`, and whether
    /// more remain. One query however many groups the person is in.
    pub async fn memberships_page(
        &self,
        app_id: &AppId,
        open_id: &OpenId,
        after: Option<&GroupId>,
        limit: i32,
    ) -> Result<(Vec<Member>, bool), StoreError> {
        let lo = after.map_or_else(|| keys::GROUP_PREFIX.to_owned(), keys::group);
        let query = self
            .db
            .query()
            .table_name(&self.table)
            .index_name("gsi1")
            .key_condition_expression("gsi1pk = :pk AND gsi1sk > :lo")
            .expression_attribute_values(":pk", s(keys::member(app_id, open_id)))
            .expression_attribute_values(":lo", s(lo));
        self.query_page(query, limit).await
    }

    pub async fn members(&self, group_id: &GroupId) -> Result<Vec<Member>, StoreError> {
        self.query_prefix(keys::group(group_id), keys::MEMBER_PREFIX)
            .await
    }

    /// The members among the people a post mentions (the others are not members), in one
    /// `BatchGetItem`: reading the whole group for a mention read every member of a 200-person
    /// service group per post (`bench-month`).
    pub async fn members_among(
        &self,
        group_id: &GroupId,
        people: &[MentionRef],
    ) -> Result<Vec<Member>, StoreError> {
        let wanted = people
            .iter()
            .map(|p| (keys::group(group_id), keys::member(&p.app_id, &p.open_id)))
            .collect();
        self.batch_items(wanted)
            .await?
            .into_iter()
            .map(decode)
            .collect()
    }

    /// Which of `groups` the person is a member of, in one `BatchGetItem` (a page of the ticket
    /// list asks for each of its tickets' groups and the service group).
    pub async fn memberships_among(
        &self,
        groups: &[GroupId],
        app_id: &AppId,
        open_id: &OpenId,
    ) -> Result<std::collections::HashSet<GroupId>, StoreError> {
        let wanted = groups
            .iter()
            .map(|g| (keys::group(g), keys::member(app_id, open_id)))
            .collect();
        self.batch_items(wanted)
            .await?
            .into_iter()
            .map(|item| decode::<Member>(item).map(|m| m.group_id))
            .collect()
    }

    pub async fn member(
        &self,
        group_id: &GroupId,
        app_id: &AppId,
        open_id: &OpenId,
    ) -> Result<Option<Member>, StoreError> {
        self.get(keys::group(group_id), keys::member(app_id, open_id))
            .await
    }

    /// Adds a member once, with its audit entry: a second add of the same person is
    /// `ConditionFailed`, not a duplicate.
    pub async fn add_member(
        &self,
        member: &Member,
        audit: &crate::domain::audit::AuditEntry,
    ) -> Result<(), StoreError> {
        self.transact(vec![
            self.put_item(Self::keyed_member(member), Some("attribute_not_exists(pk)"))?,
            self.audit_write(audit)?,
        ])
        .await
    }

    /// Removes a membership, with its audit entry; `ConditionFailed` if the person was not a
    /// member.
    pub async fn remove_member(
        &self,
        group_id: &GroupId,
        app_id: &AppId,
        open_id: &OpenId,
        audit: &crate::domain::audit::AuditEntry,
    ) -> Result<(), StoreError> {
        let delete = aws_sdk_dynamodb::types::Delete::builder()
            .table_name(&self.table)
            .key("pk", s(keys::group(group_id)))
            .key("sk", s(keys::member(app_id, open_id)))
            .condition_expression("attribute_exists(pk)")
            .build();
        self.transact(vec![
            TransactWriteItem::builder()
                .delete(super::dynamo::built(delete)?)
                .build(),
            self.audit_write(audit)?,
        ])
        .await
    }

    // ----- chat ----------------------------------------------------------------------------------

    /// Gives out the group's next message number: one atomic add on the group's counter, which
    /// never conflicts however many people post at once (a conditional "last + 1" write does:
    /// under 50 concurrent posters it failed 13 posts in 100, `./run bench chat`).
    pub async fn reserve_seq(&self, group_id: &GroupId) -> Result<u64, StoreError> {
        let out = self
            .db
            .update_item()
            .table_name(&self.table)
            .key("pk", s(keys::group(group_id)))
            .key("sk", s(keys::META))
            .update_expression("ADD msg_seq :one")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":one", n(1))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(write_err)?;
        super::dynamo::counted(out.attributes.as_ref(), "msg_seq")
    }

    /// A system line at the group's next number, for a transaction that reports a change
    /// (`transact_with_line` writes it or voids its number).
    pub async fn next_line(
        &self,
        group_id: &GroupId,
        event: crate::i18n::Msg,
        now: Epoch,
    ) -> Result<Message, StoreError> {
        let seq = self.reserve_seq(group_id).await?;
        Ok(Message::system_line(group_id, seq, event, now))
    }

    /// Runs a transaction that includes `line`'s writes. If it does not go through, `line`'s
    /// number is voided so readers do not wait at it; the caller decides again with a new line.
    pub(super) async fn transact_with_line(
        &self,
        writes: Vec<TransactWriteItem>,
        line: &Message,
    ) -> Result<(), StoreError> {
        let result = self.transact(writes).await;
        if result.is_err() {
            self.void_seq(&line.group_id, line.seq, line.created_at)
                .await?;
        }
        result
    }

    /// Marks a number whose message will not be written; a no-op if a message stands there.
    async fn void_seq(&self, group_id: &GroupId, seq: u64, now: Epoch) -> Result<(), StoreError> {
        // A one-item transaction, not a PutItem: every function that writes lines may already
        // run transactions, so voiding needs no grant of its own.
        let void = Message::void(group_id, seq, now);
        let put = self.put_item(
            Keyed::item(keys::group(group_id), keys::message(seq), &void),
            Some("attribute_not_exists(pk)"),
        )?;
        match self.transact(vec![put]).await {
            Err(StoreError::ConditionFailed) => Ok(()),
            other => other,
        }
    }

    /// Appends a message at the group's next number. The message and its client id land in one
    /// transaction, so a retried post with the same client id returns the first one instead of
    /// storing a second (its number is voided).
    pub async fn append_message(
        &self,
        group: &Group,
        draft: &Message,
        now: Epoch,
    ) -> Result<Posted, StoreError> {
        let mut message = draft.clone();
        message.seq = self.reserve_seq(&group.id).await?;
        match self
            .transact_with_line(self.append_writes(&message, now)?, &message)
            .await
        {
            Ok(()) => Ok(Posted::New(message)),
            Err(StoreError::ConditionFailed) => self
                .message_by_client_id(draft)
                .await?
                .map(Posted::Duplicate)
                .ok_or(StoreError::ConditionFailed),
            Err(e) => Err(e),
        }
    }

    /// The writes that put `message` at its (already given out) number, with its client id:
    /// for use in a larger transaction (a ticket's move posts into its group atomically).
    pub(super) fn append_writes(
        &self,
        message: &Message,
        now: Epoch,
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        let mut writes = vec![self.message_put(message)?];
        if let Some(sk) = message
            .client_id
            .as_deref()
            .and_then(|c| client_key(message, c))
        {
            writes.push(
                self.put_item(
                    Keyed::item(
                        keys::group(&message.group_id),
                        sk,
                        &ClientMarker { seq: message.seq },
                    )
                    .expiring(now + CLIENT_ID_TTL),
                    Some("attribute_not_exists(pk)"),
                )?,
            );
        }
        Ok(writes)
    }

    /// Puts a message as its number (a new group's first message, or within `append_writes`).
    pub(super) fn message_put(&self, message: &Message) -> Result<TransactWriteItem, StoreError> {
        self.put_item(
            Keyed::item(
                keys::group(&message.group_id),
                keys::message(message.seq),
                message,
            ),
            Some("attribute_not_exists(pk)"),
        )
    }

    async fn message_by_client_id(&self, draft: &Message) -> Result<Option<Message>, StoreError> {
        let Some(sk) = draft
            .client_id
            .as_deref()
            .and_then(|c| client_key(draft, c))
        else {
            return Ok(None);
        };
        let marker: Option<ClientMarker> = self.get(keys::group(&draft.group_id), sk).await?;
        match marker {
            Some(m) => {
                self.get(keys::group(&draft.group_id), keys::message(m.seq))
                    .await
            }
            None => Ok(None),
        }
    }

    /// Messages numbered after `after`, oldest first: what a reader has not seen yet.
    pub async fn messages_after(
        &self,
        group_id: &GroupId,
        after: u64,
    ) -> Result<MessagePage, StoreError> {
        self.message_query(
            group_id,
            "pk = :pk AND sk BETWEEN :lo AND :hi",
            keys::message(after.saturating_add(1)),
            true,
        )
        .await
    }

    /// The newest messages before `before` (or the newest of all), returned oldest first.
    pub async fn messages_before(
        &self,
        group_id: &GroupId,
        before: Option<u64>,
    ) -> Result<MessagePage, StoreError> {
        let hi = match before {
            Some(b) => keys::message(b.saturating_sub(1)),
            None => keys::message(MAX_SEQ),
        };
        let mut page = self
            .message_query(group_id, "pk = :pk AND sk BETWEEN :lo AND :hi", hi, false)
            .await?;
        page.messages.reverse();
        Ok(page)
    }

    /// One query over the group's `MSG#` range: ascending from `bound`, or descending to it.
    async fn message_query(
        &self,
        group_id: &GroupId,
        condition: &str,
        bound: String,
        ascending: bool,
    ) -> Result<MessagePage, StoreError> {
        let (lo, hi) = if ascending {
            (bound, keys::message(MAX_SEQ))
        } else {
            (keys::message(1), bound)
        };
        if lo > hi {
            return Ok(MessagePage {
                messages: Vec::new(),
                more: false,
            });
        }
        let query = self
            .db
            .query()
            .table_name(&self.table)
            .key_condition_expression(condition)
            .expression_attribute_values(":pk", s(keys::group(group_id)))
            .expression_attribute_values(":lo", s(lo))
            .expression_attribute_values(":hi", s(hi))
            .scan_index_forward(ascending)
            .consistent_read(true);
        let (messages, more) = self.query_page(query, MESSAGE_PAGE).await?;
        Ok(MessagePage { messages, more })
    }
}

/// The idempotency key of a message's author; system lines have no author and no key.
fn client_key(message: &Message, client_id: &str) -> Option<String> {
    let a = message.author.as_ref()?;
    Some(keys::client_message(&a.app_id, &a.open_id, client_id))
}
