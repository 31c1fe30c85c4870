//! The sends the server has not acknowledged yet, kept in this browser (local storage, per
//! account) in the order they were made, so a send survives a network outage, a closed tab or
//! a reload; `send::flush` delivers them. Each tab reads and writes the stored list one change
//! at a time, so two tabs keep each other's entries; if both send one, its nonce makes the
//! server keep it once.

use serde::{Deserialize, Serialize};
use shared::ids::{MessageId, ProfileId};
use shared::live::Thread;
use uuid::Uuid;

use super::cache::Pending;
use crate::ui::storage;

/// One send as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queued {
    pub thread: Thread,
    pub nonce: Uuid,
    pub content: String,
    pub file_url: Option<String>,
    pub reply_to: Option<MessageId>,
}

impl Queued {
    pub fn of(thread: Thread, pending: &Pending) -> Self {
        Self {
            thread,
            nonce: pending.nonce,
            content: pending.content.clone(),
            file_url: pending.file_url.clone(),
            reply_to: pending.reply_to,
        }
    }

    /// The row it shows as until it is sent.
    pub fn pending(&self) -> Pending {
        Pending {
            reply_to: self.reply_to,
            ..Pending::new(self.nonce, self.content.clone(), self.file_url.clone())
        }
    }
}

fn key(me: ProfileId) -> String {
    format!("chatterhub.outbox.{}", me.0)
}

/// What `me` has waiting in this browser, oldest first.
pub fn load(me: ProfileId) -> Vec<Queued> {
    storage()
        .and_then(|s| s.get_item(&key(me)).ok().flatten())
        .and_then(|raw| serde_json::from_str(&raw).ok())
        .unwrap_or_default()
}

fn save(me: ProfileId, queue: &[Queued]) {
    let Some(storage) = storage() else {
        return;
    };
    if queue.is_empty() {
        let _ = storage.remove_item(&key(me));
    } else if let Ok(raw) = serde_json::to_string(queue) {
        let _ = storage.set_item(&key(me), &raw);
    }
}

/// Keeps a send (once).
pub fn add(me: ProfileId, queued: &Queued) {
    let mut queue = load(me);
    if !queue.iter().any(|q| q.nonce == queued.nonce) {
        queue.push(queued.clone());
        save(me, &queue);
    }
}

/// Forgets a send (stored, or refused for good).
pub fn remove(me: ProfileId, nonce: Uuid) {
    let mut queue = load(me);
    let before = queue.len();
    queue.retain(|q| q.nonce != nonce);
    if queue.len() != before {
        save(me, &queue);
    }
}
