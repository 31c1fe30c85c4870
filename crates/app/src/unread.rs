//! What the signed-in person has not read, as the sidebar, the rail and the tab title show it:
//! counts per thread from the server (`load_unread`) when the app opens, loaded again a moment
//! after a read on another device or a reconnect; each new message announced where they read is
//! applied to the counts as it comes (a busy server does not make every member load everything
//! again). The thread being read at its bottom counts nothing, and is marked read as messages
//! arrive.

pub mod api;

use std::collections::HashMap;

use leptos::prelude::*;
use shared::ids::{ChannelId, ProfileId, ServerId};
use shared::live::{ServerEvent, Thread};
use shared::unread::{UNREAD_CAP, Unread};

/// How long after a change the counts are loaded again (several changes, one load).
const SETTLE: std::time::Duration = std::time::Duration::from_millis(400);

/// One thread's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    server: ServerId,
    unread: u32,
    mentions: u32,
}

#[derive(Clone, Copy)]
pub struct UnreadMarks {
    counts: RwSignal<HashMap<Thread, Counts>>,
    /// The thread whose bottom is on screen: what arrives there is read as it arrives.
    viewing: RwSignal<Option<Thread>>,
    /// Bumped by the chat store on every change that may move a count.
    changed: RwSignal<u64>,
    /// Bumped on each direct message to the person (the inbox reloads).
    direct_changed: RwSignal<u64>,
    /// Messages applied as they arrived (a load that was under way meanwhile is redone).
    arrivals: RwSignal<u64>,
}

