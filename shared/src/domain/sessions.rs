//! Which of a person's sessions still count. A session is a signed cookie (`session::Session`),
//! valid on its own until it expires; the fence is what the server remembers to end one early:
//! a sign-out ends that one session, "sign out everywhere" (or a TAM removing the person) ends
//! every session issued so far.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::clock::Epoch;

/// Most single sign-outs remembered at once; older ones are dropped only once their session
/// has expired anyway, so past this many a sign-out ends every session instead.
pub const MAX_ENDED: usize = 50;

/// One person's fence, through one app. No fence is the same as `SessionFence::default()`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionFence {
    /// Sessions carry the generation they were issued in; ending all of them moves it on.
    #[serde(default)]
    pub generation: u64,
    /// Sessions ended one by one (sign-out), by id, with the time they would have expired.
    #[serde(default)]
    pub ended: BTreeMap<String, Epoch>,
    /// Bumped by every change, so two sign-outs at once do not overwrite each other.
    #[serde(default)]
    pub version: u64,
}

impl SessionFence {
    /// Whether a session of this generation and id is still good.
    pub fn admits(&self, generation: u64, sid: &str) -> bool {
        generation == self.generation && !self.ended.contains_key(sid)
    }

    /// Ends one session (valid until `expires_at`) and forgets ended sessions that have expired.
    pub fn end(&mut self, sid: &str, expires_at: Epoch, now: Epoch) {
        self.ended.retain(|_, exp| *exp > now);
        if self.ended.len() >= MAX_ENDED {
            // Someone signing out this often gets every session ended, not an ever longer item.
            self.end_all();
        } else {
            self.ended.insert(sid.to_owned(), expires_at);
        }
        self.version += 1;
    }

    /// Ends every session issued so far; sessions issued afterwards are good.
    pub fn end_all(&mut self) {
        self.generation += 1;
        self.ended.clear();
        self.version += 1;
    }

    /// After this the fence holds nothing a live session needs (every session it could refuse has
    /// expired), so DynamoDB may delete it — but only if nothing was ever ended in bulk: a
    /// generation above 0 must stay, or old sessions would come back with it.
    pub fn needed_until(&self, now: Epoch, session_ttl: i64) -> Option<Epoch> {
        if self.generation > 0 {
            return None;
        }
        Some(
            self.ended
                .values()
                .copied()
                .max()
                .unwrap_or(now)
                .max(now + session_ttl),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_out_ends_that_session_only() {
        let mut f = SessionFence::default();
        assert!(f.admits(0, "a") && f.admits(0, "b"));
        f.end("a", 1000, 10);
        assert!(!f.admits(0, "a"));
        assert!(f.admits(0, "b"), "the other browser stays signed in");
    }

    #[test]
    fn ending_all_refuses_every_earlier_session_and_admits_later_ones() {
        let mut f = SessionFence::default();
        f.end_all();
        assert!(!f.admits(0, "a") && !f.admits(0, "b"));
        assert!(f.admits(1, "c"), "a session issued afterwards is good");
    }

    #[test]
    fn expired_sign_outs_are_forgotten_and_the_list_is_bounded() {
        let mut f = SessionFence::default();
        f.end("old", 100, 50);
        f.end("new", 1000, 200);
        assert_eq!(f.ended.keys().collect::<Vec<_>>(), ["new"]);
        for i in 0..MAX_ENDED {
            f.end(&format!("s{i}"), 10_000, 300);
        }
        assert!(f.ended.len() < MAX_ENDED);
        assert!(
            !f.admits(0, "never-ended"),
            "past the bound, every session ends"
        );
        assert!(f.version > 0);
    }

    #[test]
    fn a_fence_that_ended_everything_is_kept() {
        let mut f = SessionFence::default();
        f.end("a", 5000, 10);
        assert_eq!(f.needed_until(10, 43_200), Some(43_210));
        f.end_all();
        assert_eq!(f.needed_until(10, 43_200), None);
    }
}
