//! Sending: the message shows at once as pending, then becomes the stored one or is marked failed
//! (a retry sends the same nonce, so the server never stores it twice).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::ids::MessageId;
use shared::live::Thread;
use uuid::Uuid;

use super::cache::{MessageCache, Pending};
use super::thread_api;

/// Shows a new send (answering `reply_to`, if given) at once and delivers it.
pub fn send(
    thread: Thread,
    cache: RwSignal<MessageCache>,
    content: String,
    file_url: Option<String>,
    reply_to: Option<MessageId>,
) {
    let pending = Pending {
        reply_to,
        ..Pending::new(Uuid::new_v4(), content, file_url)
    };
    cache.update(|c| c.sending(pending.clone()));
    deliver(thread, cache, pending);
}

/// Delivers a pending send (new, or retried with its nonce).
pub fn deliver(thread: Thread, cache: RwSignal<MessageCache>, pending: Pending) {
    spawn_local(async move {
        let nonce = pending.nonce;
        let Pending {
            content,
            file_url,
            reply_to,
            ..
        } = pending;
        match thread_api::send(thread, content, file_url, reply_to, nonce).await {
            Ok(message) => cache.update(|c| c.sent(nonce, message)),
            Err(e) => cache.update(|c| c.send_failed(nonce, e.to_string())),
        }
    });
}
