//! Rules of tickets: severities and their first-response SLA, the lifecycle and who may make
//! which move, and fair assignment. Pure functions; `tickets` applies them and the store makes
//! them atomic.

use serde::{Deserialize, Serialize};

use crate::clock::Epoch;
use crate::ids::OpenId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Business down or data at risk.
    Sev1,
    /// A major function impaired, no workaround.
    Sev2,
    /// Impaired with a workaround.
    Sev3,
    /// Questions and minor issues.
    Sev4,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Sev1 => "S1 · Critical",
            Severity::Sev2 => "S2 · High",
            Severity::Sev3 => "S3 · Normal",
            Severity::Sev4 => "S4 · Low",
        }
    }

    /// Default first-response target (the org's plan may set its own).
    pub fn first_response_seconds(self) -> Epoch {
        match self {
            Severity::Sev1 => 30 * 60,
            Severity::Sev2 => 2 * 3600,
            Severity::Sev3 => 8 * 3600,
            Severity::Sev4 => 24 * 3600,
        }
    }
}

/// First-response targets of an organisation's support plan, in minutes per severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaTargets {
    pub sev1: u32,
    pub sev2: u32,
    pub sev3: u32,
    pub sev4: u32,
}

impl Default for SlaTargets {
    fn default() -> Self {
        let minutes =
            |s: Severity| u32::try_from(s.first_response_seconds() / 60).unwrap_or(u32::MAX);
        Self {
            sev1: minutes(Severity::Sev1),
            sev2: minutes(Severity::Sev2),
            sev3: minutes(Severity::Sev3),
            sev4: minutes(Severity::Sev4),
        }
    }
}

impl SlaTargets {
    pub fn seconds(&self, severity: Severity) -> Epoch {
        let minutes = match severity {
            Severity::Sev1 => self.sev1,
            Severity::Sev2 => self.sev2,
            Severity::Sev3 => self.sev3,
            Severity::Sev4 => self.sev4,
        };
        Epoch::from(minutes) * 60
    }

    /// Targets must be positive, at most 30 days, and not looser for a more severe ticket.
    pub fn validate(&self) -> Result<(), String> {
        let all = [self.sev1, self.sev2, self.sev3, self.sev4];
        if all.iter().any(|m| *m == 0 || *m > 30 * 24 * 60) {
            return Err("First-response targets must be between 1 minute and 30 days.".into());
        }
        if all.windows(2).any(|w| w[0] > w[1]) {
            return Err("A more severe ticket cannot have a later first-response target.".into());
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    Assigned,
    InProgress,
    WaitingOnCustomer,
    Resolved,
    Closed,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Open => "Open",
            Status::Assigned => "Assigned",
            Status::InProgress => "In progress",
            Status::WaitingOnCustomer => "Waiting on customer",
            Status::Resolved => "Resolved",
            Status::Closed => "Closed",
        }
    }

    /// Still needs the service team (counts toward an engineer's load).
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed)
    }
}

/// Who is asking to move a ticket, relative to that ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mover {
    /// A colleague of the ticket's organisation.
    Customer,
    /// The engineer the ticket is assigned to.
    Assignee,
    /// The organisation's TAM.
    Tam,
    /// A manager or admin.
    Manager,
    /// Another engineer serving the organisation.
    Engineer,
}

use Mover::*;
use Status::*;

/// Every allowed move and who may make it. Anything not listed is refused. (Open → Assigned
/// happens at creation, by the assignment rule.)
pub const TRANSITIONS: &[(Status, Status, &[Mover])] = &[
    (Assigned, InProgress, &[Assignee, Tam, Manager]),
    (
        InProgress,
        WaitingOnCustomer,
        &[Assignee, Tam, Manager, Engineer],
    ),
    (
        WaitingOnCustomer,
        InProgress,
        &[Customer, Assignee, Tam, Manager, Engineer],
    ),
    (InProgress, Resolved, &[Assignee, Tam, Manager]),
    (WaitingOnCustomer, Resolved, &[Assignee, Tam, Manager]),
    (Assigned, Resolved, &[Assignee, Tam, Manager]),
    (Resolved, Closed, &[Customer, Tam, Manager]),
    (Resolved, InProgress, &[Customer, Assignee, Tam, Manager]),
    (Open, Closed, &[Customer, Tam, Manager]),
    (Assigned, Closed, &[Customer, Tam, Manager]),
    (InProgress, Closed, &[Customer, Tam, Manager]),
    (WaitingOnCustomer, Closed, &[Customer, Tam, Manager]),
];

/// What a button making this move says.
pub fn move_label(from: Status, to: Status) -> &'static str {
    match (from, to) {
        (Resolved, InProgress) => "Reopen",
        (WaitingOnCustomer, InProgress) => "Back to the service team",
        (_, InProgress) => "Start work",
        (_, WaitingOnCustomer) => "Wait for the customer",
        (_, Resolved) => "Mark resolved",
        (_, Closed) => "Close the ticket",
        (_, to) => to.label(),
    }
}

