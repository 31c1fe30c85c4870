//! The Direct Messages inbox (a rail entry above the servers): every conversation of the person
//! across their servers, newest activity first, with the other person, the first line of the
//! latest message and how many are unread. Loaded in the browser, and again whenever a direct
//! message arrives or a conversation is read elsewhere.

pub mod api;

use leptos::prelude::*;
use leptos_router::components::A;
use shared::live::Thread;
use shared::messages::InboxEntry;
use shared::unread::Unread;

use crate::chat::time::{Today, stamp};
use crate::communities::conversation_path;
use crate::shell::UserPanel;
use crate::ui::Avatar;
use crate::unread::{UnreadMarks, unread_label};

#[component]
pub fn InboxPage() -> impl IntoView {
    let marks = UnreadMarks::get();
    let entries = LocalResource::new(move || {
        marks.direct_changes();
        api::load_inbox()
    });
    let list = move || {
        let result = entries.get()?;
        Some(match result {
            Ok(list) if list.is_empty() => view! {
                <p class="hint">
                    "No direct messages yet. Choose someone's name in a server to write to them."
                </p>
            }
            .into_any(),
            Ok(list) => view! {
                <ul class="inbox" aria-label="Direct messages">
                    {list.into_iter().map(|entry| view! { <InboxRow entry /> }).collect_view()}
                </ul>
            }
            .into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <aside class="sidebar">
            <div class="sidebar-body"></div>
            <UserPanel />
        </aside>
        <main class="content inbox-page">
            <h1>"Direct Messages"</h1>
            {move || list().unwrap_or_else(|| view! { <p class="loading" role="status">"Loading…"</p> }.into_any())}
        </main>
    }
}

#[component]
fn InboxRow(entry: InboxEntry) -> impl IntoView {
    let marks = UnreadMarks::get();
    let thread = Thread::Conversation(entry.conversation.id);
    let unread = Memo::new(move |_| marks.count(thread));
    let has_unread = Memo::new(move |_| unread.get() > 0);
    let other = entry.conversation.other;
    let (today, at) = (Today::get(), entry.last.at);
    let href = conversation_path(entry.conversation.server_id, other.member_id);
    let line = if entry.last.mine {
        format!("You: {}", entry.last.line)
    } else {
        entry.last.line
    };
    view! {
        <li class="inbox-row" class:unread=has_unread>
            <A href=href attr:class="inbox-link">
                <Avatar name=other.name.clone() image_url=other.image_url.clone() />
                <span class="inbox-text">
                    <span class="inbox-head">
                        <span class="inbox-name">{other.name.clone()}</span>
                        <span class="inbox-server">{entry.server_name}</span>
                        <time datetime=at.to_rfc3339()>{move || stamp(at, today.day())}</time>
                    </span>
                    <span class="inbox-line">{line}</span>
                </span>
                {move || {
                    let n = unread.get();
                    (n > 0).then(|| view! {
                        <span class="unread-pill" role="status" aria-label=unread_label(n)>{Unread::label(n)}</span>
                    })
                }}
            </A>
        </li>
    }
}
