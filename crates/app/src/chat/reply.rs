//! Replies: the one-line quote a reply shows of the message it answers (clicking it goes to
//! that message, loading the history around it when it is not on screen), and the bar above the
//! composer while writing one (Escape or × cancels).

use leptos::prelude::*;
use shared::ids::MemberId;
use shared::markup::{parse, plain};
use shared::messages::{Message, ReplyTo};

use super::jump::go_to_message;
use crate::communities::CurrentServer;

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
) -> impl IntoView {
    let current = CurrentServer::get();
    let go_to = go_to_message();
    let target = reply.id;
    let author = reply.author;
    let words = {
        let reply = reply.clone();
        move || line(&reply, |m| current.member_name(m))
    };
    let label = {
        let words = words.clone();
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
            <span class="reply-line" class:reply-deleted=reply.deleted>{words}</span>
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
    use super::line;
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
}