/// Whether `who` may move a ticket from `from` to `to`; the error says why not.
pub fn may_move(from: Status, to: Status, who: Mover) -> Result<(), String> {
    if from == to {
        return Err(format!(
            "The ticket is already {}.",
            from.label().to_lowercase()
        ));
    }
    match TRANSITIONS.iter().find(|(f, t, _)| *f == from && *t == to) {
        None => Err(format!(
            "A ticket cannot go from {} to {}.",
            from.label().to_lowercase(),
            to.label().to_lowercase()
        )),
        Some((_, _, movers)) if movers.contains(&who) => Ok(()),
        Some(_) => Err(format!(
            "You cannot move a ticket from {} to {}.",
            from.label().to_lowercase(),
            to.label().to_lowercase()
        )),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmergencyReason {
    DataLoss,
    DataCorruption,
    BusinessOutage,
}

impl EmergencyReason {
    pub fn label(self) -> &'static str {
        match self {
            EmergencyReason::DataLoss => "data loss",
            EmergencyReason::DataCorruption => "data corruption",
            EmergencyReason::BusinessOutage => "business outage",
        }
    }
}

/// Pages repeat this long after the last one until someone acknowledges.
pub const REPAGE_AFTER: Epoch = 15 * 60;

/// Time between two reminders on one ticket.
pub const REMINDER_COOLDOWN: Epoch = 30 * 60;

/// Who the `nth` reminder (1-based) reaches: the assignee first; from the second also the TAM;
/// from the third also the on-duty managers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderTier {
    pub assignee: bool,
    pub tam: bool,
    pub managers: bool,
}

pub fn reminder_tier(nth: u32) -> ReminderTier {
    ReminderTier {
        assignee: true,
        tam: nth >= 2,
        managers: nth >= 3,
    }
}

/// When the next reminder may be sent (now, if never or long enough ago).
pub fn next_reminder_at(last: Option<Epoch>, now: Epoch) -> Epoch {
    last.map_or(now, |l| (l + REMINDER_COOLDOWN).max(now))
}

/// An engineer who could take a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub open_id: OpenId,
    pub on_duty: bool,
    /// Open tickets assigned to them now (all organisations).
    pub load: u32,
}

/// Fair assignment: among on-duty candidates, the fewest open tickets; ties go in turn (the first
/// after `last` in a fixed order). `None`: nobody is on duty.
pub fn pick_engineer<'a>(
    candidates: &'a [Candidate],
    last: Option<&OpenId>,
) -> Option<&'a Candidate> {
    let mut on_duty: Vec<&Candidate> = candidates.iter().filter(|c| c.on_duty).collect();
    on_duty.sort_by(|a, b| a.open_id.cmp(&b.open_id));
    let least = on_duty.iter().map(|c| c.load).min()?;
    let tied: Vec<&Candidate> = on_duty.into_iter().filter(|c| c.load == least).collect();
    let after_last = last.and_then(|l| tied.iter().position(|c| c.open_id > *l));
    Some(match (last, after_last) {
        (Some(_), Some(i)) => tied[i],
        _ => tied[0],
    })
}

/// Longest comment a rating may carry, in characters.
pub const RATING_COMMENT_CHARS: usize = 500;

/// A rating's optional comment: one line of at most `RATING_COMMENT_CHARS`, kept trimmed.
pub fn rating_comment(raw: Option<&str>) -> Result<Option<String>, String> {
    let Some(text) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > RATING_COMMENT_CHARS {
        return Err(format!(
            "A comment can be at most {RATING_COMMENT_CHARS} characters."
        ));
    }
    if text.chars().any(char::is_control) {
        return Err("A comment is one line without control characters.".into());
    }
    Ok(Some(text.to_owned()))
}

