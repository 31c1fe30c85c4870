//! Sending: the message shows at once as pending and joins the outbox (kept in the browser once
//! the signed-in person is known), which is delivered in order, one send at a time. Each becomes
//! the stored message, or is marked failed when the server refuses it ("Retry" sends the same
//! nonce, so the server never stores it twice), or waits — "Waiting for network" — when the
//! server cannot be reached, until the browser is back online or the live feed reconnects, in
//! this tab or in the next one opened.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::AppError;
use shared::ids::{MessageId, ProfileId};
use shared::live::Thread;
use uuid::Uuid;

use super::cache::{MessageCache, Pending};
use super::outbox::{self, Queued};
use super::store::Chat;
use super::thread_api;

/// The sends of this tab not yet delivered, oldest first, and who is sending.
#[derive(Default)]
pub struct Unsent {
    me: Option<ProfileId>,
    queue: Vec<Queued>,
    flushing: bool,
    /// More was queued (or the network came back) while a flush ran: it runs once more.
    again: bool,
}

/// Shows a new send (answering `reply_to`, if given) at once and delivers it.
pub fn send(
    chat: Chat,
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
    enqueue(chat, Queued::of(thread, &pending));
}

/// Sends a failed message again, with its nonce.
pub fn retry(chat: Chat, thread: Thread, cache: RwSignal<MessageCache>, nonce: Uuid) {
    if let Some(pending) = cache.try_update(|c| c.retry(nonce)).flatten() {
        enqueue(chat, Queued::of(thread, &pending));
    }
}

fn enqueue(chat: Chat, queued: Queued) {
    let me = chat
        .unsent()
        .try_update_value(|u| {
            u.queue.push(queued.clone());
            u.me
        })
        .flatten();
    if let Some(me) = me {
        outbox::add(me, &queued);
    }
    flush(chat);
}

/// Now that `me` is known: what waits in this browser joins the queue (shown in its thread),
/// what this tab queued before is kept there too, and all of it is delivered.
pub fn restore(chat: Chat, me: ProfileId) {
    let kept = outbox::load(me);
    let ours = chat
        .unsent()
        .try_update_value(|u| {
            u.me = Some(me);
            let ours = u.queue.clone();
            for q in &kept {
                if !ours.iter().any(|o| o.nonce == q.nonce) {
                    u.queue.push(q.clone());
                }
            }
            ours
        })
        .unwrap_or_default();
    for q in &kept {
        if !ours.iter().any(|o| o.nonce == q.nonce) {
            chat.cache(q.thread).update(|c| c.sending(q.pending()));
        }
    }
    for q in &ours {
        outbox::add(me, q);
    }
    flush(chat);
}

/// Delivers the queue in order; stops at the first send that cannot reach the server (that one
/// and those after it wait). A flush asked for while one runs makes it run once more.
pub fn flush(chat: Chat) {
    let start = chat
        .unsent()
        .try_update_value(|u| {
            u.again = u.flushing;
            !std::mem::replace(&mut u.flushing, true)
        })
        .unwrap_or(false);
    if !start {
        return;
    }
    spawn_local(async move {
        loop {
            let queue = chat
                .unsent()
                .try_with_value(|u| u.queue.clone())
                .unwrap_or_default();
            let mut reachable = online();
            for q in queue {
                let cache = chat.cache(q.thread);
                if !reachable {
                    cache.update(|c| c.send_waiting(q.nonce));
                    continue;
                }
                cache.update(|c| {
                    c.retry(q.nonce);
                });
                let (thread, nonce) = (q.thread, q.nonce);
                match thread_api::send(thread, q.content, q.file_url, q.reply_to, nonce).await {
                    Ok(message) => {
                        done(chat, nonce);
                        cache.update(|c| c.sent(nonce, message));
                    }
                    // Not reached (offline, the server down): kept for later.
                    Err(AppError::Request(_)) => {
                        reachable = false;
                        cache.update(|c| c.send_waiting(nonce));
                    }
                    Err(e) => {
                        done(chat, nonce);
                        cache.update(|c| c.send_failed(nonce, e.to_string()));
                    }
                }
            }
            let again = chat
                .unsent()
                .try_update_value(|u| {
                    let again = std::mem::take(&mut u.again);
                    u.flushing = again;
                    again
                })
                .unwrap_or(false);
            if !again {
                break;
            }
        }
    });
}

/// A send the server has answered for good: out of the queue and the browser's outbox.
fn done(chat: Chat, nonce: Uuid) {
    let me = chat
        .unsent()
        .try_update_value(|u| {
            u.queue.retain(|q| q.nonce != nonce);
            u.me
        })
        .flatten();
    if let Some(me) = me {
        outbox::remove(me, nonce);
    }
}

/// Whether the browser believes it is online (a send is not even tried when it does not).
fn online() -> bool {
    #[cfg(feature = "browser")]
    {
        window().navigator().on_line()
    }
    #[cfg(not(feature = "browser"))]
    {
        true
    }
}
