//! Monthly reports: what a support manager takes to a quarterly review. Each change that a report
//! counts (a ticket opened, first answered, resolved, an emergency declared or acknowledged, a
//! rating) adds to counters on one item per organisation and month, and one per engineer,
//! organisation and month, in the same transaction as the change. Opening a report reads those
//! few items, never the tickets, so it costs the same at any volume.
//!
//! Times (first response, resolution, time to acknowledge) are kept as histograms: counters per
//! bucket whose bounds grow by a quarter (60 s, 75 s, 94 s, … up to years), so an item stays a few
//! kilobytes however many tickets the month had, and a median or 90th percentile read from it is
//! within 12.5 % of the exact one (`tests::percentiles_from_buckets_stay_within_an_eighth`).
//! Each event counts in the month it happened (a ticket opened on 31 October and resolved on
//! 2 November is opened in October, resolved in November); a rating counts in the month it was
//! first given, and changing it within its 7 days moves the score there.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::clock::Epoch;

/// Bucket 0 holds everything under a minute; bucket `b` ≥ 1 holds [60·1.25^(b-1), 60·1.25^b).
const BASE: f64 = 60.0;
const RATIO: f64 = 1.25;
pub const BUCKETS: usize = 80;

/// Items are kept two years: this year's reviews compare with last year's.
pub const REPORT_KEPT: Epoch = 2 * 366 * 24 * 3600;

pub fn bucket(seconds: i64) -> usize {
    if seconds < BASE as i64 {
        return 0;
    }
    let b = ((seconds as f64 / BASE).ln() / RATIO.ln()).floor() as usize + 1;
    b.min(BUCKETS - 1)
}

fn bounds(b: usize) -> (f64, f64) {
    if b == 0 {
        (0.0, BASE)
    } else {
        let lo = BASE * RATIO.powi(b as i32 - 1);
        (lo, lo * RATIO)
    }
}

/// Something a report counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Opened,
    /// The service team's first response, `after` seconds from opening; `met`: within target.
    FirstResponse {
        after: Epoch,
        met: bool,
    },
    /// Resolved (or closed while open); `met` is `None` for tickets opened before resolution
    /// targets existed.
    Resolved {
        after: Epoch,
        met: Option<bool>,
    },
    EmergencyDeclared,
    Acknowledged {
        after: Epoch,
    },
    /// A rating given, or changed from `replaces`.
    Rated {
        score: u8,
        replaces: Option<u8>,
    },
}

/// The day of the month (1–31, UTC).
fn day_of(at: Epoch) -> u8 {
    time::OffsetDateTime::from_unix_timestamp(at)
        .map(|t| t.day())
        .unwrap_or(1)
}

impl Event {
    /// The counters it adds to on the month's items, and by how much.
    pub fn increments(&self, at: Epoch) -> Vec<(String, i64)> {
        let day = day_of(at);
        match *self {
            Event::Opened => vec![("opened".into(), 1), (format!("od_{day:02}"), 1)],
            Event::FirstResponse { after, met } => vec![
                ("fr_n".into(), 1),
                ("fr_met".into(), i64::from(met)),
                (format!("fr_{}", bucket(after)), 1),
            ],
            Event::Resolved { after, met } => {
                let mut v = vec![
                    ("resolved".into(), 1),
                    (format!("rd_{day:02}"), 1),
                    (format!("res_{}", bucket(after)), 1),
                ];
                if let Some(met) = met {
                    v.extend([("res_due".into(), 1), ("res_met".into(), i64::from(met))]);
                }
                v
            }
            Event::EmergencyDeclared => vec![("em".into(), 1)],
            Event::Acknowledged { after } => {
                vec![("ack_n".into(), 1), (format!("ack_{}", bucket(after)), 1)]
            }
            Event::Rated { score, replaces } => {
                let mut v = vec![
                    ("csat_sum".into(), i64::from(score)),
                    (format!("csat_{score}"), 1),
                ];
                match replaces {
                    Some(old) => v.extend([
                        ("csat_sum".into(), -i64::from(old)),
                        (format!("csat_{old}"), -1),
                    ]),
                    None => v.push(("csat_n".into(), 1)),
                }
                merge(v)
            }
        }
    }
}

