//! The Lark API budget. On the free Lark plan a tenant gets 10,000 counted calls a month for all
//! of its custom apps together (docs/lark.md §9); the TAM sets which plan the organisation is on
//! and what share of it tamlink may use. As the share runs low the DM window widens, so people
//! get fewer, fuller digests instead of losing notifications; when it is spent, everything but
//! emergency pages waits for the 1st of next month.
//!
//! | share used | DM window |
//! |---|---|
//! | under 50 % | 10 minutes |
//! | 50-75 % | 30 minutes |
//! | 75-90 % | 2 hours (the TAM is warned) |
//! | 90-100 % | 8 hours |
//! | spent, or Lark says the quota is exhausted | held until the 1st (the TAM is warned); emergency pages still go |

use serde::{Deserialize, Serialize};

use crate::clock::Epoch;

pub const FREE_PLAN_CALLS: u32 = 10_000;
/// tamlink's share of a free plan unless the TAM says otherwise: the organisation's other custom
/// apps need calls too.
pub const DEFAULT_SHARE_PERCENT: u8 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanKind {
    /// Lark Starter: a monthly quota of counted calls.
    Free,
    /// Basic, Pro or Enterprise: unmetered.
    Paid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub kind: PlanKind,
    /// Counted calls per month for the whole tenant (free plans).
    pub monthly_calls: u32,
    /// The part of them tamlink may use, in percent.
    pub share_percent: u8,
}

impl Default for Plan {
    fn default() -> Self {
        Self {
            kind: PlanKind::Free,
            monthly_calls: FREE_PLAN_CALLS,
            share_percent: DEFAULT_SHARE_PERCENT,
        }
    }
}

impl Plan {
    /// Calls tamlink may make this month; `None` when unmetered.
    pub fn allowance(&self) -> Option<u64> {
        match self.kind {
            PlanKind::Paid => None,
            PlanKind::Free => {
                Some(u64::from(self.monthly_calls) * u64::from(self.share_percent.min(100)) / 100)
            }
        }
    }

    pub fn validate(&self) -> Result<(), crate::i18n::Msg> {
        if self.share_percent == 0 || self.share_percent > 100 {
            return Err(crate::msg!("error-share-range"));
        }
        if self.kind == PlanKind::Free && self.monthly_calls == 0 {
            return Err(crate::msg!("error-free-plan-calls"));
        }
        Ok(())
    }
}

/// Where an app stands this month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Normal,
    Half,
    ThreeQuarters,
    Nearly,
    Hold,
}

impl Step {
    /// The DM window at this step (`None`: held, nothing but emergency pages is sent).
    pub fn window_seconds(self) -> Option<Epoch> {
        match self {
            Step::Normal => Some(10 * 60),
            Step::Half => Some(30 * 60),
            Step::ThreeQuarters => Some(2 * 3600),
            Step::Nearly => Some(8 * 3600),
            Step::Hold => None,
        }
    }

    /// The steps the TAM hears about (once each per month).
    pub fn warns(self) -> bool {
        matches!(self, Step::ThreeQuarters | Step::Hold)
    }

    pub fn name(self) -> &'static str {
        match self {
            Step::Normal => "normal",
            Step::Half => "half",
            Step::ThreeQuarters => "three_quarters",
            Step::Nearly => "nearly",
            Step::Hold => "hold",
        }
    }
}

/// One customer organisation's emergency pages may spend at most this part of the provider app's
/// monthly allowance (a twentieth): past it, its pages wait for their recipients' DM windows like
/// any notification, and the provider app's calls stay for everyone else's pages and DMs.
pub const PAGE_SHARE_DIVISOR: u64 = 20;

/// The calls one organisation's pages may spend this month through the provider app on `plan`
/// (`None`: unmetered).
pub fn page_budget(provider_plan: &Plan) -> Option<i64> {
    provider_plan
        .allowance()
        .map(|calls| (calls / PAGE_SHARE_DIVISOR) as i64)
}

/// The step for `used` calls this month; `exhausted` is Lark having answered 99991403.
pub fn step(plan: &Plan, used: i64, exhausted: bool) -> Step {
    if exhausted {
        return Step::Hold;
    }
    let Some(allowance) = plan.allowance() else {
        return Step::Normal;
    };
    let used = used.max(0) as u64;
    if used >= allowance {
        Step::Hold
    } else if used * 10 >= allowance * 9 {
        Step::Nearly
    } else if used * 4 >= allowance * 3 {
        Step::ThreeQuarters
    } else if used * 2 >= allowance {
        Step::Half
    } else {
        Step::Normal
    }
}

/// The first second of the next calendar month (UTC): when held notifications go out.
pub fn next_month_start(now: Epoch) -> Epoch {
    let t =
        time::OffsetDateTime::from_unix_timestamp(now).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let (year, month) = match t.month() {
        time::Month::December => (t.year() + 1, time::Month::January),
        m => (t.year(), m.next()),
    };
    time::Date::from_calendar_date(year, month, 1)
        .map(|d| d.midnight().assume_utc().unix_timestamp())
        .unwrap_or(now + 31 * 86_400)
}

