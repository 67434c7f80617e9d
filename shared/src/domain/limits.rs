//! Fair shares of the open routes: how many sign-ins and card presses an organisation (and one
//! client of it) may start in a minute, so that one flooding organisation or client does not
//! stop the others. API Gateway cannot do this: an HTTP API's throttle is one bucket per route
//! for every organisation and client together.
//!
//! Counting costs nothing on the happy path. Each instance counts a key's requests in the
//! current minute itself; only past [`Limit::free_per_instance`] does it add what it counted to
//! the key's shared counter in DynamoDB (one `UpdateItem` per request from then on), and once the
//! shared count is over the limit the instance refuses the rest of the minute without asking
//! again. So any number of instances together admit at most the limit plus each instance's free
//! share, and a flood costs at most about the limit in writes per key and minute.

use std::collections::HashMap;

use crate::clock::Epoch;

/// A limit per key and minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Names the counter (`signin-app`): one name per kind of key.
    pub name: &'static str,
    pub per_minute: i64,
}

/// Sign-ins (starting one, and Lark's callback) to one organisation's app: 10 a second on
/// average, more than an organisation of 10,000 people signing in over a quarter of an hour.
pub const SIGN_IN_PER_APP: Limit = Limit {
    name: "signin-app",
    per_minute: 600,
};

/// Sign-ins to one app from one client address: half the app's, so an office behind one address
/// still signs 150 people in a minute (each sign-in is two requests: its start and Lark's
/// callback), and a single flooding client leaves the other half to everyone else.
pub const SIGN_IN_PER_CLIENT: Limit = Limit {
    name: "signin-client",
    per_minute: 300,
};

/// Card presses Lark delivers for one app (all come from Lark's servers, so there is no
/// client to tell apart).
pub const CARD_PRESSES_PER_APP: Limit = Limit {
    name: "callback-app",
    per_minute: 600,
};

/// A cap on something a person or an organisation starts that costs the service team's
/// attention and the provider app's Lark calls (each opened ticket DMs its engineer and TAM).
/// Counted exactly, in fixed windows: a request takes one from the window's counter or is
/// refused until the next window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Names the counter (`tickets-person`).
    pub name: &'static str,
    pub max: i64,
    /// The window's length in seconds; windows start at multiples of it.
    pub window: Epoch,
}

/// Tickets one person opens in 10 minutes: an outage that needs more than five tickets from one
/// person at once is one emergency, not six tickets.
pub const TICKETS_PER_PERSON: Quota = Quota {
    name: "tickets-person",
    max: 5,
    window: 600,
};

/// Tickets one organisation opens in an hour: six people each at their own cap, so a flood from
/// one organisation stops well short of the provider app's allowance for the others.
pub const TICKETS_PER_ORG: Quota = Quota {
    name: "tickets-org",
    max: 30,
    window: 3600,
};

impl Quota {
    /// The window `now` falls in, and the seconds until the next one.
    pub fn window_of(&self, now: Epoch) -> (Epoch, Epoch) {
        let start = now - now.rem_euclid(self.window);
        (start, start + self.window - now)
    }
}

impl Limit {
    /// What one instance admits in a minute before it counts in DynamoDB: a tenth of the limit.
    pub fn free_per_instance(&self) -> i64 {
        (self.per_minute / 10).max(1)
    }
}

/// The minute `now` falls in, and the seconds until the next one.
pub fn minute(now: Epoch) -> (Epoch, Epoch) {
    let start = now - now.rem_euclid(60);
    (start, start + 60 - now)
}

/// What the instance decides before asking anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Local {
    Admit,
    /// The minute is known to be full: try again in `retry_after` seconds.
    Refuse {
        retry_after: Epoch,
    },
    /// Add `add` requests to the key's shared counter for `minute`, then [`Windows::counted`].
    Count {
        minute: Epoch,
        add: i64,
    },
}

#[derive(Debug, Clone, Copy)]
struct Window {
    minute: Epoch,
    seen: i64,
    /// How many of `seen` the shared counter already has.
    counted: i64,
    full: bool,
}

/// One instance's counts, per key, for the current minute only.
#[derive(Debug, Default)]
pub struct Windows {
    keys: HashMap<String, Window>,
}

/// Where a limit's key is counted: each limit counts its keys apart (an App ID is the key of
/// both its sign-ins and its card presses).
fn slot(limit: Limit, key: &str) -> String {
    format!("{}#{key}", limit.name)
}

