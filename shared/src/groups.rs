//! Groups as people use them: whether the actor may open a group, reading and posting chat, the
//! member list and leaving or removing. One model serves the service group
//! and ticket groups.
//!
//! Authorization: only members read or write a group. Another organisation's group, or one that
//! does not exist, is the same 404. Staff must also still serve the group's organisation.

use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::clock::Epoch;
use crate::context::AppContext;
use crate::domain::chat::{self, MentionRef, Remover};
use crate::error::{AppError, AppResult};
use crate::ids::{AppId, GroupId, OpenId};
use crate::notify;
use crate::store::{
    Author, Group, Member, Mention, Message, MessageKind, MessagePage, Posted, Side, Tenant,
};

/// A group the actor may use, with their membership of it.
#[derive(Debug)]
pub struct OpenGroup {
    pub group: Group,
    pub me: Member,
    /// The organisation, loaded when a rule needed it (staff access, management).
    pub org: Option<Tenant>,
}

fn not_found(group_id: &GroupId) -> AppError {
    AppError::NotFound(crate::msg!("error-group-unknown", group = group_id.to_string()).into())
}

/// Opens a group for the actor: one request for a colleague, two more for staff (who must
/// still serve the organisation).
pub async fn open(ctx: &AppContext, actor: &Actor, group_id: &GroupId) -> AppResult<OpenGroup> {
    let (group, me, fence) = ctx
        .store
        .group_and_member(group_id, &actor.app_id, &actor.open_id)
        .await?;
    actor.check_fence(&fence)?;
    let (Some(group), Some(me)) = (group, me) else {
        return Err(not_found(group_id));
    };
    let org = match &actor.staff {
        Some(staff) => {
            let org = ctx
                .store
                .tenant(&group.app_id)
                .await?
                .filter(|t| crate::orgs::serves(staff, t))
                .ok_or_else(|| not_found(group_id))?;
            Some(org)
        }
        None if group.app_id != actor.app_id => return Err(not_found(group_id)),
        None => None,
    };
    Ok(OpenGroup { group, me, org })
}

/// The most groups one page holds.
pub const GROUP_PAGE: i32 = 50;

/// A page of the groups the actor belongs to (after group `after`), oldest first with service
/// groups ahead of ticket groups on each page, and the group to continue after. Two requests
/// (one query, one batch read) however many groups the person is in; staff add one (which
/// organisations they serve).
pub async fn mine(
    ctx: &AppContext,
    actor: &Actor,
    after: Option<&GroupId>,
) -> AppResult<(Vec<Group>, Option<GroupId>)> {
    let (members, more) = ctx
        .store
        .memberships_page(&actor.app_id, &actor.open_id, after, GROUP_PAGE)
        .await?;
    let next = if more {
        members.last().map(|m| m.group_id.clone())
    } else {
        None
    };
    let ids: Vec<GroupId> = members.into_iter().map(|m| m.group_id).collect();
    let mut groups = ctx.store.groups(&ids).await?;
    if let Some(staff) = &actor.staff {
        let orgs = ctx.store.tenants().await?;
        groups.retain(|g| {
            orgs.iter()
                .any(|t| t.app_id == g.app_id && crate::orgs::serves(staff, t))
        });
    }
    groups.sort_by_key(|g| (g.kind as u8, g.created_at));
    Ok((groups, next))
}

// ----- chat ------------------------------------------------------------------------------------

/// What a composer sends.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    pub text: String,
    #[serde(default)]
    pub mentions: Vec<MentionRef>,
    /// Any unique string per message typed (the composer makes one); a retry reuses it.
    #[serde(default, deserialize_with = "crate::json::not_null")]
    pub client_id: Option<String>,
}

/// A message as the workbench shows it.
#[derive(Debug, Serialize)]
pub struct MessageView {
    pub seq: u64,
    pub id: String,
    pub kind: MessageKind,
    pub author: Option<Author>,
    pub text: String,
    pub mentions: Vec<Mention>,
    pub created_at: Epoch,
}