impl UnreadMarks {
    /// Provided by the signed-in frame. Nothing is loaded during a server render (effects run
    /// only in the browser): the page hydrates without marks, then the browser loads them.
    pub fn provide() -> Self {
        let marks = Self {
            counts: RwSignal::new(HashMap::new()),
            viewing: RwSignal::new(None),
            changed: RwSignal::new(0),
            direct_changed: RwSignal::new(0),
            arrivals: RwSignal::new(0),
        };
        provide_context(marks);
        marks.load_on_change();
        marks.count_in_title();
        marks
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// Something may have moved the counts.
    pub fn changed(self) {
        self.changed.update(|n| *n += 1);
    }

    /// A new message where the person reads (`ChannelActivity`, `DirectActivity`), applied to
    /// the counts at once instead of loading them all again: written by them, its thread is
    /// read (sending reads it, on the server too); by someone else, the thread is unread, with
    /// one more mention when it names them or everyone, or one more direct message. Until it
    /// is known who `me` is, the counts are loaded again instead.
    pub fn arrived(self, event: &ServerEvent, me: Option<ProfileId>) {
        let (thread, server, author, mentions_me) = match event {
            ServerEvent::ChannelActivity {
                server_id,
                channel_id,
                author,
                mentioned,
                everyone,
                ..
            } => {
                let named = me.is_some_and(|me| mentioned.contains(&me));
                (
                    Thread::Channel(*channel_id),
                    *server_id,
                    *author,
                    *everyone || named,
                )
            }
            ServerEvent::DirectActivity {
                server_id,
                conversation_id,
                author,
                ..
            } => {
                self.direct_changed.update(|n| *n += 1);
                (
                    Thread::Conversation(*conversation_id),
                    *server_id,
                    *author,
                    false,
                )
            }
            _ => return,
        };
        let Some(me) = me else {
            return self.changed();
        };
        self.arrivals.update_untracked(|n| *n += 1);
        self.counts.update(|counts| {
            if author == me {
                counts.remove(&thread);
                return;
            }
            let counts = counts.entry(thread).or_insert(Counts {
                server,
                unread: 0,
                mentions: 0,
            });
            let more = |n: u32| (n + 1).min(UNREAD_CAP);
            counts.unread = match thread {
                Thread::Channel(_) => 1,
                Thread::Conversation(_) => more(counts.unread),
            };
            if mentions_me {
                counts.mentions = more(counts.mentions);
            }
        });
    }

    /// Tracks the direct messages arriving (reactive).
    pub fn direct_changes(self) -> u64 {
        self.direct_changed.get()
    }

    /// The thread whose bottom is being read (or none). Also called from a thread view's
    /// cleanup, which may run after the marks themselves were disposed (a server render
    /// dropped whole when its client went away): then there is nothing left to tell.
    pub fn set_viewing(self, thread: Option<Thread>) {
        if self
            .viewing
            .try_get_untracked()
            .is_some_and(|v| v != thread)
        {
            self.viewing.try_set(thread);
        }
    }

    /// The counts of every thread not being read, that `keep` keeps (reactive).
    fn shown(self, keep: impl Fn(&Thread, &Counts) -> bool) -> Vec<Counts> {
        let viewing = self.viewing.get();
        self.counts.with(|c| {
            c.iter()
                .filter(|(thread, counts)| Some(**thread) != viewing && keep(thread, counts))
                .map(|(_, counts)| *counts)
                .collect()
        })
    }

    fn of(self, thread: Thread) -> Option<Counts> {
        self.shown(|t, _| *t == thread).pop()
    }

    /// Unread messages in `thread` as last loaded, whether or not it is being read (not
    /// reactive).
    pub fn unread_untracked(self, thread: Thread) -> u32 {
        self.counts
            .with_untracked(|c| c.get(&thread).map_or(0, |c| c.unread))
    }

    /// Unread messages in `thread` (reactive).
    pub fn count(self, thread: Thread) -> u32 {
        self.of(thread).map_or(0, |c| c.unread)
    }

    /// Unread messages that mention the person in `thread` (reactive).
    pub fn mentions(self, thread: Thread) -> u32 {
        self.of(thread).map_or(0, |c| c.mentions)
    }

    /// The channels of `server_id`: whether any that `marks` marks is unread, and the mentions
    /// of all (reactive). Direct conversations show in the inbox, not on their server.
    pub fn server(self, server_id: ServerId, marks: impl Fn(ChannelId) -> bool) -> (bool, u32) {
        let viewing = self.viewing.get();
        self.counts.with(|c| {
            let mut unread = false;
            let mut mentions = 0;
            for (thread, counts) in c {
                if let Thread::Channel(channel) = thread
                    && counts.server == server_id
                    && Some(*thread) != viewing
                {
                    unread |= marks(*channel);
                    mentions += counts.mentions;
                }
            }
            (unread, mentions)
        })
    }

    /// Unread direct messages, in every conversation (reactive).
    pub fn direct(self) -> u32 {
        self.shown(|t, _| matches!(t, Thread::Conversation(_)))
            .iter()
            .map(|c| c.unread)
            .sum()
    }

    /// What the tab title counts: mentions and unread direct messages (reactive).
    pub fn for_title(self) -> u32 {
        let mentions: u32 = self.shown(|_, _| true).iter().map(|c| c.mentions).sum();
        mentions + self.direct()
    }

    /// "(N) ChatterHub" while there are mentions or unread direct messages (in the browser).
    fn count_in_title(self) {
        let total = Memo::new(move |_| self.for_title());
        Effect::new(move |_| {
            let title = match total.get() {
                0 => "ChatterHub".to_owned(),
                n => format!("({}) ChatterHub", shared::unread::Unread::label(n)),
            };
            document().set_title(&title);
        });
    }

    /// Loads the counts now, then again a moment after each change: at most one load per
    /// `SETTLE` however busy the servers are (a change during a wait is covered by that load).
    fn load_on_change(self) {
        use leptos::task::spawn_local;
        let waiting = StoredValue::new(false);
        let load = move || {
            waiting.set_value(false);
            spawn_local(async move {
                let arrivals = self.arrivals.get_untracked();
                if let Ok(unread) = api::load_unread().await {
                    let _ = self.counts.try_set(counts_of(unread));
                    // What arrived meanwhile may be missing from this answer.
                    if self.arrivals.try_get_untracked() != Some(arrivals) {
                        self.changed();
                    }
                }
            });
        };
        Effect::new(move |_| {
            if self.changed.get() == 0 {
                load();
            } else if !waiting.get_value() && set_timeout_with_handle(load, SETTLE).is_ok() {
                waiting.set_value(true);
            }
        });
    }
}

/// The counts of every thread listed: a channel listed is unread (it says no more).
fn counts_of(unread: Unread) -> HashMap<Thread, Counts> {
    let channels = unread.servers.into_iter().flat_map(|s| {
        s.channels.into_iter().map(move |c| {
            let counts = Counts {
                server: s.server_id,
                unread: 1,
                mentions: c.mentions,
            };
            (Thread::Channel(c.id), counts)
        })
    });
    let conversations = unread.conversations.into_iter().map(|c| {
        let counts = Counts {
            server: c.server_id,
            unread: c.unread,
            mentions: 0,
        };
        (Thread::Conversation(c.id), counts)
    });
    channels.chain(conversations).collect()
}

/// "N unread" for a count, as a pill's label ("99+" past the cap).
pub fn unread_label(count: u32) -> String {
    format!("{} unread", shared::unread::Unread::label(count))
}

/// "1 mention", "N mentions", as a pill's label ("99+" past the cap).
pub fn mentions_label(count: u32) -> String {
    let s = if count == 1 { "" } else { "s" };
    format!("{} mention{s}", shared::unread::Unread::label(count))
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn leaving_a_thread_after_the_marks_are_gone_is_harmless() {
        let owner = Owner::new();
        let marks = owner.with(UnreadMarks::provide);
        let thread = Thread::Channel(ChannelId(Uuid::from_u128(1)));
        marks.set_viewing(Some(thread));
        assert_eq!(marks.viewing.get_untracked(), Some(thread));
        // A server render dropped whole: its signals go before its views' cleanups run.
        drop(owner);
        marks.set_viewing(None);
        assert_eq!(marks.viewing.try_get_untracked(), None);
    }
}