/// Adds up increments of the same counter (an update may name a counter once).
fn merge(v: Vec<(String, i64)>) -> Vec<(String, i64)> {
    let mut m: BTreeMap<String, i64> = BTreeMap::new();
    for (k, d) in v {
        *m.entry(k).or_default() += d;
    }
    m.into_iter().collect()
}

/// One month's counters (an organisation's, an engineer's, or a sum of them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally(pub BTreeMap<String, i64>);

impl Tally {
    pub fn get(&self, counter: &str) -> i64 {
        self.0.get(counter).copied().unwrap_or(0)
    }

    pub fn add(&mut self, other: &Tally) {
        for (k, v) in &other.0 {
            *self.0.entry(k.clone()).or_default() += v;
        }
    }

    /// The `p`-th percentile (0–1) of a histogram (`fr`, `res`, `ack`), in seconds, interpolated
    /// within its bucket; `None` when empty.
    pub fn percentile(&self, histogram: &str, p: f64) -> Option<i64> {
        let counts: Vec<i64> = (0..BUCKETS)
            .map(|b| self.get(&format!("{histogram}_{b}")).max(0))
            .collect();
        let total: i64 = counts.iter().sum();
        if total == 0 {
            return None;
        }
        let rank = (p * total as f64).max(1.0);
        let mut seen = 0.0;
        for (b, &c) in counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            if seen + c as f64 >= rank {
                // The values of a bucket are taken as spread evenly across it, each at the
                // middle of its share (a lone value sits mid-bucket: at most an eighth off).
                let (lo, hi) = bounds(b);
                let within = ((rank - seen - 0.5) / c as f64).clamp(0.0, 1.0);
                return Some((lo + (hi - lo) * within).round() as i64);
            }
            seen += c as f64;
        }
        None
    }

    /// Per day of a month of `days` days, the counter `prefix_{dd}`.
    pub fn per_day(&self, prefix: &str, days: u8) -> Vec<i64> {
        (1..=days)
            .map(|d| self.get(&format!("{prefix}_{d:02}")))
            .collect()
    }
}

/// The figures of a report, as pages and CSV show them.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Figures {
    pub opened: i64,
    pub resolved: i64,
    pub first_response: Times,
    pub resolution: Times,
    /// Of first responses this month, the share within target (percent).
    pub first_response_attainment: Option<f64>,
    /// Of resolutions with a target this month, the share within it (percent).
    pub resolution_attainment: Option<f64>,
    pub emergencies: i64,
    pub acknowledged: i64,
    pub time_to_acknowledge: Times,
    pub csat_count: i64,
    pub csat_average: Option<f64>,
    /// Ratings of 1 to 5.
    pub csat_scores: [i64; 5],
    pub opened_per_day: Vec<i64>,
    pub resolved_per_day: Vec<i64>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Times {
    pub count: i64,
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

impl Tally {
    fn times(&self, histogram: &str, count: &str) -> Times {
        Times {
            count: self.get(count),
            median: self.percentile(histogram, 0.5),
            p90: self.percentile(histogram, 0.9),
        }
    }

    pub fn figures(&self, days: u8) -> Figures {
        let csat_n = self.get("csat_n");
        Figures {
            opened: self.get("opened"),
            resolved: self.get("resolved"),
            first_response: self.times("fr", "fr_n"),
            resolution: self.times("res", "resolved"),
            first_response_attainment: share(self.get("fr_met"), self.get("fr_n")),
            resolution_attainment: share(self.get("res_met"), self.get("res_due")),
            emergencies: self.get("em"),
            acknowledged: self.get("ack_n"),
            time_to_acknowledge: self.times("ack", "ack_n"),
            csat_count: csat_n,
            csat_average: (csat_n > 0)
                .then(|| (self.get("csat_sum") as f64 * 100.0 / csat_n as f64).round() / 100.0),
            csat_scores: [1, 2, 3, 4, 5].map(|s| self.get(&format!("csat_{s}"))),
            opened_per_day: self.per_day("od", days),
            resolved_per_day: self.per_day("rd", days),
        }
    }
}

/// A report's month: `2026-11`, its first second and its length in days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    pub key: String,
    pub start: Epoch,
    pub days: u8,
}

