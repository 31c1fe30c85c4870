//! One message in the list: author, role icon, time, text or attachment, and the actions the
//! reader may take on it (inline edit, delete with confirmation); and the rows of sends still on
//! their way.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use shared::ids::{MemberId, MessageId};
use shared::live::Thread;
use shared::mentions::{Mentions, decode, encode};
use shared::messages::{CallLine, DELETED_TEXT, Message};
use shared::permissions::{Action, can};

use super::cache::{MessageCache, Pending};
use super::message_text::MessageText;
use super::message_view::Viewer;
use super::pins::{PinAction, may_pin};
use super::reactions::{AddReaction, Reactions};
use super::reply::ReplyQuote;
use super::send;
use super::store::Chat;
use super::thread_api;
use super::time::{Today, clock, local_date_time, stamp};
use crate::communities::{CurrentServer, RoleBadge, conversation_path};
use crate::ui::{Avatar, Glyph, Icon, Modal};

#[component]
pub fn MessageItem(
    thread: Thread,
    message: Message,
    /// Under the header of the message above (same author, minutes apart): no avatar or name.
    grouped: bool,
    cache: RwSignal<MessageCache>,
    viewer: Memo<Option<Viewer>>,
    editing: RwSignal<Option<MessageId>>,
    deleting: RwSignal<Option<Message>>,
    /// The message the composer answers (set by Reply).
    replying: RwSignal<Option<Message>>,
    /// "Mark unread" from this message on.
    mark_unread: Callback<MessageId>,
    /// The message the thread was opened at, shown highlighted.
    focus: Memo<Option<MessageId>>,
) -> impl IntoView {
    if let Some(line) = message.call {
        return view! { <CallLineItem message line /> }.into_any();
    }
    let id = message.id;
    let deleted = message.deleted;
    let author = message.author.clone();
    let own = move || {
        viewer
            .get()
            .is_some_and(|v| v.member_id == author.member_id)
    };
    let may_edit = move || {
        !deleted
            && viewer
                .get()
                .is_some_and(|v| can(v.actor, Action::EditMessage { own: own() }))
    };
    let direct = matches!(thread, Thread::Conversation(_));
    let may_delete = move || {
        !deleted
            && viewer
                .get()
                .is_some_and(|v| can(v.actor, Action::DeleteMessage { own: own(), direct }))
    };
    let is_owner = move || {
        viewer
            .get()
            .is_some_and(|v| v.owner == Some(author.member_id))
    };
    let role = author.role;
    let current = CurrentServer::get();
    let dm_path = move || {
        current
            .id
            .get()
            .map(|server_id| conversation_path(server_id, author.member_id))
    };
    let name = author.name.clone();
    let body = message.clone();
    let me = Signal::derive(move || viewer.get().map(|v| v.member_id));
    let mentions = Mentions::of(&message.content);
    let edited = message.edited && !deleted;
    let reaction_error = RwSignal::new(None::<String>);
    let mentions_me = move || !deleted && me.get().is_some_and(|me| mentions.includes(me));
    view! {
        <li
            class="message"
            class:grouped=grouped
            id=format!("message-{id}")
            class:deleted=deleted
            class:mentions-me=mentions_me
            class:focused=move || focus.get() == Some(id)
            data-testid="message"
        >
            {if grouped {
                view! {
                    <time class="gutter-time" datetime=message.created_at.to_rfc3339() title=local_date_time(message.created_at)>
                        {clock(message.created_at)}
                    </time>
                }
                .into_any()
            } else {
                view! { <Avatar name=author.name.clone() image_url=author.image_url.clone() /> }.into_any()
            }}
            <div class="message-main">
                {message.reply.clone().map(|reply| view! { <ReplyQuote reply me cache /> })}
                {(!grouped).then(|| view! {
                    <div class="message-meta">
                        {move || {
                            let name = name.clone();
                            if own() {
                                view! { <span class="message-author">{name}</span> }.into_any()
                            } else {
                                view! {
                                    <A href=move || dm_path().unwrap_or_default() attr:class="message-author" attr:title="Send a direct message">
                                        {name}
                                    </A>
                                }
                                .into_any()
                            }
                        }}
                        {move || view! { <RoleBadge role is_owner=is_owner() /> }}
                        <MessageStamp at=message.created_at />
                        {edited.then(|| view! { <span class="edited">"(edited)"</span> })}
                    </div>
                })}
                {move || {
                    if editing.get() == Some(id) {
                        view! { <EditMessage thread message=body.clone() cache editing /> }.into_any()
                    } else {
                        view! { <MessageBody message=body.clone() me /> }.into_any()
                    }
                }}
                {(grouped && edited).then(|| view! { <span class="edited">"(edited)"</span> })}
                {message.pinned.then(|| view! { <span class="pinned-mark">"Pinned"</span> })}
                <Reactions thread message=id reactions=message.reactions.clone() cache me error=reaction_error />
                {move || reaction_error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            </div>
            <div class="message-actions">
                {(!deleted).then(|| view! { <AddReaction thread message=id cache error=reaction_error /> })}
                {(!deleted).then(|| {
                    let answered = message.clone();
                    view! {
                        <button
                            type="button"
                            class="icon-button"
                            aria-label="Reply"
                            title="Reply"
                            on:click=move |_| {
                                replying.set(Some(answered.clone()));
                                focus_composer();
                            }
                        >
                            "↩"
                        </button>
                    }
                })}
                <button type="button" class="icon-button" aria-label="Mark unread" on:click=move |_| mark_unread.run(id)>
                    <Icon glyph=Glyph::Unread />
                </button>
                {(!deleted).then(|| view! {
                    <Show when=may_pin(thread)>
                        <PinAction thread message=id pinned=message.pinned error=reaction_error />
                    </Show>
                })}
                <Show when=may_edit>
                    <button type="button" class="icon-button" aria-label="Edit message" on:click=move |_| editing.set(Some(id))>
                        <Icon glyph=Glyph::Pencil />
                    </button>
                </Show>
                <Show when=may_delete>
                    {
                        let message = message.clone();
                        view! {
                            <button
                                type="button"
                                class="icon-button"
                                aria-label="Delete message"
                                on:click=move |_| deleting.set(Some(message.clone()))
                            >
                                <Icon glyph=Glyph::Trash />
                            </button>
                        }
                    }
                </Show>
            </div>
        </li>
    }
    .into_any()
}

/// A line the server wrote about a direct call: who called, what became of it, when.
#[component]
fn CallLineItem(message: Message, line: CallLine) -> impl IntoView {
    let missed = line == CallLine::Missed;
    view! {
        <li class="message call-line" class:missed=missed data-testid="message">
            <span class="call-line-icon" aria-hidden="true"><Icon glyph=Glyph::Camera /></span>
            <p class="message-text">
                {line.words()}
                <span class="call-line-by">{format!(" — {} called", message.author.name)}</span>
            </p>
            <MessageStamp at=message.created_at />
        </li>
    }
}

/// When a message was written, in words that stay right past midnight.
#[component]
fn MessageStamp(at: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    let today = Today::get();
    view! {
        <time datetime=at.to_rfc3339() title=local_date_time(at)>
            {move || stamp(at, today.day())}
        </time>
    }
}

/// The text, or the attachment: images as a thumbnail that opens full size, PDFs as a link.
#[component]
fn MessageBody(message: Message, me: Signal<Option<MemberId>>) -> impl IntoView {
    if message.deleted {
        return view! { <p class="message-text deleted-text"><em>{DELETED_TEXT}</em></p> }
            .into_any();
    }
    let file = message.file_url.clone().map(|url| {
        if url.ends_with(".pdf") {
            let name = url.rsplit('/').next().unwrap_or("document.pdf").to_owned();
            view! {
                <a class="attachment-file" href=url target="_blank" rel="noopener">
                    {format!("PDF: {name}")}
                </a>
            }
            .into_any()
        } else {
            let src = url.clone();
            view! {
                <a class="attachment-image" href=url target="_blank" rel="noopener" title="Open full size">
                    <img src=src alt="Image attachment" loading="lazy" />
                </a>
            }
            .into_any()
        }
    });
    view! {
        {(!message.content.is_empty()).then(|| view! { <MessageText content=message.content.clone() me /> })}
        {file}
    }
    .into_any()
}

/// Editing in place: Enter saves, Shift+Enter breaks the line, Escape cancels.
#[component]
fn EditMessage(
    thread: Thread,
    message: Message,
    cache: RwSignal<MessageCache>,
    editing: RwSignal<Option<MessageId>>,
) -> impl IntoView {
    // Mentions read as `@Name` while editing, and go back to the same members on saving.
    let current = CurrentServer::get();
    let (shown, named) = decode(&message.content, |m| current.member_name(m));
    let text = RwSignal::new(shown);
    let named = StoredValue::new(named);
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let id = message.id;
    let has_file = message.file_url.is_some();
    let input_id = format!("edit-{id}");
    let input = NodeRef::<leptos::html::Textarea>::new();
    // Opened (by its button or Up in the composer): the caret goes to the end of the text.
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
            let end = el.value().encode_utf16().count() as u32;
            let _ = el.set_selection_range(end, end);
        }
    });
    let close = move || {
        editing.set(None);
        focus_composer();
    };
    let save = move || {
        let content = named.with_value(|named| encode(&text.get_untracked(), named));
        if let Err(e) = shared::messages::MessageText::parse(&content, has_file) {
            error.set(Some(e.to_string()));
            return;
        }
        saving.set(true);
        spawn_local(async move {
            match thread_api::edit(thread, id, content).await {
                Ok(stored) => {
                    cache.update(|c| c.changed(stored));
                    close();
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            saving.set(false);
        });
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" if !ev.shift_key() => {
            ev.prevent_default();
            save();
        }
        "Escape" => close(),
        _ => {}
    };
    view! {
        <div class="edit-message">
            <label class="visually-hidden" for=input_id.clone()>"Edit message"</label>
            <textarea
                id=input_id
                rows="2"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                node_ref=input
                on:keydown=on_keydown
                disabled=move || saving.get()
            ></textarea>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <p class="hint">
                "Escape to "
                <button type="button" class="link-button" on:click=move |_| close()>"cancel"</button>
                " · Enter to "
                <button type="button" class="link-button" on:click=move |_| save()>"save"</button>
            </p>
        </div>
    }
}

