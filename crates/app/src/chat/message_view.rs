//! A thread's messages and its composer: the list opens at the reader's first unread message
//! (under a "New messages" divider) or at the bottom, scrolls upward into history (loading each
//! older page above without moving what the reader sees) and, opened short of the present,
//! downward into newer pages; it follows new messages only while the reader is near the bottom,
//! and otherwise says how many arrived below ("Jump to present").

use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use shared::ids::{MemberId, MessageId};
use shared::live::Thread;
use shared::markup::{parse, plain};
use shared::permissions::Actor;

use super::cache::MessageCache;
use super::composer::Composer;
use super::layout::{Item, lay_out};
use super::message_item::{DeleteMessageModal, MessageItem, PendingItem};
use super::reading::{jump_bar, new_below};
use super::store::Chat;
use super::thread_api;
use super::time::{day_line, local_day};
use super::typing_line::TypingLine;
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
    // `?message=ID` opens the thread at that message (a notification, a link).
    let query = use_query_map();
    let at = Memo::new(move |_| {
        query.with(|q| q.get("message").and_then(|id| id.parse::<MessageId>().ok()))
    });
    let opened = StoredValue::new(false);
    Effect::new(move |first: Option<()>| {
        let at = at.get();
        if first.is_none() {
            chat.open_thread(thread, at);
        } else if at.is_some() {
            opened.set_value(false);
            chat.reopen(thread, at);
        }
    });
    on_cleanup(move || chat.close_thread(thread));
    let focus = Memo::new(move |_| cache.with(MessageCache::focus));

    let current = CurrentServer::get();
    let viewer = Memo::new(move |_| {
        current.details().map(|d| Viewer {
            member_id: d.me.id,
            actor: d.actor(),
            owner: d.members.iter().find(|m| m.is_owner).map(|m| m.id),
        })
    });
    let items = Memo::new(move |_| cache.with(|c| lay_out(c.rows(), c.divider(), local_day)));
    let loaded = Memo::new(move |_| cache.with(MessageCache::is_loaded));
    let load_error = Memo::new(move |_| cache.with(|c| c.load_error().map(str::to_owned)));
    let has_older = Memo::new(move |_| cache.with(MessageCache::has_older));
    let short_of_present = Memo::new(move |_| cache.with(MessageCache::has_newer));
    let announced = announce_arrivals(items, viewer);
    let editing = RwSignal::new(None::<MessageId>);
    let deleting = RwSignal::new(None::<shared::messages::Message>);
    let replying = RwSignal::new(None::<shared::messages::Message>);

    let scroller = NodeRef::<Div>::new();
    let near_bottom = StoredValue::new(true);
    // The same, for the unread marks and the jump bar: read at the bottom, what arrives is read.
    let at_bottom = RwSignal::new(true);
    // Marked unread by hand: not read again until the reader sends or comes back.
    let kept_unread = RwSignal::new(false);
    read_while_at_bottom(thread, cache, loaded, at_bottom, kept_unread);
    let mark_unread = Callback::new(move |message: MessageId| {
        kept_unread.set(true);
        cache.update(|c| c.set_divider(message));
        spawn_local(async move {
            let (channel_id, conversation_id) = thread.parts();
            let _ = crate::unread::api::mark_unread(channel_id, conversation_id, message).await;
        });
    });
    let loading_older = RwSignal::new(false);
    let loading_newer = RwSignal::new(false);
    let older_error = RwSignal::new(None::<String>);

    // The newest message the reader saw at the bottom; what is newer is new to them.
    let seen = RwSignal::new(None::<MessageId>);
    let newest =
        move || items.with_untracked(|items| items.iter().rev().find_map(Item::message_id));
    let bar = Memo::new(move |_| {
        let me = viewer.get().map(|v| v.member_id);
        let below = items.with(|items| {
            let stored = items.iter().filter_map(|item| match item {
                Item::Stored { message, .. } => Some((message.id, message.author.member_id)),
                _ => None,
            });
            new_below(stored, seen.get(), me)
        });
        let arrived = cache.with(MessageCache::arrived);
        jump_bar(short_of_present.get(), arrived, below, at_bottom.get())
    });

    // Where the reader is, after any scroll.
    let measure = move || {
        let Some(el) = scroller.try_get_untracked().flatten() else {
            return;
        };
        let from_bottom = el.scroll_height() - el.scroll_top() - el.client_height();
        let bottom = from_bottom < STICK_PX;
        near_bottom.set_value(bottom);
        if at_bottom.get_untracked() != bottom {
            at_bottom.set(bottom);
        }
        if bottom && !short_of_present.get_untracked() {
            seen.set(newest());
        }
    };

    // New rows: the first time, open at the message asked for or the divider, if any; then stay
    // at the bottom if the reader was there (and the pages reach the present).
    Effect::new(move |_| {
        items.track();
        if !opened.get_value() && loaded.get_untracked() {
            opened.set_value(true);
            seen.set(newest());
            let target = cache.with_untracked(|c| {
                c.focus()
                    .map(|id| format!("#message-{id}"))
                    .or(c.divider().map(|_| ".new-divider".to_owned()))
            });
            if let Some(selector) = target {
                near_bottom.set_value(false);
                request_animation_frame(move || {
                    let el = scroller.try_get_untracked().flatten();
                    if let Some(Ok(Some(row))) = el.map(|el| el.query_selector(&selector)) {
                        row.scroll_into_view_with_bool(true);
                    }
                    measure();
                });
                return;
            }
        }
        if near_bottom.get_value() && !short_of_present.get_untracked() {
            seen.set(newest());
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
    let load_newer = move || {
        let Some(after) = cache.with_untracked(MessageCache::after) else {
            return;
        };
        if loading_newer.get_untracked() {
            return;
        }
        loading_newer.set(true);
        spawn_local(async move {
            match thread_api::newer(thread, after).await {
                Ok(page) => {
                    // At the present: catch up on what arrived meanwhile.
                    if cache.try_update(|c| c.append_newer(page)) == Some(true) {
                        chat.sync(thread);
                    }
                }
                Err(e) => older_error.set(Some(e.to_string())),
            }
            loading_newer.set(false);
        });
    };
    let jump_to_present = move || {
        near_bottom.set_value(true);
        if !cache.with_untracked(MessageCache::has_newer) {
            if let Some(el) = scroller.get_untracked() {
                el.set_scroll_top(el.scroll_height());
            }
            return;
        }
        spawn_local(async move {
            match thread_api::history(thread, None).await {
                Ok(page) => {
                    cache.update(|c| c.load_newest(page));
                    chat.sync(thread);
                }
                Err(e) => older_error.set(Some(e.to_string())),
            }
        });
    };
    let on_scroll = move |_| {
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        measure();
        if el.scroll_top() < LOAD_OLDER_PX && has_older.get_untracked() {
            load_older();
        }
        let from_bottom = el.scroll_height() - el.scroll_top() - el.client_height();
        if from_bottom < LOAD_OLDER_PX && short_of_present.get_untracked() {
            load_newer();
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
            {move || older_error.get().map(|e| view! {
                <p class="form-error" role="alert">
                    {format!("Couldn't load messages: {e} ")}
                    <button type="button" class="secondary small" on:click=move |_| load_older()>"Retry"</button>
                </p>
            })}
            <Show when=move || loaded.get() && !has_older.get()>
                <section class="channel-start">{start.run()}</section>
            </Show>
            <Show when=move || !loaded.get()>
                {move || match load_error.get() {
                    Some(e) => view! {
                        <div class="load-failed" role="alert">
                            <p>
                                "Couldn't load messages. "
                                <button
                                    type="button"
                                    class="secondary small"
                                    on:click=move |_| {
                                        cache.update(MessageCache::clear_load_error);
                                        chat.sync(thread);
                                    }
                                >
                                    "Retry"
                                </button>
                            </p>
                            <p class="hint">{e}</p>
                        </div>
                    }
                    .into_any(),
                    None => view! { <p class="loading" role="status">"Loading messages…"</p> }.into_any(),
                }}
            </Show>
            <ol class="message-list" aria-label="Messages">
                <For each=move || items.get() key=Item::key let:item>
                    {match item {
                        Item::Stored { message, grouped } => view! {
                            <MessageItem thread message=*message grouped cache viewer editing deleting replying mark_unread focus />
                        }
                        .into_any(),
                        Item::Pending(pending) => view! { <PendingItem thread pending cache /> }.into_any(),
                        Item::Divider => view! {
                            <li class="new-divider" role="separator" aria-label="New messages">
                                <span>"New messages"</span>
                            </li>
                        }
                        .into_any(),
                        Item::Day(day) => {
                            let line = day_line(day);
                            let label = line.clone();
                            view! {
                                <li class="day-divider" role="separator" aria-label=label>
                                    <span>{line}</span>
                                </li>
                            }
                            .into_any()
                        }
                    }}
                </For>
            </ol>
            <Show when=move || loading_newer.get()>
                <p class="loading" role="status">"Loading newer messages…"</p>
            </Show>
        </div>
        <TypingLine thread />
        <div class="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="announcer">
            {move || announced.get()}
        </div>
        {move || bar.get().map(|text| view! {
            <div class="jump-bar" role="status">
                <span>{text}</span>
                <button type="button" class="link-button" on:click=move |_| jump_to_present()>
                    "Jump to present"
                </button>
            </div>
        })}
        <Composer thread cache label=composer_label on_sent=Callback::new(move |()| {
            // A message sent shows at the present, read.
            jump_to_present();
            at_bottom.set(true);
            kept_unread.set(false);
        }) on_edit_last=Callback::new(move |()| {
            let Some(me) = viewer.get_untracked().map(|v| v.member_id) else {
                return;
            };
            let last = items.with_untracked(|items| last_own(items, me));
            if let Some(id) = last {
                editing.set(Some(id));
                request_animation_frame(move || {
                    let el = scroller.try_get_untracked().flatten();
                    if let Some(Ok(Some(row))) = el.map(|el| el.query_selector(&format!("#message-{id}"))) {
                        row.scroll_into_view_with_bool(false);
                    }
                });
            }
        }) replying />
        {move || {
            deleting
                .get()
                .map(|message| view! { <DeleteMessageModal thread message cache deleting /> })
        }}
    }
}

/// The reader's latest message they can still edit (not deleted, not a call line).
fn last_own(items: &[Item], me: MemberId) -> Option<MessageId> {
    items.iter().rev().find_map(|item| match item {
        Item::Stored { message, .. }
            if message.author.member_id == me && !message.deleted && message.call.is_none() =>
        {
            Some(message.id)
        }
        _ => None,
    })
}

/// While the reader is at the bottom of a loaded thread (reaching the present) with the tab in
/// view, it counts as read (no unread mark) and the server is told how far, half a second after
/// the latest message (a burst, one request). Effects run only in the browser.
fn read_while_at_bottom(
    thread: Thread,
    cache: RwSignal<MessageCache>,
    loaded: Memo<bool>,
    at_bottom: RwSignal<bool>,
    kept_unread: RwSignal<bool>,
) {
    let marks = UnreadMarks::get();
    let latest = Memo::new(move |_| cache.with(MessageCache::last_seq));
    let short_of_present = Memo::new(move |_| cache.with(MessageCache::has_newer));
    let visible = page_visible();
    let pending = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let reading = at_bottom.get()
            && loaded.get()
            && !short_of_present.get()
            && visible.get()
            && !kept_unread.get();
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

/// Whether the page is in view (not a background tab or a minimised window), kept up to date
/// in the browser.
fn page_visible() -> RwSignal<bool> {
    let visible = RwSignal::new(true);
    Effect::new(move |_| {
        let hidden = move || document().hidden();
        visible.set(!hidden());
        let handle = window_event_listener(leptos::ev::visibilitychange, move |_| {
            visible.set(!hidden());
        });
        on_cleanup(move || handle.remove());
    });
    visible
}

/// What a screen reader says, politely, of each new message by someone else arriving at the
/// bottom of the list ("Alice: first line"); not of the first page nor of older ones.
fn announce_arrivals(items: Memo<Vec<Item>>, viewer: Memo<Option<Viewer>>) -> RwSignal<String> {
    let announced = RwSignal::new(String::new());
    let current = CurrentServer::get();
    Effect::new(move |before: Option<Option<MessageId>>| {
        let newest = items.with(|items| {
            items.iter().rev().find_map(|item| match item {
                Item::Stored { message, .. } => Some((**message).clone()),
                _ => None,
            })
        });
        let id = newest.as_ref().map(|m| m.id);
        let me = viewer.get_untracked().map(|v| v.member_id);
        if let (Some(Some(before)), Some(message)) = (before, newest)
            && message.id > before
            && Some(message.author.member_id) != me
        {
            let text = plain(&parse(&message.content), &|m| current.member_name(m));
            let line = text
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("a file");
            announced.set(format!("{}: {line}", message.author.name));
        }
        id
    });
    announced
}