/// Keys an instance keeps at most; past it, windows of earlier minutes are dropped first (a
/// flood of made-up App IDs costs memory only up to this).
const MAX_KEYS: usize = 10_000;

impl Windows {
    /// Counts one request for `key` at `now`.
    pub fn request(&mut self, limit: Limit, key: &str, now: Epoch) -> Local {
        let (minute, retry_after) = minute(now);
        let key = &slot(limit, key);
        if self.keys.len() >= MAX_KEYS && !self.keys.contains_key(key) {
            self.keys.retain(|_, w| w.minute == minute);
            if self.keys.len() >= MAX_KEYS {
                // Every slot is this minute's: refuse rather than grow.
                return Local::Refuse { retry_after };
            }
        }
        let w = self.keys.entry(key.to_owned()).or_insert(Window {
            minute,
            seen: 0,
            counted: 0,
            full: false,
        });
        if w.minute != minute {
            *w = Window {
                minute,
                seen: 0,
                counted: 0,
                full: false,
            };
        }
        if w.full {
            return Local::Refuse { retry_after };
        }
        w.seen += 1;
        if w.seen <= limit.free_per_instance() {
            return Local::Admit;
        }
        Local::Count {
            minute,
            add: w.seen - w.counted,
        }
    }

    /// The shared counter for `key` now reads `total` after adding what [`Local::Count`] said:
    /// admits while `total` is within the limit, else remembers the minute is full.
    pub fn counted(
        &mut self,
        limit: Limit,
        key: &str,
        now: Epoch,
        added: i64,
        total: i64,
    ) -> Local {
        let (minute, retry_after) = minute(now);
        if let Some(w) = self
            .keys
            .get_mut(&slot(limit, key))
            .filter(|w| w.minute == minute)
        {
            w.counted += added;
            if total > limit.per_minute {
                w.full = true;
            }
        }
        if total > limit.per_minute {
            Local::Refuse { retry_after }
        } else {
            Local::Admit
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{minute, Limit, Local, Windows, TICKETS_PER_PERSON};

    const TWENTY: Limit = Limit {
        name: "test",
        per_minute: 20,
    };

    #[test]
    fn an_instance_admits_its_free_share_without_counting_anywhere() {
        let mut w = Windows::default();
        assert_eq!(TWENTY.free_per_instance(), 2);
        assert_eq!(w.request(TWENTY, "a", 120), Local::Admit);
        assert_eq!(w.request(TWENTY, "a", 121), Local::Admit);
        // The third adds all three to the shared count.
        assert_eq!(
            w.request(TWENTY, "a", 122),
            Local::Count {
                minute: 120,
                add: 3
            }
        );
        assert_eq!(w.counted(TWENTY, "a", 122, 3, 3), Local::Admit);
        assert_eq!(
            w.request(TWENTY, "a", 123),
            Local::Count {
                minute: 120,
                add: 1
            }
        );
        // Another key has its own share, and so has the same key under another limit.
        assert_eq!(w.request(TWENTY, "b", 123), Local::Admit);
        let other = Limit {
            name: "other",
            ..TWENTY
        };
        assert_eq!(w.request(other, "a", 123), Local::Admit);
    }

    #[test]
    fn once_the_shared_count_is_over_the_limit_the_minute_is_refused_without_asking() {
        let mut w = Windows::default();
        w.request(TWENTY, "a", 60);
        w.request(TWENTY, "a", 60);
        assert_eq!(
            w.request(TWENTY, "a", 70),
            Local::Count { minute: 60, add: 3 }
        );
        // Other instances have counted the rest.
        assert_eq!(
            w.counted(TWENTY, "a", 70, 3, 21),
            Local::Refuse { retry_after: 50 }
        );
        assert_eq!(
            w.request(TWENTY, "a", 100),
            Local::Refuse { retry_after: 20 }
        );
        // The next minute starts afresh.
        assert_eq!(w.request(TWENTY, "a", 120), Local::Admit);
    }

    #[test]
    fn minutes_start_on_the_minute() {
        assert_eq!(minute(0), (0, 60));
        assert_eq!(minute(119), (60, 1));
        assert_eq!(minute(120), (120, 60));
    }

    #[test]
    fn quota_windows_start_on_multiples_of_their_length() {
        assert_eq!(TICKETS_PER_PERSON.window_of(0), (0, 600));
        assert_eq!(TICKETS_PER_PERSON.window_of(1199), (600, 1));
        assert_eq!(TICKETS_PER_PERSON.window_of(1200), (1200, 600));
    }
}