/// A send on its way ("Sending…"), or failed with its error and "Retry".
#[component]
pub fn PendingItem(
    thread: Thread,
    pending: Pending,
    cache: RwSignal<MessageCache>,
) -> impl IntoView {
    let chat = Chat::get();
    let nonce = pending.nonce;
    let failed = pending.failed.clone();
    let is_failed = failed.is_some();
    view! {
        <li class="message pending" class:failed=is_failed data-testid="message">
            <div class="message-main">
                {(!pending.content.is_empty()).then(|| view! { <MessageText content=pending.content.clone() me=None /> })}
                {match failed {
                    None if pending.waiting => view! {
                        <p class="hint waiting" role="status">"Waiting for network — it will be sent when you are back online"</p>
                    }
                    .into_any(),
                    None => view! { <p class="hint" role="status">"Sending…"</p> }.into_any(),
                    Some(error) => view! {
                        <p class="form-error" role="alert">
                            {format!("Not sent: {error} ")}
                            <button
                                type="button"
                                class="secondary small"
                                on:click=move |_| send::retry(chat, thread, cache, nonce)
                            >
                                "Retry"
                            </button>
                        </p>
                    }
                    .into_any(),
                }}
            </div>
        </li>
    }
}

/// Puts the caret back in the composer (an edit closed from the keyboard).
fn focus_composer() {
    #[cfg(feature = "browser")]
    {
        use wasm_bindgen::JsCast;
        let composer = document()
            .get_element_by_id("composer")
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(el) = composer {
            let _ = el.focus();
        }
    }
}

#[component]
pub fn DeleteMessageModal(
    thread: Thread,
    message: Message,
    cache: RwSignal<MessageCache>,
    deleting: RwSignal<Option<Message>>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let working = RwSignal::new(false);
    let id = message.id;
    let confirm = move |_| {
        working.set(true);
        spawn_local(async move {
            match thread_api::delete(thread, id).await {
                Ok(stored) => {
                    cache.update(|c| c.changed(stored));
                    deleting.set(None);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            working.set(false);
        });
    };
    let current = CurrentServer::get();
    let preview = if message.content.is_empty() {
        "(attachment)".to_owned()
    } else {
        decode(&message.content, |m| current.member_name(m)).0
    };
    view! {
        <Modal title="Delete message" on_close=Callback::new(move |()| deleting.set(None))>
            <p>"Are you sure? The message will be removed for everyone."</p>
            <blockquote class="delete-preview">
                <strong>{message.author.name.clone()}</strong>
                " "
                {preview}
            </blockquote>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <div class="modal-actions">
                <button type="button" class="secondary" on:click=move |_| deleting.set(None)>"Cancel"</button>
                <button type="button" class="danger" disabled=move || working.get() on:click=confirm>"Delete"</button>
            </div>
        </Modal>
    }
}