/// Validated text of a new ticket.
pub fn validate_new(title: &str, description: &str) -> Result<(), String> {
    // Counted as sent (spaces around it too), as the API documents it.
    if title.chars().count() > 200 {
        return Err("The title can be at most 200 characters.".into());
    }
    let title = title.trim();
    if title.is_empty() {
        return Err("Give the ticket a title.".into());
    }
    if title.chars().count() > 200 {
        return Err("The title can be at most 200 characters.".into());
    }
    // A title is one line; a description may have lines and tabs, as a message may.
    if title.chars().any(char::is_control) {
        return Err("The title must be one line without control characters.".into());
    }
    if description.chars().count() > 20_000 {
        return Err("The description can be at most 20,000 characters.".into());
    }
    if description
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err("The description contains control characters.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_one_line_and_descriptions_have_no_control_characters() {
        for title in [
            "Robots\noffline",
            "Robots\roffline",
            "Nul\0here",
            "bell\u{7}",
        ] {
            assert!(validate_new(title, "d").is_err(), "{title:?}");
        }
        assert!(validate_new("Robots offline", "line 1\nline 2\r\n\tindented").is_ok());
        assert!(validate_new("Robots offline", "nul\0").is_err());
    }

    fn c(id: &str, on_duty: bool, load: u32) -> Candidate {
        Candidate {
            open_id: id.into(),
            on_duty,
            load,
        }
    }

    #[test]
    fn the_least_loaded_engineer_on_duty_is_picked() {
        let team = [c("ou_a", true, 3), c("ou_b", true, 1), c("ou_c", false, 0)];
        assert_eq!(pick_engineer(&team, None).unwrap().open_id, "ou_b");
        let nobody = [c("ou_a", false, 0)];
        assert!(pick_engineer(&nobody, None).is_none());
        assert!(pick_engineer(&[], None).is_none());
    }

    #[test]
    fn ties_go_in_turn() {
        let team = [c("ou_b", true, 2), c("ou_a", true, 2), c("ou_c", true, 2)];
        assert_eq!(pick_engineer(&team, None).unwrap().open_id, "ou_a");
        assert_eq!(
            pick_engineer(&team, Some(&OpenId::from("ou_a")))
                .unwrap()
                .open_id,
            "ou_b"
        );
        assert_eq!(
            pick_engineer(&team, Some(&OpenId::from("ou_b")))
                .unwrap()
                .open_id,
            "ou_c"
        );
        assert_eq!(
            pick_engineer(&team, Some(&OpenId::from("ou_c")))
                .unwrap()
                .open_id,
            "ou_a",
            "wraps around"
        );
        // The last one may no longer be a candidate.
        assert_eq!(
            pick_engineer(&team, Some(&OpenId::from("ou_bb")))
                .unwrap()
                .open_id,
            "ou_c"
        );
    }

    #[test]
    fn the_lifecycle_table_decides_who_moves_what() {
        assert!(may_move(Assigned, InProgress, Assignee).is_ok());
        assert!(may_move(Assigned, InProgress, Customer).is_err());
        assert!(may_move(InProgress, WaitingOnCustomer, Engineer).is_ok());
        assert!(may_move(WaitingOnCustomer, InProgress, Customer).is_ok());
        assert!(may_move(InProgress, Resolved, Customer).is_err());
        assert!(may_move(Resolved, Closed, Customer).is_ok());
        assert!(may_move(Resolved, InProgress, Customer).is_ok(), "reopen");
        assert!(
            may_move(Closed, InProgress, Manager).is_err(),
            "closed is final"
        );
        assert!(may_move(Open, Resolved, Manager).is_err());
        let same = may_move(Resolved, Resolved, Tam).unwrap_err();
        assert!(same.contains("already resolved"), "{same}");
    }

    #[test]
    fn every_open_status_can_be_closed_by_the_customer_and_closed_is_final() {
        for s in [Open, Assigned, InProgress, WaitingOnCustomer, Resolved] {
            assert!(may_move(s, Closed, Customer).is_ok(), "{s:?}");
        }
        assert!(TRANSITIONS.iter().all(|(f, _, _)| *f != Closed));
    }

    #[test]
    fn sla_targets_tighten_with_severity() {
        let s: Vec<_> = [
            Severity::Sev1,
            Severity::Sev2,
            Severity::Sev3,
            Severity::Sev4,
        ]
        .iter()
        .map(|s| s.first_response_seconds())
        .collect();
        assert!(s.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn reminders_escalate_in_tiers_and_wait_for_their_cooldown() {
        assert_eq!(
            reminder_tier(1),
            ReminderTier {
                assignee: true,
                tam: false,
                managers: false
            }
        );
        assert_eq!(
            reminder_tier(2),
            ReminderTier {
                assignee: true,
                tam: true,
                managers: false
            }
        );
        assert_eq!(
            reminder_tier(7),
            ReminderTier {
                assignee: true,
                tam: true,
                managers: true
            }
        );
        assert_eq!(next_reminder_at(None, 100), 100);
        assert_eq!(next_reminder_at(Some(100), 200), 100 + REMINDER_COOLDOWN);
        assert_eq!(
            next_reminder_at(Some(100), 100 + REMINDER_COOLDOWN + 5),
            105 + REMINDER_COOLDOWN
        );
    }

    #[test]
    fn sla_targets_default_to_the_severity_table_and_are_validated() {
        let d = SlaTargets::default();
        assert_eq!((d.sev1, d.sev2, d.sev3, d.sev4), (30, 120, 480, 1440));
        assert_eq!(d.seconds(Severity::Sev2), 7200);
        assert!(SlaTargets { sev1: 0, ..d }.validate().is_err());
        assert!(
            SlaTargets { sev1: 200, ..d }.validate().is_err(),
            "looser than S2"
        );
        assert!(SlaTargets {
            sev1: 15,
            sev2: 60,
            ..d
        }
        .validate()
        .is_ok());
    }

    #[test]
    fn new_tickets_need_a_title_and_stay_within_limits() {
        assert!(validate_new("Robots offline", "").is_ok());
        assert!(validate_new("  ", "x").is_err());
        assert!(validate_new(&"t".repeat(201), "").is_err());
        assert!(validate_new("t", &"d".repeat(20_001)).is_err());
    }
}
