//! Message text as people read it: each mention a highlighted `@Name` (the member's current
//! name; "@unknown member" once they have left), `@everyone` too, the rest as written.

use leptos::prelude::*;
use shared::ids::MemberId;
use shared::mentions::{EVERYONE, Segment, segments};

use crate::communities::CurrentServer;

#[component]
pub fn MessageText(
    content: String,
    /// The reader's membership: a mention of them stands out more.
    #[prop(into)]
    me: Signal<Option<MemberId>>,
) -> impl IntoView {
    let current = CurrentServer::get();
    let pieces = segments(&content)
        .into_iter()
        .map(|segment| match segment {
            Segment::Text(text) => text.to_owned().into_any(),
            Segment::Member(id) => {
                let name = move || {
                    let name = current.member_name(id);
                    format!("@{}", name.as_deref().unwrap_or("unknown member"))
                };
                view! { <span class="mention" class:mention-me=move || me.get() == Some(id)>{name}</span> }
                    .into_any()
            }
            Segment::Everyone => view! { <span class="mention mention-me">{EVERYONE}</span> }.into_any(),
        })
        .collect_view();
    view! { <p class="message-text">{pieces}</p> }
}
