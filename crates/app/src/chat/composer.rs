//! The message input: Enter sends, Shift+Enter breaks the line; `@` lists members to mention
//! (in channels); an emoji picker and an attach button beside it. Errors (too long, a refused
//! file, a mention not allowed) are shown in place.

use leptos::html::Textarea;
use leptos::prelude::*;
use shared::live::Thread;
use shared::messages::MessageText;

use super::attach::AttachModal;
use super::cache::MessageCache;
use super::emoji_picker::EmojiPicker;
use super::mention_picker::{LIST_ID, MentionList, MentionPicker};
use super::send::send;

#[component]
pub fn Composer(
    thread: Thread,
    cache: RwSignal<MessageCache>,
    label: Signal<String>,
    /// Called after each send (the list then follows it to the bottom).
    on_sent: Callback<()>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let attaching = RwSignal::new(false);
    let input = NodeRef::<Textarea>::new();
    let input_id = "composer";
    let mentions = MentionPicker::new(matches!(thread, Thread::Channel(_)), text, input);
    let submit = move || {
        let content = mentions.encode(&text.get_untracked());
        if content.trim().is_empty() {
            return;
        }
        if let Err(e) = MessageText::parse(&content, false) {
            error.set(Some(e.to_string()));
            return;
        }
        error.set(None);
        text.set(String::new());
        mentions.forget();
        on_sent.run(());
        send(thread, cache, content.trim().to_owned(), None);
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if mentions.on_keydown(&ev) {
            return;
        }
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            submit();
        }
    };
    let insert_emoji = Callback::new(move |emoji: String| {
        text.update(|t| t.push_str(&emoji));
        if let Some(el) = input.get_untracked() {
            let _ = el.focus();
        }
    });
    let sent_file = Callback::new(move |(content, url): (String, String)| {
        attaching.set(false);
        on_sent.run(());
        send(thread, cache, content, Some(url));
    });
    view! {
        <form class="composer" on:submit=move |ev| {
            ev.prevent_default();
            submit();
        }>
            <button type="button" class="icon-button composer-attach" aria-label="Attach a file" on:click=move |_| attaching.set(true)>
                "+"
            </button>
            <label class="visually-hidden" for=input_id>{move || label.get()}</label>
            <MentionList picker=mentions />
            <textarea
                id=input_id
                node_ref=input
                rows="1"
                placeholder=move || label.get()
                aria-autocomplete="list"
                aria-controls=LIST_ID
                aria-expanded=move || mentions.is_open().to_string()
                aria-activedescendant=move || mentions.active_option()
                prop:value=move || text.get()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    mentions.follow_caret();
                }
                on:click=move |_| mentions.follow_caret()
                on:keyup=move |ev| {
                    if matches!(ev.key().as_str(), "ArrowLeft" | "ArrowRight" | "Home" | "End") {
                        mentions.follow_caret();
                    }
                }
                on:keydown=on_keydown
            ></textarea>
            <EmojiPicker on_pick=insert_emoji />
            <button type="submit" class="primary small">"Send"</button>
        </form>
        {move || error.get().map(|e| view! { <p class="form-error composer-error" role="alert">{e}</p> })}
        <Show when=move || attaching.get()>
            <AttachModal on_close=Callback::new(move |()| attaching.set(false)) on_send=sent_file />
        </Show>
    }
}
