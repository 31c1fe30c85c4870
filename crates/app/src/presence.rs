//! Who is online, idle or offline, as the member list shows it: each status the live feed
//! announces (`PresenceChanged`) applied as it comes, and the open server's statuses loaded when
//! it opens, after a reconnect or a change of its members, and every minute (a node that died
//! takes its people offline without a word). This tab says when its person stops using it
//! (`idle`).

pub mod api;
#[cfg(feature = "browser")]
pub mod idle;

use std::collections::HashMap;

use leptos::prelude::*;
use shared::ids::{ProfileId, ServerId};
use shared::presence::{Here, Status};

/// How often the open server's statuses are loaded again.
#[cfg(feature = "browser")]
const RELOAD_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

#[derive(Clone, Copy)]
pub struct Presence {
    known: RwSignal<HashMap<ProfileId, Status>>,
    /// Bumped when the open server's statuses may have been missed (a reconnect).
    stale: RwSignal<u64>,
}

impl Presence {
    pub fn provide() -> Self {
        let presence = Self {
            known: RwSignal::new(HashMap::new()),
            stale: RwSignal::new(0),
        };
        provide_context(presence);
        presence
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// `profile`'s status as last heard (reactive; offline when nothing was).
    pub fn status(self, profile: ProfileId) -> Status {
        self.known
            .with(|k| k.get(&profile).copied().unwrap_or_default())
    }

    /// A status the live feed announced.
    pub fn heard(self, profile: ProfileId, status: Status) {
        self.known.update(|k| {
            k.insert(profile, status);
        });
    }

    /// Statuses may have been missed: the open server's are loaded again.
    pub fn mark_stale(self) {
        self.stale.update(|n| *n += 1);
    }

    /// The answer for a server whose members are `members`: those not listed are offline.
    fn loaded(self, members: &[ProfileId], here: Vec<Here>) {
        self.known.update(|k| {
            for m in members {
                k.insert(*m, Status::Offline);
            }
            for h in here {
                k.insert(h.profile_id, h.status);
            }
        });
    }

    /// Loads the statuses of `server`'s members (`members`, read when the answer comes) when
    /// the server opens, goes stale, or `changed` moves, and every minute while it is open;
    /// `server` is `None` while the reader is not known to be a member.
    pub fn follow_server(
        self,
        server: Memo<Option<ServerId>>,
        changed: impl Fn() + 'static,
        members: impl Fn() -> Vec<ProfileId> + Copy + 'static,
    ) {
        let load = move |server_id: ServerId| {
            leptos::task::spawn_local(async move {
                if let Ok(here) = api::load_presence(server_id).await {
                    self.loaded(&members(), here);
                }
            });
        };
        Effect::new(move |_| {
            self.stale.track();
            changed();
            if let Some(id) = server.get() {
                load(id);
            }
        });
        #[cfg(feature = "browser")]
        {
            if let Ok(timer) = set_interval_with_handle(
                move || {
                    if let Some(id) = server.get_untracked() {
                        load(id);
                    }
                },
                RELOAD_EVERY,
            ) {
                on_cleanup(move || timer.clear());
            }
        }
    }
}