impl From<Message> for MessageView {
    fn from(m: Message) -> Self {
        Self {
            seq: m.seq,
            id: m.id,
            kind: m.kind,
            author: m.author,
            text: m.text,
            mentions: m.mentions,
            created_at: m.created_at,
        }
    }
}

fn validate_client_id(id: &Option<String>) -> AppResult<()> {
    match id {
        Some(id)
            if id.is_empty()
                || id.len() > 64
                || !id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            Err(AppError::BadRequest(crate::msg!("error-client-id").into()))
        }
        _ => Ok(()),
    }
}

/// Posts a member's message and queues one notification per mentioned member. Returns the
/// message and whether it is new (false: a retry of a post already stored).
#[tracing::instrument(skip_all, fields(actor = %actor.open_id, group = %group_id))]
pub async fn post(
    ctx: &AppContext,
    actor: &Actor,
    group_id: &GroupId,
    input: NewMessage,
) -> AppResult<(MessageView, bool)> {
    chat::validate_text(&input.text)?;
    validate_client_id(&input.client_id)?;
    let open = open(ctx, actor, group_id).await?;
    let mentions = if input.mentions.is_empty() {
        Vec::new()
    } else {
        chat::check_mention_count(&input.mentions)?;
        let members = ctx
            .store
            .members_among(&open.group.id, &input.mentions)
            .await?;
        chat::resolve_mentions(&input.mentions, &members, (&actor.app_id, &actor.open_id))?
    };
    let draft = Message {
        group_id: open.group.id.clone(),
        seq: 0,
        id: Message::new_id(),
        kind: MessageKind::User,
        author: Some(actor.author()),
        text: input.text,
        event: None,
        mentions,
        client_id: input.client_id,
        created_at: ctx.now(),
    };
    let (message, is_new) = match ctx
        .store
        .append_message(&open.group, &draft, ctx.now())
        .await?
    {
        Posted::New(m) => (m, true),
        Posted::Duplicate(m) => (m, false),
    };
    if let (Some(number), Side::Service, true) = (open.group.ticket, actor.side, is_new) {
        // The service team's first reply in a ticket group is the ticket's first response.
        crate::tickets::record_first_response(ctx, &open.group.app_id, number, message.created_at)
            .await?;
    }
    if message.mentions.is_empty() && open.group.ticket.is_none() {
        return Ok((message.into(), is_new));
    }
    // One read of the organisation's name (none for staff, who loaded it to open the group),
    // and one queue request for every notification of this message.
    let org_name = match &open.org {
        Some(org) => org.org_name.clone(),
        None => crate::orgs::load(ctx, &open.group.app_id).await?.org_name,
    };
    let mut notes = notify::mentions::mention_notifications(ctx, &open.group, &org_name, &message);
    if let Some(number) = open.group.ticket {
        notes.extend(
            notify::tickets::reply_notifications(
                ctx,
                &open.group,
                &org_name,
                number,
                &message,
                actor.side,
            )
            .await?,
        );
    }
    notify::enqueue(ctx, &notes).await?;
    Ok((message.into(), is_new))
}

/// Writes a line from tamlink itself into a group's chat (joins, leaves, ticket events).
pub async fn post_system(
    ctx: &AppContext,
    group: &Group,
    event: crate::i18n::Msg,
) -> AppResult<()> {
    let draft = Message::system_line(&group.id, 0, event, ctx.now());
    ctx.store.append_message(group, &draft, ctx.now()).await?;
    Ok(())
}

/// Which part of the chat a reader asks for.
#[derive(Debug, Clone, Copy)]
pub enum Window {
    /// The newest page.
    Latest,
    /// Everything after this number (polling for what is new).
    After(u64),
    /// The page before this number (scrolling back).
    Before(u64),
    /// What lies between two numbers (both excluded), oldest first.
    Between(u64, u64),
}

