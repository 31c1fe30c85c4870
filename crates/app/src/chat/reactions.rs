//! A message's reactions: a chip per emoji with its count (pressed when the reader is among
//! those who reacted; a click adds or takes back theirs), who reacted on hover, and the picker
//! that adds a new one. The answer (the message with all its reactions) replaces the cached
//! message; everyone else sees it through the live update.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::ids::{MemberId, MessageId};
use shared::live::Thread;
use shared::messages::Reaction;

use super::cache::MessageCache;
use super::emoji_picker::EmojiPicker;
use super::thread_api;
use crate::communities::CurrentServer;

/// Names listed in a chip's tooltip before "and N others".
const NAMES_SHOWN: usize = 6;

/// Sends the reader's reaction (`on`) or takes it back, then shows the message as answered.
pub fn react(
    thread: Thread,
    cache: RwSignal<MessageCache>,
    message: MessageId,
    emoji: String,
    on: bool,
    error: RwSignal<Option<String>>,
) {
    spawn_local(async move {
        match thread_api::react(thread, message, emoji, on).await {
            Ok(message) => {
                error.set(None);
                cache.update(|c| c.changed(message));
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    });
}

#[component]
pub fn Reactions(
    thread: Thread,
    message: MessageId,
    reactions: Vec<Reaction>,
    cache: RwSignal<MessageCache>,
    me: Signal<Option<MemberId>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    if reactions.is_empty() {
        return ().into_any();
    }
    let current = CurrentServer::get();
    let chips = reactions
        .into_iter()
        .map(|reaction| {
            let Reaction { emoji, members } = reaction;
            let count = members.len();
            let who = who_reacted(&members, &emoji, |m| current.member_name(m));
            let mine = {
                let members = members.clone();
                Memo::new(move |_| me.get().is_some_and(|m| members.contains(&m)))
            };
            let label = format!("{emoji} {count}: {who}");
            let glyph = emoji.clone();
            view! {
                <button
                    type="button"
                    class="reaction"
                    class:mine=mine
                    aria-pressed=move || mine.get().to_string()
                    aria-label=label
                    title=who
                    on:click=move |_| react(thread, cache, message, emoji.clone(), !mine.get_untracked(), error)
                >
                    <span aria-hidden="true">{glyph}</span>
                    <span class="reaction-count" aria-hidden="true">{count}</span>
                </button>
            }
        })
        .collect_view();
    view! { <div class="reactions" role="group" aria-label="Reactions">{chips}</div> }.into_any()
}

/// The picker that adds a reaction, for the message's actions.
#[component]
pub fn AddReaction(
    thread: Thread,
    message: MessageId,
    cache: RwSignal<MessageCache>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let on_pick =
        Callback::new(move |emoji: String| react(thread, cache, message, emoji, true, error));
    view! { <EmojiPicker on_pick label="Add reaction" face="☺+" /> }
}

/// "Ann, Bob and 3 others reacted with 👍".
fn who_reacted(
    members: &[MemberId],
    emoji: &str,
    name: impl Fn(MemberId) -> Option<String>,
) -> String {
    let mut names: Vec<String> = members
        .iter()
        .take(NAMES_SHOWN)
        .map(|m| name(*m).unwrap_or_else(|| "someone".to_owned()))
        .collect();
    let others = members.len().saturating_sub(NAMES_SHOWN);
    let list = match (names.len(), others) {
        (_, 0) if names.len() > 1 => {
            let last = names.pop().unwrap_or_default();
            format!("{} and {last}", names.join(", "))
        }
        (_, 0) => names.pop().unwrap_or_default(),
        (_, 1) => format!("{} and 1 other", names.join(", ")),
        (_, n) => format!("{} and {n} others", names.join(", ")),
    };
    format!("{list} reacted with {emoji}")
}

#[cfg(test)]
mod tests {
    use super::who_reacted;
    use shared::ids::MemberId;
    use uuid::Uuid;

    #[test]
    fn the_tooltip_names_who_reacted() {
        let people: Vec<MemberId> = (1..=8).map(|n| MemberId(Uuid::from_u128(n))).collect();
        let name = |m: MemberId| Some(format!("P{}", m.0.as_u128()));
        assert_eq!(who_reacted(&people[..1], "👍", name), "P1 reacted with 👍");
        assert_eq!(
            who_reacted(&people[..3], "👍", name),
            "P1, P2 and P3 reacted with 👍"
        );
        assert_eq!(
            who_reacted(&people[..7], "🎉", name),
            "P1, P2, P3, P4, P5, P6 and 1 other reacted with 🎉"
        );
        assert_eq!(
            who_reacted(&people, "🎉", |_| None),
            "someone, someone, someone, someone, someone, someone and 2 others reacted with 🎉"
        );
    }
}
