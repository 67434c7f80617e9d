//! Rules of tickets: severities and their first-response SLA, the lifecycle and who may make
//! which move, and fair assignment. Pure functions; `tickets` applies them and the store makes
//! them atomic.

use serde::{Deserialize, Serialize};

use crate::clock::Epoch;
use crate::i18n::{Lang, Msg};
use crate::ids::OpenId;
use crate::msg;

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
    pub const ALL: [Severity; 4] = [
        Severity::Sev1,
        Severity::Sev2,
        Severity::Sev3,
        Severity::Sev4,
    ];

    pub fn label_key(self) -> &'static str {
        match self {
            Severity::Sev1 => "severity-sev1",
            Severity::Sev2 => "severity-sev2",
            Severity::Sev3 => "severity-sev3",
            Severity::Sev4 => "severity-sev4",
        }
    }

    /// The severity as a placeholder value (`{ $severity -> [sev1] … }` in the catalogs).
    pub fn as_arg(self) -> &'static str {
        match self {
            Severity::Sev1 => "sev1",
            Severity::Sev2 => "sev2",
            Severity::Sev3 => "sev3",
            Severity::Sev4 => "sev4",
        }
    }

    /// "S1 · Critical", in `lang`.
    pub fn label(self, lang: Lang) -> String {
        crate::i18n::t(lang, self.label_key())
    }

    /// The Create Ticket form's longer wording ("S1 · Critical: business down…").
    pub fn describe(self, lang: Lang) -> String {
        let key = match self {
            Severity::Sev1 => "severity-sev1.describe",
            Severity::Sev2 => "severity-sev2.describe",
            Severity::Sev3 => "severity-sev3.describe",
            Severity::Sev4 => "severity-sev4.describe",
        };
        crate::i18n::t(lang, key)
    }

    /// Default resolution target: S1 4 hours, S2 a day, S3 3 days, S4 5 days.
    pub fn resolution_seconds(self) -> Epoch {
        match self {
            Severity::Sev1 => 4 * 3600,
            Severity::Sev2 => 24 * 3600,
            Severity::Sev3 => 3 * 24 * 3600,
            Severity::Sev4 => 5 * 24 * 3600,
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

    /// First-response targets must be positive, at most 30 days, and not looser for a more
    /// severe ticket.
    pub fn validate(&self) -> Result<(), Msg> {
        self.validate_as("first_response", 30)
    }

    /// Resolution targets (S1 4 h, S2 1 d, S3 3 d, S4 5 d unless the organisation sets its own).
    pub fn resolution_default() -> Self {
        let minutes = |s: Severity| u32::try_from(s.resolution_seconds() / 60).unwrap_or(u32::MAX);
        Self {
            sev1: minutes(Severity::Sev1),
            sev2: minutes(Severity::Sev2),
            sev3: minutes(Severity::Sev3),
            sev4: minutes(Severity::Sev4),
        }
    }

    /// Resolution targets: positive, at most 90 days, not looser for a more severe ticket.
    pub fn validate_resolution(&self) -> Result<(), Msg> {
        self.validate_as("resolution", 90)
    }

    fn validate_as(&self, kind: &'static str, max_days: u32) -> Result<(), Msg> {
        let all = [self.sev1, self.sev2, self.sev3, self.sev4];
        if all.iter().any(|m| *m == 0 || *m > max_days * 24 * 60) {
            return Err(msg!("sla-target-range", kind = kind, days = max_days));
        }
        if all.windows(2).any(|w| w[0] > w[1]) {
            return Err(msg!("sla-target-order", kind = kind));
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
    pub fn label_key(self) -> &'static str {
        match self {
            Status::Open => "status-open",
            Status::Assigned => "status-assigned",
            Status::InProgress => "status-in-progress",
            Status::WaitingOnCustomer => "status-waiting-on-customer",
            Status::Resolved => "status-resolved",
            Status::Closed => "status-closed",
        }
    }

    /// "In progress", in `lang`.
    pub fn label(self, lang: Lang) -> String {
        crate::i18n::t(lang, self.label_key())
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
pub fn move_label(from: Status, to: Status, lang: Lang) -> String {
    let key = match (from, to) {
        (Resolved, InProgress) => "move-reopen",
        (WaitingOnCustomer, InProgress) => "move-back-to-team",
        (_, InProgress) => "move-start-work",
        (_, WaitingOnCustomer) => "move-wait-for-customer",
        (_, Resolved) => "move-resolve",
        (_, Closed) => "move-close",
        (_, to) => to.label_key(),
    };
    crate::i18n::t(lang, key)
}

/// Whether `who` may move a ticket from `from` to `to`; the error says why not. (Statuses go
/// into messages as their keys' text, in the reader's language, via `status` selectors.)
pub fn may_move(from: Status, to: Status, who: Mover) -> Result<(), Msg> {
    if from == to {
        return Err(msg!("ticket-already", status = from.as_arg()));
    }
    match TRANSITIONS.iter().find(|(f, t, _)| *f == from && *t == to) {
        None => Err(msg!(
            "ticket-cannot-go",
            from = from.as_arg(),
            to = to.as_arg()
        )),
        Some((_, _, movers)) if movers.contains(&who) => Ok(()),
        Some(_) => Err(msg!(
            "ticket-you-cannot-move",
            from = from.as_arg(),
            to = to.as_arg()
        )),
    }
}

impl Status {
    /// The status as a placeholder value: the catalogs select its words
    /// (`{ $status -> [in_progress] … }`), so a sentence can say it in the reader's language.
    pub fn as_arg(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Assigned => "assigned",
            Status::InProgress => "in_progress",
            Status::WaitingOnCustomer => "waiting_on_customer",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
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
    /// The reason as a placeholder value (`{ $reason -> [data_loss] … }` in the catalogs).
    pub fn as_arg(self) -> &'static str {
        match self {
            EmergencyReason::DataLoss => "data_loss",
            EmergencyReason::DataCorruption => "data_corruption",
            EmergencyReason::BusinessOutage => "business_outage",
        }
    }

    pub fn label(self, lang: Lang) -> String {
        msg!("emergency-reason", reason = self.as_arg()).in_lang(lang)
    }
}

/// The resolution clock after a move: waiting on the customer pauses it (from `now`); ending
/// the wait moves the deadline on by the time waited. `None`: nothing changes (no deadline, or
/// the pause stays as it is).
pub fn resolution_clock(
    due: Epoch,
    paused_since: Option<Epoch>,
    waiting: bool,
    now: Epoch,
) -> Option<(Epoch, Option<Epoch>)> {
    if due == 0 {
        return None;
    }
    match (paused_since, waiting) {
        (None, true) => Some((due, Some(now))),
        (Some(since), false) => Some((due + (now - since).max(0), None)),
        _ => None,
    }
}

/// The resolution SLA as a person reads it, and whether it is breached: how long is left or how
/// late, paused while waiting on the customer; for an ended ticket, whether it was in time.
/// `None` for tickets opened before resolution targets existed.
pub fn resolution_state(
    due: Epoch,
    paused_since: Option<Epoch>,
    open: bool,
    resolved_at: Option<Epoch>,
    now: Epoch,
) -> Option<(Msg, bool)> {
    if due == 0 {
        return None;
    }
    if !open {
        let at = resolved_at?;
        return Some(if at <= due {
            (msg!("resolution-met"), false)
        } else {
            (msg!("resolution-late"), true)
        });
    }
    if paused_since.is_some() {
        return Some((msg!("resolution-paused"), false));
    }
    if now >= due {
        let over = now - due;
        return Some((
            msg!(
                "resolution-overdue",
                hours = over / 3600,
                minutes = (over % 3600) / 60
            ),
            true,
        ));
    }
    let left = due - now;
    Some(if left >= 3600 {
        (
            msg!(
                "resolution-due-hours",
                hours = left / 3600,
                minutes = (left % 3600) / 60
            ),
            false,
        )
    } else {
        (
            msg!("resolution-due-minutes", minutes = (left + 59) / 60),
            false,
        )
    })
}

/// How long before the resolution deadline the assignee and the TAM are warned.
pub const RESOLUTION_WARNING: Epoch = 3600;

/// Pages repeat this long after the last one until someone acknowledges.
pub const REPAGE_AFTER: Epoch = 15 * 60;

/// Pages an emergency gets at most (the first and three re-pages, 45 minutes); when the last
/// one is unanswered 15 minutes later, the on-call channel is told once and the pages stop.
pub const MAX_PAGES: u32 = 4;

/// Emergencies an organisation may have unacknowledged at once: a third is refused with the
/// two that are open and who was paged. The refusal's message names exactly two.
pub const MAX_OPEN_EMERGENCIES: u8 = 2;

/// An organisation's on-call posts come at most this often (an escalation always goes): each
/// post lists every emergency of the organisation still unacknowledged.
pub const ONCALL_QUIET: Epoch = 10 * 60;

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
pub const RATING_COMMENT_CHARS: usize = 1000;

/// A rating's optional comment: one line of at most `RATING_COMMENT_CHARS`, kept trimmed.
pub fn rating_comment(raw: Option<&str>) -> Result<Option<String>, Msg> {
    let Some(text) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > RATING_COMMENT_CHARS {
        return Err(msg!("rating-comment-long", max = RATING_COMMENT_CHARS));
    }
    if text.chars().any(char::is_control) {
        return Err(msg!("rating-comment-one-line"));
    }
    Ok(Some(text.to_owned()))
}

/// Validated text of a new ticket.
pub fn validate_new(title: &str, description: &str) -> Result<(), Msg> {
    // Counted as sent (spaces around it too), as the API documents it.
    if title.chars().count() > 200 {
        return Err(msg!("ticket-title-long", max = 200));
    }
    let title = title.trim();
    if title.is_empty() {
        return Err(msg!("ticket-title-missing"));
    }
    // A title is one line; a description may have lines and tabs, as a message may.
    if title.chars().any(char::is_control) {
        return Err(msg!("ticket-title-one-line"));
    }
    if description.chars().count() > 20_000 {
        return Err(msg!("ticket-description-long", max = 20_000));
    }
    if description
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(msg!("ticket-description-control"));
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
        assert_eq!(same.in_lang(Lang::En), "The ticket is already resolved.");
        assert_eq!(same.in_lang(Lang::ZhCn), "工单已经是“已解决”状态。");
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