impl Window {
    pub fn from_query(q: &std::collections::HashMap<String, String>) -> AppResult<Self> {
        let number = |key: &str| -> AppResult<Option<u64>> {
            q.get(key)
                .map(|v| match v.parse::<u64>() {
                    Ok(n) if n <= crate::store::MAX_SEQ => Ok(n),
                    _ => Err(AppError::BadRequest(
                        crate::msg!("error-seq", key = key, max = crate::store::MAX_SEQ).into(),
                    )),
                })
                .transpose()
        };
        // Messages are numbered from 1: nothing comes before 1 (`before=0` asks for nothing).
        if number("before")? == Some(0) {
            return Err(AppError::BadRequest(crate::msg!("error-before").into()));
        }
        match (number("after")?, number("before")?) {
            (Some(a), Some(b)) => Ok(Self::Between(a, b)),
            (Some(a), None) => Ok(Self::After(a)),
            (None, Some(b)) => Ok(Self::Before(b)),
            (None, None) => Ok(Self::Latest),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ChatPage {
    pub group: GroupView,
    pub messages: Vec<MessageView>,
    /// Pass as `after` to get only what is newer.
    pub cursor: u64,
    /// More messages exist in the direction read.
    pub more: bool,
}

#[derive(Debug, Serialize)]
pub struct GroupView {
    pub id: GroupId,
    pub name: String,
    pub kind: crate::store::GroupKind,
    pub app_id: AppId,
}

impl From<&Group> for GroupView {
    fn from(g: &Group) -> Self {
        Self {
            id: g.id.clone(),
            name: g.name.clone(),
            kind: g.kind,
            app_id: g.app_id.clone(),
        }
    }
}

/// A page of chat: two DynamoDB requests for a colleague (membership, one query).
pub async fn read(
    ctx: &AppContext,
    actor: &Actor,
    group_id: &GroupId,
    window: Window,
) -> AppResult<ChatPage> {
    let open = open(ctx, actor, group_id).await?;
    let (MessagePage { messages, more }, after) = match window {
        Window::Latest => (ctx.store.messages_before(&open.group.id, None).await?, None),
        Window::Before(b) => (
            ctx.store.messages_before(&open.group.id, Some(b)).await?,
            None,
        ),
        Window::After(a) => (ctx.store.messages_after(&open.group.id, a).await?, Some(a)),
        Window::Between(a, b) => {
            let mut page = ctx.store.messages_after(&open.group.id, a).await?;
            let before = page.messages.len();
            page.messages.retain(|m| m.seq < b);
            // What was cut reaches `before`: nothing more lies in between.
            page.more &= page.messages.len() == before;
            (page, Some(a))
        }
    };
    // Stop at a number given out but not written yet, so polling never skips it.
    let (messages, cursor, held) = chat::settled(messages, after, ctx.now());
    Ok(ChatPage {
        group: (&open.group).into(),
        // tamlink's own lines in the reader's language (stored as events, so history follows a
        // change of language).
        messages: messages
            .into_iter()
            .map(|m| m.for_reader(actor.lang).into())
            .collect(),
        cursor,
        more: more || held,
    })
}

// ----- members ---------------------------------------------------------------------------------

#[derive(Debug, Serialize)]
pub struct MemberView {
    pub app_id: AppId,
    pub open_id: OpenId,
    pub name: String,
    pub avatar: String,
    pub role: Option<crate::domain::roles::StaffRole>,
    pub via: crate::store::JoinedVia,
    pub added_at: Epoch,
    pub me: bool,
    /// Whether the reader may remove this member (or leave, when it is them).
    pub removable: bool,
}

#[derive(Debug, Serialize)]
pub struct MemberList {
    pub group: GroupView,
    pub colleagues: Vec<MemberView>,
    pub service_team: Vec<MemberView>,
}

fn manages_org(actor: &Actor, org: Option<&Tenant>) -> bool {
    match (&actor.staff, org) {
        (Some(staff), Some(org)) => {
            staff.role.can_manage_customers() && crate::orgs::serves(staff, org)
        }
        _ => false,
    }
}

fn remover<'a>(actor: &'a Actor, open: &OpenGroup) -> Remover<'a> {
    Remover {
        app_id: &actor.app_id,
        open_id: &actor.open_id,
        side: actor.side,
        manages_org: manages_org(actor, open.org.as_ref()),
    }
}

pub async fn members(ctx: &AppContext, actor: &Actor, group_id: &GroupId) -> AppResult<MemberList> {
    let open = open(ctx, actor, group_id).await?;
    let by = remover(actor, &open);
    let (mut colleagues, mut service_team) = (Vec::new(), Vec::new());
    for m in ctx.store.members(&open.group.id).await? {
        let view = MemberView {
            me: actor.is(&m.app_id, &m.open_id),
            removable: chat::may_remove(by, &m).is_ok(),
            app_id: m.app_id.clone(),
            open_id: m.open_id.clone(),
            name: m.name.clone(),
            avatar: m.avatar.clone(),
            role: m.role,
            via: m.via,
            added_at: m.added_at,
        };
        match m.side {
            Side::Colleague => colleagues.push(view),
            Side::Service => service_team.push(view),
        }
    }
    colleagues.sort_by(|a, b| a.name.cmp(&b.name));
    service_team.sort_by_key(|m| (m.role.map(|r| r as u8), m.name.clone()));
    Ok(MemberList {
        group: (&open.group).into(),
        colleagues,
        service_team,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveRequest {
    pub app_id: AppId,
    pub open_id: OpenId,
}

/// Records how far the actor has read a group they may read: a position beyond its last message
/// is taken as its last; an earlier one than stored leaves it (`Store::mark_read`).
#[tracing::instrument(skip_all, fields(actor = %actor.open_id, group = %group_id))]
pub async fn mark_read(
    ctx: &AppContext,
    actor: &Actor,
    group_id: &GroupId,
    seq: u64,
) -> AppResult<crate::domain::model::ReadPosition> {
    let open = open(ctx, actor, group_id).await?;
    Ok(ctx
        .store
        .mark_read(
            &actor.app_id,
            &actor.open_id,
            &open.group.id,
            seq.min(open.group.msg_seq),
            ctx.now(),
        )
        .await?)
}

/// Leaves the group (when the target is the actor) or removes a colleague, by the rules of
/// `domain::chat::may_remove`, and says so in the chat. A removal by the service team also ends
/// the removed person's sessions.
#[tracing::instrument(skip_all, fields(actor = %actor.open_id, group = %group_id))]
pub async fn remove(
    ctx: &AppContext,
    actor: &Actor,
    group_id: &GroupId,
    target: RemoveRequest,
) -> AppResult<()> {
    let open = open(ctx, actor, group_id).await?;
    let member = ctx
        .store
        .member(&open.group.id, &target.app_id, &target.open_id)
        .await?
        .ok_or_else(|| AppError::NotFound(crate::msg!("error-not-member").into()))?;
    chat::may_remove(remover(actor, &open), &member)?;
    if actor.side == Side::Service {
        // The service team removing someone is an access decision: their sessions end now, not
        // when the cookie expires (first, so a retry after a failure still ends them).
        let by =
            crate::domain::audit::AuditActor::person(&actor.app_id, &actor.open_id, &actor.name);
        crate::sessions::end_all(ctx, &member.app_id, &member.open_id, by).await?;
    }
    let leaving = actor.is(&member.app_id, &member.open_id);
    let audit = actor
        .audited(
            &open.group.app_id,
            if leaving {
                crate::domain::audit::AuditKind::Left
            } else {
                crate::domain::audit::AuditKind::Removed
            },
            ctx.now(),
        )
        .change(
            "member",
            Some(format!("{} · {}", open.group.name, member.name)),
            None,
        );
    match ctx
        .store
        .remove_member(&open.group.id, &member.app_id, &member.open_id, &audit)
        .await
    {
        Ok(()) => {}
        // Removed by someone else a moment ago: the outcome the caller wanted.
        Err(crate::store::StoreError::ConditionFailed) => return Ok(()),
        Err(e) => return Err(e.into()),
    }
    let line = if leaving {
        crate::msg!("line-left", who = &member.name)
    } else {
        crate::msg!("line-removed", who = &actor.name, member = &member.name)
    };
    post_system(ctx, &open.group, line).await
}
