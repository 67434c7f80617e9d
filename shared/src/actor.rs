//! Who is acting: the person a request is made by, as the use cases see them. No HTTP here: the
//! request becomes an `Actor` at the edge (`web::actor`).

use crate::clock::Epoch;
use crate::domain::model::{Author, Member, Side, Staff};
use crate::domain::sessions::SessionFence;
use crate::error::AppError;
use crate::ids::{AppId, GroupId, OpenId};

/// The signed-in person behind a request, through the app in the path. Built once at the edge
/// (`web::actor`) and passed inward as a plain value.
#[derive(Debug, Clone)]
pub struct Actor {
    pub app_id: AppId,
    pub open_id: OpenId,
    pub name: String,
    pub avatar: String,
    pub side: Side,
    /// Set when the person signed in through the provider app.
    pub staff: Option<Staff>,
    /// Whether the session was checked against the person's fence yet.
    pub fence: FenceCheck,
    /// The language they read: what the request says (`web::lang`), or their saved choice
    /// and their organisation's default where no browser asks (card callbacks).
    pub lang: crate::i18n::Lang,
}

/// The session behind a request, as the fence knows it.
#[derive(Debug, Clone)]
pub struct SessionRef {
    pub sid: String,
    pub generation: u64,
}

impl SessionRef {
    /// Refuses a session the person ended.
    pub fn check(&self, fence: &SessionFence) -> Result<(), AppError> {
        if fence.admits(self.generation, &self.sid) {
            Ok(())
        } else {
            Err(AppError::Unauthorized(
                crate::msg!("error-session-ended").into(),
            ))
        }
    }
}

/// Whether an actor's session was checked against the person's session fence.
#[derive(Debug, Clone)]
pub enum FenceCheck {
    /// Checked when the actor was built (`web::actor`).
    Passed,
    /// Checked by `groups::open` against the fence it reads with the membership
    /// (`web::group_actor`).
    Due(SessionRef),
}

impl Actor {
    /// The audit entry of this actor's action in organisation `org` (written with the change).
    pub fn audited(
        &self,
        org: &AppId,
        kind: crate::domain::audit::AuditKind,
        now: Epoch,
    ) -> crate::domain::audit::AuditEntry {
        crate::domain::audit::AuditEntry::new(
            org,
            now,
            crate::domain::audit::AuditActor::person(&self.app_id, &self.open_id, &self.name),
            kind,
        )
    }

    pub fn author(&self) -> Author {
        Author {
            app_id: self.app_id.clone(),
            open_id: self.open_id.clone(),
            name: self.name.clone(),
            avatar: self.avatar.clone(),
            side: self.side,
        }
    }

    /// The actor as a new member of a group (colleagues join through their own app).
    pub fn as_member(
        &self,
        group_id: &GroupId,
        added_by: &OpenId,
        via: crate::domain::model::JoinedVia,
        now: Epoch,
    ) -> Member {
        Member {
            group_id: group_id.clone(),
            side: self.side,
            app_id: self.app_id.clone(),
            open_id: self.open_id.clone(),
            name: self.name.clone(),
            avatar: self.avatar.clone(),
            role: self.staff.as_ref().map(|s| s.role),
            added_by: added_by.to_string(),
            added_at: now,
            via,
        }
    }

    /// Finishes a `FenceCheck::Due` with the fence read alongside the membership.
    pub fn check_fence(&self, fence: &SessionFence) -> Result<(), AppError> {
        match &self.fence {
            FenceCheck::Passed => Ok(()),
            FenceCheck::Due(session) => session.check(fence),
        }
    }

    /// Whether this is the person with that app and open_id.
    pub fn is(&self, app_id: &AppId, open_id: &OpenId) -> bool {
        &self.app_id == app_id && &self.open_id == open_id
    }
}
