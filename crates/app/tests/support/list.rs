//! The message list mounted in headless Chromium, for the tests that read what it shows.
#![allow(dead_code)] // each test binary uses its own part of this

use std::cell::Cell;
use std::rc::Rc;

use app::chat::MessageView;
use app::chat::cache::MessageCache;
use app::chat::store::Chat;
use app::communities::{CurrentServer, Refresh};
use chrono::DateTime;
use leptos::prelude::*;
use leptos_router::components::Router;
use shared::ids::{MemberId, MessageId, ProfileId};
use shared::live::Thread;
use shared::messages::{Author, HistoryPage, Message};
use shared::permissions::Role;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// Message `n` (also its id and nonce) by Ada, all at one instant.
pub fn message(n: u128, seq: i64, content: &str) -> Message {
    Message {
        nonce: Uuid::from_u128(n),
        call: None,
        reactions: Vec::new(),
        reply: None,
        pinned: false,
        id: MessageId(Uuid::from_u128(n)),
        seq,
        content: content.into(),
        file_url: None,
        deleted: false,
        edited: false,
        created_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
        author: Author {
            member_id: MemberId(Uuid::from_u128(1)),
            profile_id: ProfileId(Uuid::from_u128(1)),
            name: "Ada Lovelace".into(),
            image_url: None,
            role: Role::Guest,
        },
    }
}

/// Mounts the list for `thread` with `page` already loaded; returns the host and the chat state.
pub fn mount(
    thread: Thread,
    page: HistoryPage,
) -> (HtmlElement, Chat, RwSignal<MessageCache>, impl Drop) {
    mount_with(thread, move |c| c.load_newest(page))
}

/// Mounts the list for `thread` with its cache filled by `load`.
pub fn mount_with(
    thread: Thread,
    load: impl FnOnce(&mut MessageCache) + 'static,
) -> (HtmlElement, Chat, RwSignal<MessageCache>, impl Drop) {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let slot: Rc<Cell<Option<(Chat, RwSignal<MessageCache>)>>> = Rc::new(Cell::new(None));
    let out = slot.clone();
    let handle = leptos::mount::mount_to(host.clone(), move || {
        Refresh::provide();
        app::unread::UnreadMarks::provide();
        let chat = Chat::provide();
        // No server in the route: the viewer is unknown, so no message actions are offered.
        CurrentServer::provide(Memo::new(|_| None));
        let cache = chat.cache(thread);
        cache.update(load);
        out.set(Some((chat, cache)));
        view! {
            <Router>
                <MessageView thread composer_label="Message #test" start=|| view! { <h2>"Welcome to #test!"</h2> } />
            </Router>
        }
    });
    let (chat, cache) = slot.take().unwrap();
    (host, chat, cache, handle)
}

pub fn texts(host: &HtmlElement) -> Vec<String> {
    let rows = host
        .query_selector_all("[data-testid='message'] .message-main")
        .unwrap();
    (0..rows.length())
        .map(|i| {
            let row: HtmlElement = rows.item(i).unwrap().unchecked_into();
            row.query_selector(".message-text")
                .unwrap()
                .map(|p| p.text_content().unwrap())
                .unwrap_or_default()
        })
        .collect()
}

pub async fn settle() {
    leptos::task::tick().await;
    leptos::task::tick().await;
}
