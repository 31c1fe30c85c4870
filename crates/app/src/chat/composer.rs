//! The message input: Enter sends, Shift+Enter breaks the line, Up in an empty input edits the
//! reader's last message, Escape drops the reply being written; `@` lists members to mention
//! (in channels); an emoji picker (inserting at the caret) and an attach button beside it. What
//! is being written is kept per thread in this browser until sent. Errors (too long, a refused
//! file, a mention not allowed) are shown in place.

use leptos::html::Textarea;
use leptos::prelude::*;
use shared::live::Thread;
use shared::messages::{Message, MessageText};

use super::attach::AttachModal;
use super::cache::MessageCache;
use super::draft::{self, Draft};
use super::emoji_picker::EmojiPicker;
use super::mention_picker::{LIST_ID, MentionList, MentionPicker};
use super::mention_query::{byte_offset, utf16_offset};
use super::reply::ReplyBar;
use super::send::send;
use super::store::Chat;

#[component]
pub fn Composer(
    thread: Thread,
    cache: RwSignal<MessageCache>,
    label: Signal<String>,
    /// Called after each send (the list then follows it to the bottom).
    on_sent: Callback<()>,
    /// Up in an empty input: edit the reader's last message.
    on_edit_last: Callback<()>,
    /// The message being answered, if any (set by a message's Reply).
    replying: RwSignal<Option<Message>>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let attaching = RwSignal::new(false);
    let input = NodeRef::<Textarea>::new();
    let input_id = "composer";
    let mentions = MentionPicker::new(matches!(thread, Thread::Channel(_)), text, input);
    let chat = Chat::get();
    // The draft kept in this browser (effects run only there, after hydration).
    Effect::new(move |_| {
        if let Some(kept) = draft::load(thread) {
            text.set(kept.text);
            mentions.restore(kept.picked);
        }
    });
    let keep_draft = move || {
        let kept = Draft {
            text: text.get_untracked(),
            picked: mentions.picked(),
        };
        draft::save(thread, &kept);
    };
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
        keep_draft();
        on_sent.run(());
        let reply_to = replying.get_untracked().map(|m| m.id);
        replying.set(None);
        send(
            chat,
            thread,
            cache,
            content.trim().to_owned(),
            None,
            reply_to,
        );
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if mentions.on_keydown(&ev) {
            return;
        }
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            submit();
        } else if ev.key() == "ArrowUp" && text.with_untracked(String::is_empty) {
            ev.prevent_default();
            on_edit_last.run(());
        } else if ev.key() == "Escape" && replying.with_untracked(Option::is_some) {
            ev.prevent_default();
            replying.set(None);
        }
    };
    let insert_emoji = Callback::new(move |emoji: String| {
        let Some(el) = input.get_untracked() else {
            return;
        };
        let current = text.get_untracked();
        let at = |offset: Result<Option<u32>, _>| {
            offset.ok().flatten().map(|o| byte_offset(&current, o))
        };
        let start = at(el.selection_start()).unwrap_or(current.len());
        let end = at(el.selection_end()).unwrap_or(start);
        let (written, caret) = splice(&current, start, end, &emoji);
        text.set(written.clone());
        keep_draft();
        el.set_value(&written);
        let caret = utf16_offset(&written, caret);
        let _ = el.set_selection_range(caret, caret);
        let _ = el.focus();
    });
    let sent_file = Callback::new(move |(content, url): (String, String)| {
        attaching.set(false);
        on_sent.run(());
        let reply_to = replying.get_untracked().map(|m| m.id);
        replying.set(None);
        send(chat, thread, cache, content, Some(url), reply_to);
    });
    view! {
        <ReplyBar replying />
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
                    let written = event_target_value(&ev);
                    if !written.trim().is_empty() {
                        chat.say_typing(thread);
                    }
                    text.set(written);
                    keep_draft();
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

/// `text` with the bytes `start..end` replaced by `piece`, and the byte offset just after it.
fn splice(text: &str, start: usize, end: usize, piece: &str) -> (String, usize) {
    let start = start.min(text.len());
    let end = end.clamp(start, text.len());
    let (Some(before), Some(after)) = (text.get(..start), text.get(end..)) else {
        return (format!("{text}{piece}"), text.len() + piece.len());
    };
    (format!("{before}{piece}{after}"), start + piece.len())
}

#[cfg(test)]
mod tests {
    use super::splice;

    #[test]
    fn an_emoji_goes_where_the_caret_is() {
        assert_eq!(splice("ab", 1, 1, "😀"), ("a😀b".to_owned(), 5));
        assert_eq!(splice("abc", 1, 2, "😀"), ("a😀c".to_owned(), 5));
        assert_eq!(splice("", 0, 0, "😀"), ("😀".to_owned(), 4));
        assert_eq!(splice("ab", 9, 9, "!"), ("ab!".to_owned(), 3));
        // Not on a character boundary (a stale caret): added at the end.
        assert_eq!(splice("é", 1, 1, "!"), ("é!".to_owned(), 3));
    }
}