impl Month {
    fn from_date(year: i32, month: time::Month) -> Option<Month> {
        let first = time::Date::from_calendar_date(year, month, 1).ok()?;
        Some(Month {
            key: format!("{year:04}-{:02}", u8::from(month)),
            start: first.midnight().assume_utc().unix_timestamp(),
            days: month.length(year),
        })
    }

    /// Parses `YYYY-MM` (from the year 2000 on); `None` when it is not one.
    pub fn parse(raw: &str) -> Option<Month> {
        let (y, m) = raw.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !y.starts_with(['2', '3', '4', '5', '6', '7', '8', '9'])
        {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
        Self::from_date(year, month)
    }

    pub fn of(at: Epoch) -> Month {
        let t = time::OffsetDateTime::from_unix_timestamp(at)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        Self::from_date(t.year(), t.month()).expect("a date's own month exists")
    }

    /// The month before, for "previous" links.
    pub fn previous(&self) -> Month {
        Month::of(self.start - 1)
    }

    pub fn next(&self) -> Month {
        Month::of(self.start + i64::from(self.days) * 86_400)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(events: &[(Event, Epoch)]) -> Tally {
        let mut t = Tally::default();
        for (e, at) in events {
            for (k, d) in e.increments(*at) {
                *t.0.entry(k).or_default() += d;
            }
        }
        t
    }

    #[test]
    fn percentiles_from_buckets_stay_within_an_eighth() {
        // Response times from 30 s to 9 days, spread unevenly.
        let times: Vec<i64> = (1..=500).map(|i| 30 + (i * i * 3) as i64).collect();
        let t = tally(
            &times
                .iter()
                .map(|&after| (Event::FirstResponse { after, met: true }, 0))
                .collect::<Vec<_>>(),
        );
        for p in [0.5, 0.9] {
            let mut sorted = times.clone();
            sorted.sort();
            let exact = sorted[((p * sorted.len() as f64).ceil() as usize) - 1] as f64;
            let got = t.percentile("fr", p).unwrap() as f64;
            assert!(
                (got - exact).abs() / exact <= 0.125,
                "p{p}: {got} vs exact {exact}"
            );
        }
        assert_eq!(Tally::default().percentile("fr", 0.5), None);
    }

    #[test]
    fn a_changed_rating_moves_the_score_without_counting_twice() {
        let t = tally(&[
            (
                Event::Rated {
                    score: 2,
                    replaces: None,
                },
                0,
            ),
            (
                Event::Rated {
                    score: 5,
                    replaces: Some(2),
                },
                0,
            ),
            (
                Event::Rated {
                    score: 4,
                    replaces: None,
                },
                0,
            ),
        ]);
        let f = t.figures(30);
        assert_eq!(f.csat_count, 2);
        assert_eq!(f.csat_average, Some(4.5));
        assert_eq!(f.csat_scores, [0, 0, 0, 1, 1]);
    }

    #[test]
    fn attainment_counts_only_what_had_a_target() {
        let day = 86_400;
        let t = tally(&[
            (Event::Opened, 3 * day),
            (Event::Opened, 3 * day + 10),
            (
                Event::Resolved {
                    after: 3600,
                    met: Some(true),
                },
                4 * day,
            ),
            (
                Event::Resolved {
                    after: 9 * day,
                    met: Some(false),
                },
                4 * day,
            ),
            (
                Event::Resolved {
                    after: 60,
                    met: None,
                },
                5 * day,
            ),
        ]);
        let f = t.figures(31);
        assert_eq!((f.opened, f.resolved), (2, 3));
        assert_eq!(f.resolution_attainment, Some(50.0));
        assert_eq!(f.first_response_attainment, None);
        assert_eq!(f.opened_per_day[3], 2); // 4 January, 1970
        assert_eq!(f.resolved_per_day[4], 2);
    }

    #[test]
    fn months_parse_and_step() {
        let nov = Month::parse("2026-11").unwrap();
        assert_eq!(nov.days, 30);
        assert_eq!(nov.previous().key, "2026-10");
        assert_eq!(nov.next().key, "2026-12");
        assert_eq!(Month::parse("2026-12").unwrap().next().key, "2027-01");
        assert_eq!(Month::parse("2028-02").unwrap().days, 29);
        for bad in [
            "2026-13", "2026-1", "26-11", "2026/11", "", "2026-00", "abcd-ef",
        ] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }
}
