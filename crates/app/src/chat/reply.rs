//! Replies: the one-line quote a reply shows of the message it answers (clicking it goes to
//! that message, loading the history around it when it is not on screen), and the bar above the
//! composer while writing one (Escape or × cancels).

use leptos::prelude::*;
use shared::ids::MemberId;
use shared::markup::{parse, plain};
use shared::messages::{Message, ReplyTo};

use super::cache::MessageCache;
use super::jump::go_to_message;
use crate::communities::CurrentServer;

/// The quote as the original now is, when this view holds it (edited or deleted since the
/// reply was read).
fn as_now(reply: &ReplyTo, original: Option<&Message>) -> ReplyTo {
    match original {
        Some(m) => ReplyTo {
            text: m.content.chars().take(ReplyTo::MAX_CHARS).collect(),
            deleted: m.deleted,
            file: m.file_url.is_some(),
            ..reply.clone()
        },
        None => reply.clone(),
    }
}

/// What the quote says of the original.
fn line(reply: &ReplyTo, name: impl Fn(MemberId) -> Option<String>) -> String {
    if reply.deleted {
        return "Original message was deleted".to_owned();
    }
    let text = plain(&parse(&reply.text), &name);
    match text.lines().find(|l| !l.trim().is_empty()) {
        Some(first) => first.to_owned(),
        None if reply.file => "Click to see attachment".to_owned(),
        None => String::new(),
    }
}

#[component]
pub fn ReplyQuote(
    reply: ReplyTo,
    /// The reader's membership: a reply to them stands out.
    me: Signal<Option<MemberId>>,
    /// The thread's messages: the quote follows the original's edits and deletion live.
    cache: RwSignal<MessageCache>,
) -> impl IntoView {
    let current = CurrentServer::get();
    let go_to = go_to_message();
    let target = reply.id;
    let author = reply.author;
    let quote = {
        let reply = reply.clone();
        Memo::new(move |_| cache.with(|c| as_now(&reply, c.find(target))))
    };
    let words = move || quote.with(|q| line(q, |m| current.member_name(m)));
    let label = {
        let name = reply.author_name.clone();
        move || format!("Replying to {name}: {}. Go to that message", words())
    };
    let go = move |_| go_to(target);
    view! {
        <button
            type="button"
            class="reply-quote"
            class:reply-to-me=move || me.get() == Some(author)
            aria-label=label
            on:click=go
        >
            <span class="reply-author">{format!("@{}", reply.author_name)}</span>
            <span class="reply-line" class:reply-deleted=move || quote.with(|q| q.deleted)>{words}</span>
        </button>
    }
}

/// Above the composer while a reply is being written.
#[component]
pub fn ReplyBar(replying: RwSignal<Option<Message>>) -> impl IntoView {
    move || {
        replying.get().map(|message| {
            view! {
                <div class="reply-bar" role="status">
                    <span>"Replying to " <strong>{message.author.name}</strong></span>
                    <button
                        type="button"
                        class="icon-button"
                        aria-label="Cancel reply"
                        on:click=move |_| replying.set(None)
                    >
                        "×"
                    </button>
                </div>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{as_now, line};
    use shared::ids::{MemberId, MessageId};
    use shared::mentions::token;
    use shared::messages::ReplyTo;
    use uuid::Uuid;

    fn reply(text: &str, deleted: bool, file: bool) -> ReplyTo {
        ReplyTo {
            id: MessageId(Uuid::nil()),
            author: MemberId(Uuid::nil()),
            author_name: "Ann".into(),
            text: text.into(),
            deleted,
            file,
        }
    }

    #[test]
    fn the_quote_is_the_first_line_as_read() {
        let bob = MemberId(Uuid::from_u128(2));
        let name = |m: MemberId| (m == bob).then(|| "Bob".to_owned());
        let text = format!("\n**hey** {} ||spoiler||\nsecond", token(bob));
        assert_eq!(
            line(&reply(&text, false, false), name),
            "hey @Bob (spoiler)"
        );
        assert_eq!(
            line(&reply("", true, false), name),
            "Original message was deleted"
        );
        assert_eq!(
            line(&reply("", false, true), name),
            "Click to see attachment"
        );
    }

    #[test]
    fn the_quote_follows_the_original_when_it_is_held() {
        let quoted = reply("first words", false, false);
        let mut original = shared::messages::Message {
            id: quoted.id,
            seq: 9,
            content: "edited words".into(),
            file_url: None,
            deleted: false,
            edited: true,
            created_at: chrono::Utc::now(),
            author: shared::messages::Author {
                member_id: quoted.author,
                profile_id: shared::ids::ProfileId(Uuid::nil()),
                name: "Ann".into(),
                image_url: None,
                role: shared::permissions::Role::Guest,
            },
            nonce: Uuid::nil(),
            call: None,
            reactions: Vec::new(),
            reply: None,
            pinned: false,
        };
        assert_eq!(as_now(&quoted, None), quoted, "not held: as read");
        assert_eq!(as_now(&quoted, Some(&original)).text, "edited words");
        original.deleted = true;
        assert!(as_now(&quoted, Some(&original)).deleted);
    }
}
