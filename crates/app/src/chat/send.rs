//! Sending: the message shows at once as pending, then becomes the stored one or is marked failed
//! (a retry sends the same nonce, so the server never stores it twice).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::live::Thread;
use uuid::Uuid;

use super::cache::{MessageCache, Pending};
use super::thread_api;

/// Shows a new send at once and delivers it.
pub fn send(
    thread: Thread,
    cache: RwSignal<MessageCache>,
    content: String,
    file_url: Option<String>,
) {
    let nonce = Uuid::new_v4();
    cache.update(|c| c.sending(nonce, content.clone(), file_url.clone()));
    deliver(
        thread,
        cache,
        Pending {
            nonce,
            content,
            file_url,
            failed: None,
        },
    );
}

/// Delivers a pending send (new, or retried with its nonce).
pub fn deliver(thread: Thread, cache: RwSignal<MessageCache>, pending: Pending) {
    spawn_local(async move {
        let nonce = pending.nonce;
        match thread_api::send(thread, pending.content, pending.file_url, nonce).await {
            Ok(message) => cache.update(|c| c.sent(nonce, message)),
            Err(e) => cache.update(|c| c.send_failed(nonce, e.to_string())),
        }
    });
}