fn month_start(now: Epoch) -> Epoch {
    let t =
        time::OffsetDateTime::from_unix_timestamp(now).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.date()
        .replace_day(1)
        .map(|d| d.midnight().assume_utc().unix_timestamp())
        .unwrap_or(now)
}

/// Calls at month end if the month goes on as it has so far.
pub fn projected(used: i64, now: Epoch) -> i64 {
    let start = month_start(now);
    let length = next_month_start(now) - start;
    let elapsed = (now - start).max(3600);
    used.max(0) * length / elapsed
}

/// The calendar month Lark meters calls by (UTC), e.g. `2026-11`.
pub fn month_of(at: Epoch) -> String {
    let t =
        time::OffsetDateTime::from_unix_timestamp(at).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!("{:04}-{:02}", t.year(), u8::from(t.month()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_organisations_pages_may_spend_a_twentieth_of_the_provider_apps_allowance() {
        // The free plan's 10,000 calls at the default 50 % share: 5,000, so 250 for pages.
        assert_eq!(page_budget(&Plan::default()), Some(250));
        let paid = Plan {
            kind: PlanKind::Paid,
            ..Plan::default()
        };
        assert_eq!(page_budget(&paid), None);
    }

    #[test]
    fn months_are_utc_calendar_months() {
        assert_eq!(month_of(0), "1970-01");
        assert_eq!(month_of(1_796_083_199), "2026-11"); // 2026-11-30 23:59:59 UTC
        assert_eq!(month_of(1_796_083_200), "2026-12");
    }

    #[test]
    fn the_default_is_half_of_the_free_plan() {
        assert_eq!(Plan::default().allowance(), Some(5_000));
        let paid = Plan {
            kind: PlanKind::Paid,
            ..Plan::default()
        };
        assert_eq!(paid.allowance(), None);
        assert_eq!(step(&paid, 1_000_000, false), Step::Normal);
    }

    #[test]
    fn the_window_widens_in_steps_as_the_share_runs_low() {
        let plan = Plan::default(); // 5,000 calls
        assert_eq!(step(&plan, 0, false), Step::Normal);
        assert_eq!(step(&plan, 2_499, false), Step::Normal);
        assert_eq!(step(&plan, 2_500, false), Step::Half);
        assert_eq!(step(&plan, 3_750, false), Step::ThreeQuarters);
        assert_eq!(step(&plan, 4_500, false), Step::Nearly);
        assert_eq!(step(&plan, 5_000, false), Step::Hold);
        assert_eq!(step(&plan, 10, true), Step::Hold, "Lark's word wins");
        let windows: Vec<_> = [Step::Normal, Step::Half, Step::ThreeQuarters, Step::Nearly]
            .iter()
            .map(|s| s.window_seconds().unwrap())
            .collect();
        assert!(windows.windows(2).all(|w| w[0] < w[1]), "{windows:?}");
        assert_eq!(Step::Hold.window_seconds(), None);
    }

    #[test]
    fn plans_are_validated() {
        assert!(Plan {
            share_percent: 0,
            ..Plan::default()
        }
        .validate()
        .is_err());
        assert!(Plan {
            share_percent: 101,
            ..Plan::default()
        }
        .validate()
        .is_err());
        assert!(Plan {
            monthly_calls: 0,
            ..Plan::default()
        }
        .validate()
        .is_err());
        assert!(Plan::default().validate().is_ok());
    }

    #[test]
    fn months_roll_over_in_utc() {
        // 2026-11-24 12:00 UTC -> 2026-12-01 00:00 UTC
        assert_eq!(next_month_start(1_795_521_600), 1_796_083_200);
        // 2026-12-31 23:00 UTC -> 2027-01-01 00:00 UTC
        assert_eq!(next_month_start(1_798_758_000), 1_798_761_600);
    }

    #[test]
    fn projection_scales_the_pace_to_the_whole_month() {
        // Half of November 2026 gone (15 of 30 days), 3,000 calls made: about 6,000 by the end.
        let mid = 1_793_491_200 + 15 * 86_400; // 2026-11-01 + 15 days
        assert_eq!(projected(3_000, mid), 6_000);
    }
}

/// What the notifier allows itself per app, across all its instances (`Store::take_send_slot`),
/// counted in calendar seconds and minutes.
///
/// Lark's limits (docs/lark.md §5.1): the messaging endpoints' tier is 1000/min and 50/s per app
/// per tenant, and 5 QPS to the same user. Lark does not say whether it counts
/// in fixed or sliding windows; counted in calendar windows, N per second can put 2N into one
/// sliding second (N at the end of one, N at the start of the next). So tamlink takes half of
/// each limit, which keeps within both readings: 25/s, 500/min, 2/s per person. Nothing is lost
/// by it: the window rule allows a person one DM in 10 minutes, so a 200-person organisation
/// sends at most 20 a minute, and the provider app carries staff DMs of every organisation, a
/// few hundred people at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    pub per_minute: i64,
    pub per_second: i64,
    pub per_person_second: i64,
}

pub const LARK_PACE: Pace = Pace {
    per_minute: 500,
    per_second: 25,
    per_person_second: 2,
};
