//! The message list mounted in headless Chromium: the cache lives in signals inside the chat
//! state, and live events handed to it change what the reader sees.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

#[path = "support/list.rs"]
mod list;

use app::chat::cache::{MessageCache, Pending};
use leptos::prelude::*;
use list::{message, mount, mount_with, settle, texts};
use shared::ids::{ChannelId, MessageId};
use shared::live::{ServerEvent, Thread};
use shared::messages::{HistoryPage, Opening};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn live_events_change_the_list_in_place() {
    let thread = Thread::Channel(ChannelId(Uuid::new_v4()));
    let page = HistoryPage {
        messages: vec![message(3, 3, "second"), message(2, 2, "first")],
        before: None,
        after: None,
    };
    let (host, chat, _cache, _handle) = mount(thread, page);
    settle().await;
    assert_eq!(texts(&host), ["first", "second"], "oldest at the top");
    assert!(
        host.text_content().unwrap().contains("Welcome to #test!"),
        "the start is shown"
    );
    let composer = host
        .query_selector("label[for='composer']")
        .unwrap()
        .unwrap();
    assert_eq!(composer.text_content().unwrap(), "Message #test");

    let third = message(4, 4, "third");
    chat.receive(ServerEvent::MessageCreated {
        thread,
        message: third.clone(),
    });
    chat.receive(ServerEvent::MessageCreated {
        thread,
        message: third,
    });
    settle().await;
    assert_eq!(
        texts(&host),
        ["first", "second", "third"],
        "once, at the bottom"
    );

    let mut edited = message(2, 5, "first, edited");
    edited.edited = true;
    chat.receive(ServerEvent::MessageUpdated {
        thread,
        message: edited,
    });
    chat.receive(ServerEvent::MessageUpdated {
        thread,
        message: message(2, 1, "stale"),
    });
    settle().await;
    assert_eq!(texts(&host), ["first, edited", "second", "third"]);
    assert!(host.text_content().unwrap().contains("(edited)"));

    let mut deleted = message(3, 6, "");
    deleted.deleted = true;
    chat.receive(ServerEvent::MessageDeleted {
        thread,
        message: deleted,
    });
    settle().await;
    let gone = host.query_selector(".message.deleted em").unwrap().unwrap();
    assert_eq!(
        gone.text_content().unwrap(),
        "This message has been deleted."
    );

    let other = Thread::Channel(ChannelId(Uuid::new_v4()));
    chat.receive(ServerEvent::MessageCreated {
        thread: other,
        message: message(9, 9, "elsewhere"),
    });
    settle().await;
    assert_eq!(
        texts(&host).len(),
        3,
        "another thread's event is not shown here"
    );
}

#[wasm_bindgen_test]
async fn sends_show_at_once_and_failures_offer_retry() {
    let thread = Thread::Channel(ChannelId(Uuid::new_v4()));
    let page = HistoryPage {
        messages: vec![message(2, 2, "older")],
        before: Some(MessageId(Uuid::from_u128(2))),
        after: None,
    };
    let (host, _chat, cache, _handle) = mount(thread, page);
    settle().await;
    let load = host.query_selector(".load-older button").unwrap().unwrap();
    assert_eq!(load.text_content().unwrap(), "Load previous messages");
    assert!(
        !host.text_content().unwrap().contains("Welcome to #test!"),
        "not at the start yet"
    );

    let nonce = Uuid::new_v4();
    cache.update(|c| c.sending(Pending::new(nonce, "on its way".into(), None)));
    settle().await;
    assert_eq!(texts(&host), ["older", "on its way"]);
    assert!(host.text_content().unwrap().contains("Sending…"));

    cache.update(|c| c.send_failed(nonce, "You don't have permission to do that.".into()));
    settle().await;
    let failed = host.query_selector(".message.failed").unwrap().unwrap();
    assert!(
        failed
            .text_content()
            .unwrap()
            .contains("Not sent: You don't have permission")
    );
    assert!(
        failed
            .query_selector("button")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap()
            == "Retry"
    );

    cache.update(|c| c.sent(nonce, message(3, 3, "on its way")));
    settle().await;
    assert_eq!(
        texts(&host),
        ["older", "on its way"],
        "the stored message takes its place"
    );
    assert!(host.query_selector(".message.pending").unwrap().is_none());
}

/// The text of each row of the list, the divider included, oldest first.
fn rows(host: &HtmlElement) -> Vec<String> {
    let rows = host
        .query_selector_all(".message-list > li:not(.day-divider)")
        .unwrap();
    (0..rows.length())
        .map(|i| {
            let row: HtmlElement = rows.item(i).unwrap().unchecked_into();
            match row.query_selector(".message-text").unwrap() {
                Some(text) => text.text_content().unwrap(),
                None => row.text_content().unwrap(),
            }
        })
        .collect()
}

fn jump_bar(host: &HtmlElement) -> Option<String> {
    host.query_selector(".jump-bar span")
        .unwrap()
        .map(|bar| bar.text_content().unwrap())
}

#[wasm_bindgen_test]
async fn a_thread_opened_at_an_old_unread_message_shows_the_divider_and_the_way_back() {
    let thread = Thread::Channel(ChannelId(Uuid::new_v4()));
    let first_unread = MessageId(Uuid::from_u128(5));
    let opening = Opening {
        page: HistoryPage {
            messages: vec![message(5, 5, "first new"), message(4, 4, "last read")],
            before: Some(MessageId(Uuid::from_u128(4))),
            after: Some(first_unread),
        },
        first_unread: Some(first_unread),
        last_seq: 8,
    };
    let (host, chat, cache, _handle) = mount_with(thread, move |c| c.load_opening(opening));
    settle().await;
    assert_eq!(rows(&host), ["last read", "New messages", "first new"]);
    let divider = host.query_selector(".new-divider").unwrap().unwrap();
    assert_eq!(divider.get_attribute("aria-label").unwrap(), "New messages");
    assert_eq!(
        jump_bar(&host).as_deref(),
        Some("You are viewing older messages")
    );
    let jump = host.query_selector(".jump-bar button").unwrap().unwrap();
    assert_eq!(jump.text_content().unwrap(), "Jump to present");

    // A message beyond the pages held is counted, not shown.
    chat.receive(ServerEvent::MessageCreated {
        thread,
        message: message(9, 9, "much later"),
    });
    settle().await;
    assert_eq!(jump_bar(&host).as_deref(), Some("1 new message"));
    assert_eq!(rows(&host).len(), 3);

    // Once the pages reach the present, the bar goes; leaving forgets the divider.
    cache.update(|c| {
        c.append_newer(HistoryPage {
            messages: vec![message(9, 9, "much later"), message(6, 6, "next")],
            before: Some(MessageId(Uuid::from_u128(6))),
            after: None,
        });
    });
    settle().await;
    assert_eq!(jump_bar(&host), None);
    assert_eq!(
        rows(&host),
        [
            "last read",
            "New messages",
            "first new",
            "next",
            "much later"
        ]
    );
    cache.update(MessageCache::leave);
    settle().await;
    assert_eq!(
        rows(&host),
        ["last read", "first new", "next", "much later"]
    );
}
