//! What the reader was writing in each thread, kept in this browser (local storage), so a draft
//! survives switching threads and reloading the page; sending clears it.

use serde::{Deserialize, Serialize};
use shared::ids::MemberId;
use shared::live::Thread;

use crate::ui::storage;

/// The text as shown in the composer, and the members picked from the mention list in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub text: String,
    pub picked: Vec<(String, MemberId)>,
}

fn key(thread: Thread) -> String {
    match thread {
        Thread::Channel(id) => format!("chatterhub.draft.channel.{}", id.0),
        Thread::Conversation(id) => format!("chatterhub.draft.conversation.{}", id.0),
    }
}

/// The draft kept for `thread`, if any.
pub fn load(thread: Thread) -> Option<Draft> {
    let raw = storage()?.get_item(&key(thread)).ok().flatten()?;
    serde_json::from_str(&raw).ok()
}

/// Keeps `draft` for `thread`; an empty one is forgotten.
pub fn save(thread: Thread, draft: &Draft) {
    let Some(storage) = storage() else {
        return;
    };
    if draft.text.trim().is_empty() {
        let _ = storage.remove_item(&key(thread));
    } else if let Ok(raw) = serde_json::to_string(draft) {
        let _ = storage.set_item(&key(thread), &raw);
    }
}
