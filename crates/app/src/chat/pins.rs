//! Pinned messages: the header's pin button opens the thread's list (the latest pinned first),
//! read again whenever a change may have altered it; each entry goes to its message, and those
//! who may pin can unpin from here. The Pin/Unpin action on a message is `PinAction`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::ids::{MemberId, MessageId};
use shared::live::Thread;
use shared::messages::Message;
use shared::permissions::{Action, can};

use super::cache::MessageCache;
use super::jump::go_to_message;
use super::message_text::MessageText;
use super::store::Chat;
use super::thread_api;
use super::time::{Today, local_date_time, stamp};
use crate::communities::CurrentServer;
use crate::ui::{Glyph, Icon};

/// Whether the reader may pin and unpin in `thread` (reactive).
pub fn may_pin(thread: Thread) -> impl Fn() -> bool + Copy {
    let current = CurrentServer::get();
    let direct = matches!(thread, Thread::Conversation(_));
    move || {
        current
            .details()
            .is_some_and(|d| can(d.actor(), Action::PinMessage { direct }))
    }
}

/// Pins or unpins `message`, showing the result in the thread's cache.
fn set_pinned(
    (thread, cache): (Thread, RwSignal<MessageCache>),
    message: MessageId,
    on: bool,
    error: RwSignal<Option<String>>,
) {
    spawn_local(async move {
        match thread_api::pin(thread, message, on).await {
            Ok(stored) => {
                error.set(None);
                cache.update(|c| c.changed(stored));
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    });
}

/// "Pin message" / "Unpin message" among a message's actions.
#[component]
pub fn PinAction(
    thread: Thread,
    message: MessageId,
    pinned: bool,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let cache = Chat::get().cache(thread);
    let label = if pinned {
        "Unpin message"
    } else {
        "Pin message"
    };
    view! {
        <button
            type="button"
            class="icon-button"
            class:active=pinned
            aria-label=label
            title=label
            on:click=move |_| set_pinned((thread, cache), message, !pinned, error)
        >
            <Icon glyph=Glyph::Pin />
        </button>
    }
}

/// The header's button and, while open, the list of pins below it.
#[component]
pub fn PinsButton(thread: Thread) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <div class="pins">
            <button
                type="button"
                class="icon-button"
                aria-label="Pinned messages"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <Icon glyph=Glyph::Pin />
            </button>
            <Show when=move || open.get()>
                <PinnedList thread open />
            </Show>
        </div>
    }
}

#[component]
fn PinnedList(thread: Thread, open: RwSignal<bool>) -> impl IntoView {
    let cache = Chat::get().cache(thread);
    let changes = Memo::new(move |_| cache.with(MessageCache::pin_changes));
    let pins = LocalResource::new(move || {
        changes.track();
        thread_api::pinned(thread)
    });
    let me = Signal::derive({
        let current = CurrentServer::get();
        move || current.details().map(|d| d.me.id)
    });
    let error = RwSignal::new(None::<String>);
    let list = move || {
        Some(match pins.get()? {
            Ok(list) if list.is_empty() => view! {
                <p class="hint">"No pinned messages yet. Pinned messages are kept here for everyone to find."</p>
            }
            .into_any(),
            Ok(list) => view! {
                <ul class="pins-list">
                    {list.into_iter().map(|message| view! { <PinnedItem thread message me open error /> }).collect_view()}
                </ul>
            }
            .into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            open.set(false);
        }
    };
    view! {
        <section class="pins-panel" aria-labelledby="pins-heading" on:keydown=on_keydown>
            <header>
                <h2 id="pins-heading">"Pinned messages"</h2>
                <button type="button" class="icon-button" aria-label="Close pinned messages" on:click=move |_| open.set(false)>
                    "×"
                </button>
            </header>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            {move || list().unwrap_or_else(|| view! { <p class="loading" role="status">"Loading…"</p> }.into_any())}
        </section>
    }
}

#[component]
fn PinnedItem(
    thread: Thread,
    message: Message,
    me: Signal<Option<MemberId>>,
    open: RwSignal<bool>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let today = Today::get();
    let at = message.created_at;
    let id = message.id;
    let go_to = go_to_message();
    let may_unpin = may_pin(thread);
    let cache = Chat::get().cache(thread);
    let text = if message.content.is_empty() && message.file_url.is_some() {
        None
    } else {
        Some(message.content.clone())
    };
    view! {
        <li class="pinned-message" data-testid="pinned-message">
            <div class="message-meta">
                <span class="message-author">{message.author.name.clone()}</span>
                <time datetime=at.to_rfc3339() title=local_date_time(at)>{move || stamp(at, today.day())}</time>
            </div>
            {match text {
                Some(content) => view! { <MessageText content me /> }.into_any(),
                None => view! { <p class="hint">"An attachment"</p> }.into_any(),
            }}
            <div class="pinned-actions">
                <button
                    type="button"
                    class="secondary small"
                    on:click=move |_| {
                        open.set(false);
                        go_to(id);
                    }
                >
                    "Jump"
                </button>
                <Show when=may_unpin>
                    <button type="button" class="secondary small" on:click=move |_| set_pinned((thread, cache), id, false, error)>
                        "Unpin"
                    </button>
                </Show>
            </div>
        </li>
    }
}
