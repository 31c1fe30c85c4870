//! A thread's messages and its composer: the list scrolls upward into history (loading each
//! older page above without moving what the reader sees) and follows new messages only while the
//! reader is near the bottom.

use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::ids::{MemberId, MessageId};
use shared::live::Thread;
use shared::permissions::Actor;
use uuid::Uuid;

use super::cache::{MessageCache, Pending, Row};
use super::composer::Composer;
use super::message_item::{DeleteMessageModal, MessageItem, PendingItem};
use super::store::Chat;
use super::thread_api;
use crate::communities::CurrentServer;
use crate::unread::UnreadMarks;

/// How close to the bottom (in pixels) the reader must be for new messages to scroll into view.
const STICK_PX: i32 = 100;
/// How long after the latest message a thread read at its bottom is marked read.
const MARK_READ_AFTER: std::time::Duration = std::time::Duration::from_millis(500);
/// How close to the top (in pixels) scrolling must come to load the next older page.
const LOAD_OLDER_PX: i32 = 200;

/// Who is reading, for the hover actions and role icons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub member_id: MemberId,
    pub actor: Actor,
    pub owner: Option<MemberId>,
}

/// One row of the list, owned, oldest first.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    Stored(shared::messages::Message),
    Pending(Pending),
}

impl Item {
    fn key(&self) -> (Uuid, i64) {
        match self {
            Item::Stored(m) => (m.id.0, m.seq),
            Item::Pending(p) => (p.nonce, if p.failed.is_some() { -2 } else { -1 }),
        }
    }
}

#[component]
pub fn MessageView(
    thread: Thread,
    /// What the composer's label says, e.g. "Message #general".
    #[prop(into)]
    composer_label: Signal<String>,
    /// The welcome banner shown once the start of the thread is reached.
    #[prop(into)]
    start: ViewFn,
) -> impl IntoView {
    let chat = Chat::get();
    let cache = chat.cache(thread);
    Effect::new(move |_| chat.open_thread(thread));
    on_cleanup(move || chat.close_thread(thread));

    let current = CurrentServer::get();
    let viewer = Memo::new(move |_| {
        current.details().map(|d| Viewer {
            member_id: d.me.id,
            actor: d.actor(),
            owner: d.members.iter().find(|m| m.is_owner).map(|m| m.id),
        })
    });
    let items = Memo::new(move |_| {
        cache.with(|c| {
            let mut items: Vec<Item> = c
                .rows()
                .map(|row| match row {
                    Row::Pending(p) => Item::Pending(p.clone()),
                    Row::Stored(m) => Item::Stored(m.clone()),
                })
                .collect();
            items.reverse();
            items
        })
    });
    let loaded = Memo::new(move |_| cache.with(MessageCache::is_loaded));
    let has_older = Memo::new(move |_| cache.with(MessageCache::has_older));
    let editing = RwSignal::new(None::<MessageId>);
    let deleting = RwSignal::new(None::<shared::messages::Message>);

    let scroller = NodeRef::<Div>::new();
    let near_bottom = StoredValue::new(true);
    // The same, for the unread marks: read at the bottom, what arrives is read.
    let at_bottom = RwSignal::new(true);
    read_while_at_bottom(thread, cache, loaded, at_bottom);
    let loading_older = RwSignal::new(false);
    let older_error = RwSignal::new(None::<String>);

    // New rows: stay at the bottom if the reader was there.
    Effect::new(move |_| {
        items.track();
        if near_bottom.get_value() {
            // A frame later the view may be gone (the reader left the channel).
            request_animation_frame(move || {
                if let Some(el) = scroller.try_get_untracked().flatten() {
                    el.set_scroll_top(el.scroll_height());
                }
            });
        }
    });

    let load_older = move || {
        let Some(before) = cache.with_untracked(MessageCache::before) else {
            return;
        };
        if loading_older.get_untracked() {
            return;
        }
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        loading_older.set(true);
        older_error.set(None);
        let (height, top) = (el.scroll_height(), el.scroll_top());
        spawn_local(async move {
            match thread_api::history(thread, Some(before)).await {
                Ok(page) => {
                    cache.update(|c| c.append_older(page));
                    // Keep what the reader sees where it was: move down by what was added above.
                    request_animation_frame(move || {
                        el.set_scroll_top(top + el.scroll_height() - height);
                    });
                }
                Err(e) => older_error.set(Some(e.to_string())),
            }
            loading_older.set(false);
        });
    };
    let on_scroll = move |_| {
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        let from_bottom = el.scroll_height() - el.scroll_top() - el.client_height();
        near_bottom.set_value(from_bottom < STICK_PX);
        if at_bottom.get_untracked() != (from_bottom < STICK_PX) {
            at_bottom.set(from_bottom < STICK_PX);
        }
        if el.scroll_top() < LOAD_OLDER_PX && has_older.get_untracked() {
            load_older();
        }
    };

    view! {
        <div class="message-scroll" node_ref=scroller on:scroll=on_scroll>
            <Show when=move || has_older.get()>
                <div class="load-older">
                    <button
                        type="button"
                        class="secondary small"
                        disabled=move || loading_older.get()
                        on:click=move |_| load_older()
                    >
                        {move || if loading_older.get() { "Loading…" } else { "Load previous messages" }}
                    </button>
                </div>
            </Show>
            {move || older_error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <Show when=move || loaded.get() && !has_older.get()>
                <section class="channel-start">{start.run()}</section>
            </Show>
            <Show when=move || !loaded.get()>
                <p class="loading" role="status">"Loading messages…"</p>
            </Show>
            <ol class="message-list" aria-label="Messages">
                <For each=move || items.get() key=Item::key let:item>
                    {match item {
                        Item::Stored(message) => view! {
                            <MessageItem thread message cache viewer editing deleting />
                        }
                        .into_any(),
                        Item::Pending(pending) => view! { <PendingItem thread pending cache /> }.into_any(),
                    }}
                </For>
            </ol>
        </div>
        <Composer thread cache label=composer_label on_sent=Callback::new(move |()| {
            near_bottom.set_value(true);
            at_bottom.set(true);
        }) />
        {move || {
            deleting
                .get()
                .map(|message| view! { <DeleteMessageModal thread message cache deleting /> })
        }}
    }
}

/// While the reader is at the bottom of a loaded thread, it counts as read (no unread mark) and
/// the server is told how far, half a second after the latest message (a burst, one request).
/// Effects run only in the browser.
fn read_while_at_bottom(
    thread: Thread,
    cache: RwSignal<MessageCache>,
    loaded: Memo<bool>,
    at_bottom: RwSignal<bool>,
) {
    let marks = UnreadMarks::get();
    let latest = Memo::new(move |_| cache.with(MessageCache::last_seq));
    let pending = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let reading = at_bottom.get() && loaded.get();
        marks.set_viewing(reading.then_some(thread));
        let seq = latest.get();
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        if !reading || seq <= 0 {
            return;
        }
        let mark = move || {
            let (channel_id, conversation_id) = thread.parts();
            spawn_local(async move {
                let _ = crate::unread::api::mark_read(channel_id, conversation_id, seq).await;
            });
        };
        pending.set_value(set_timeout_with_handle(mark, MARK_READ_AFTER).ok());
    });
    on_cleanup(move || marks.set_viewing(None));
}
