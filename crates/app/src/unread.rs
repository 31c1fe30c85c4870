//! What the signed-in person has not read, as the sidebar and the rail show it: counts per
//! thread from the server (`load_unread`), loaded again a moment after anything that may change
//! them (a new message anywhere they can read, a read on another device, a reconnect). The
//! thread being read at its bottom counts nothing, and is marked read as messages arrive.
//! Mentions, the DM inbox, the tab title and notifications are still to build.

pub mod api;

use std::collections::HashMap;

use leptos::prelude::*;
use shared::ids::ServerId;
use shared::live::Thread;

/// How long after a change the counts are loaded again (several changes, one load).
const SETTLE: std::time::Duration = std::time::Duration::from_millis(400);

#[derive(Clone, Copy)]
pub struct UnreadMarks {
    counts: RwSignal<HashMap<Thread, (ServerId, u32)>>,
    /// The thread whose bottom is on screen: what arrives there is read as it arrives.
    viewing: RwSignal<Option<Thread>>,
    /// Bumped by the chat store on every change that may move a count.
    changed: RwSignal<u64>,
}

impl UnreadMarks {
    /// Provided by the signed-in frame. Nothing is loaded during a server render (effects run
    /// only in the browser): the page hydrates without marks, then the browser loads them.
    pub fn provide() -> Self {
        let marks = Self {
            counts: RwSignal::new(HashMap::new()),
            viewing: RwSignal::new(None),
            changed: RwSignal::new(0),
        };
        provide_context(marks);
        marks.load_on_change();
        marks
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// Something may have moved the counts.
    pub fn changed(self) {
        self.changed.update(|n| *n += 1);
    }

    /// The thread whose bottom is being read (or none).
    pub fn set_viewing(self, thread: Option<Thread>) {
        if self.viewing.get_untracked() != thread {
            self.viewing.set(thread);
        }
    }

    /// Unread messages in `thread` (reactive).
    pub fn count(self, thread: Thread) -> u32 {
        if self.viewing.get() == Some(thread) {
            return 0;
        }
        self.counts.with(|c| c.get(&thread).map_or(0, |(_, n)| *n))
    }

    /// Whether anything in `server_id` is unread (reactive).
    pub fn server_unread(self, server_id: ServerId) -> bool {
        let viewing = self.viewing.get();
        self.counts.with(|c| {
            c.iter()
                .any(|(thread, (server, _))| *server == server_id && Some(*thread) != viewing)
        })
    }

    /// Loads the counts now, then again a moment after each change: at most one load per
    /// `SETTLE` however busy the servers are (a change during a wait is covered by that load).
    fn load_on_change(self) {
        use leptos::task::spawn_local;
        let waiting = StoredValue::new(false);
        let load = move || {
            waiting.set_value(false);
            spawn_local(async move {
                if let Ok(unread) = api::load_unread().await {
                    let counts = unread
                        .threads
                        .into_iter()
                        .map(|t| (t.thread, (t.server_id, t.unread)))
                        .collect();
                    let _ = self.counts.try_set(counts);
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

/// "N unread" for a count, as a pill's label ("99+" past the cap).
pub fn unread_label(count: u32) -> String {
    format!("{} unread", shared::unread::Unread::label(count))
}
