//! Who is typing in a thread, from the live `Typing` events: each person shows for a few
//! seconds after their last one (the browser sends one every few seconds while writing), and
//! not at all once their message has arrived. `Typers` is pure (the clock is given); `Typing`
//! keeps them per thread for the signed-in app, with when the reader last said so themself.

use std::collections::HashMap;

use leptos::prelude::*;
use shared::ids::ProfileId;
use shared::live::Thread;

/// How long a person shows as typing after their last event, in milliseconds.
pub const SHOWN_FOR_MS: f64 = 8_000.0;
/// How often a writer's browser says so, at most, in milliseconds.
pub const SEND_EVERY_MS: f64 = 3_000.0;

/// The people typing in one thread, in the order they started, with when each stops showing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Typers(Vec<(ProfileId, f64)>);

impl Typers {
    /// `who` is typing, as of `now`.
    pub fn arrived(&mut self, who: ProfileId, now: f64) {
        match self.0.iter_mut().find(|(p, _)| *p == who) {
            Some(entry) => entry.1 = now + SHOWN_FOR_MS,
            None => self.0.push((who, now + SHOWN_FOR_MS)),
        }
    }

    /// `who` sent their message; whether they were showing.
    pub fn stopped(&mut self, who: ProfileId) -> bool {
        let before = self.0.len();
        self.0.retain(|(p, _)| *p != who);
        self.0.len() != before
    }

    /// Who shows as typing at `now`.
    pub fn current(&self, now: f64) -> Vec<ProfileId> {
        self.0
            .iter()
            .filter(|(_, until)| *until > now)
            .map(|(p, _)| *p)
            .collect()
    }
}

/// Who is typing where, for the views, and when the reader last said they were.
#[derive(Debug, Clone, Copy)]
pub struct Typing {
    threads: RwSignal<HashMap<Thread, Typers>>,
    said: StoredValue<HashMap<Thread, f64>>,
}

impl Typing {
    pub fn new() -> Self {
        Self {
            threads: RwSignal::new(HashMap::new()),
            said: StoredValue::new(HashMap::new()),
        }
    }

    /// `who` is typing in `thread` (the reader's own echo, `me`, is not shown).
    pub fn heard(self, thread: Thread, who: ProfileId, me: Option<ProfileId>) {
        if Some(who) != me {
            let now = now_ms();
            self.threads
                .update(|t| t.entry(thread).or_default().arrived(who, now));
        }
    }

    /// `who`'s message arrived in `thread`: they are done typing it.
    pub fn sent(self, thread: Thread, who: ProfileId) {
        self.threads
            .maybe_update(|t| t.get_mut(&thread).is_some_and(|typers| typers.stopped(who)));
    }

    /// Who shows as typing in `thread` at `now` (reactive).
    pub fn current(self, thread: Thread, now: f64) -> Vec<ProfileId> {
        self.threads
            .with(|t| t.get(&thread).map(|typers| typers.current(now)))
            .unwrap_or_default()
    }

    /// Whether the reader, typing in `thread`, should say so now (not more often than
    /// `SEND_EVERY_MS`); if so, it counts as said.
    pub fn time_to_say(self, thread: Thread) -> bool {
        let now = now_ms();
        self.said
            .try_update_value(|said| {
                let due = said
                    .get(&thread)
                    .is_none_or(|last| now - last >= SEND_EVERY_MS);
                if due {
                    said.insert(thread, now);
                }
                due
            })
            .unwrap_or(false)
    }
}

impl Default for Typing {
    fn default() -> Self {
        Self::new()
    }
}

/// The browser's clock, in milliseconds.
pub fn now_ms() -> f64 {
    #[cfg(feature = "browser")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "browser"))]
    {
        0.0
    }
}

/// The line under the messages: "Alice is typing…", "Alice and Bob are typing…", or
/// "Several people are typing…".
pub fn words(names: &[String]) -> Option<String> {
    match names {
        [] => None,
        [one] => Some(format!("{one} is typing…")),
        [one, two] => Some(format!("{one} and {two} are typing…")),
        _ => Some("Several people are typing…".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn person(n: u128) -> ProfileId {
        ProfileId(Uuid::from_u128(n))
    }

    #[test]
    fn typers_show_for_a_while_and_go_when_their_message_arrives() {
        let mut typers = Typers::default();
        typers.arrived(person(1), 0.0);
        typers.arrived(person(2), 1_000.0);
        assert_eq!(typers.current(1_000.0), [person(1), person(2)]);
        // Still typing: shown longer; past the time without a word: gone.
        typers.arrived(person(1), 7_000.0);
        assert_eq!(typers.current(9_500.0), [person(1)]);
        assert_eq!(typers.current(15_000.0), []);
        typers.arrived(person(2), 16_000.0);
        assert!(typers.stopped(person(2)));
        assert!(!typers.stopped(person(2)));
        assert_eq!(typers.current(16_000.0), []);
    }

    #[test]
    fn the_line_names_one_or_two_and_counts_more() {
        let names = |n: &[&str]| n.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(words(&[]), None);
        assert_eq!(words(&names(&["Alice"])).unwrap(), "Alice is typing…");
        assert_eq!(
            words(&names(&["Alice", "Bob"])).unwrap(),
            "Alice and Bob are typing…"
        );
        assert_eq!(
            words(&names(&["Alice", "Bob", "Carol"])).unwrap(),
            "Several people are typing…"
        );
    }
}
