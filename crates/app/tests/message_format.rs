//! How messages read in headless Chromium: formatting as nodes (hostile text stays text), one
//! header for a run of messages by one author, a line at the start of each of the reader's days.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

#[path = "support/list.rs"]
mod list;

use app::chat::time::{day_line, local_day};
use chrono::TimeDelta;
use list::{message, mount, settle};
use shared::ids::{ChannelId, MemberId, ProfileId};
use shared::live::Thread;
use shared::messages::HistoryPage;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn one(host: &HtmlElement, selector: &str) -> Element {
    host.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
}

fn count(host: &HtmlElement, selector: &str) -> u32 {
    host.query_selector_all(selector).unwrap().length()
}

#[wasm_bindgen_test]
async fn formatting_becomes_nodes_and_hostile_text_stays_text() {
    let thread = Thread::Channel(ChannelId(Uuid::new_v4()));
    let content = "**bold** <img src=x onerror=alert(1)> see https://example.com/a_b. \
                   [x](javascript:alert(1)) ||secret|| `a*b*`\n```rust\nlet x = 1;\n```\n> quoted";
    let page = HistoryPage {
        messages: vec![message(1, 1, content)],
        before: None,
        after: None,
    };
    let (host, _chat, _cache, _handle) = mount(thread, page);
    settle().await;
    let text = one(&host, ".message-text");
    assert_eq!(
        one(&host, ".message-text strong").text_content().unwrap(),
        "bold"
    );
    assert_eq!(
        count(&host, ".message-text img"),
        0,
        "no element from the text"
    );
    assert!(
        text.text_content()
            .unwrap()
            .contains("<img src=x onerror=alert(1)>")
    );

    let links = text.query_selector_all("a").unwrap();
    assert_eq!(links.length(), 1, "only the web address is a link");
    let link: Element = links.item(0).unwrap().unchecked_into();
    assert_eq!(
        link.get_attribute("href").unwrap(),
        "https://example.com/a_b"
    );
    assert_eq!(link.get_attribute("target").unwrap(), "_blank");
    assert_eq!(
        link.get_attribute("rel").unwrap(),
        "noopener noreferrer nofollow"
    );

    assert_eq!(
        one(&host, ".message-text p > code").text_content().unwrap(),
        "a*b*"
    );
    assert_eq!(
        one(&host, ".code-block pre code").text_content().unwrap(),
        "let x = 1;"
    );
    assert_eq!(
        one(&host, ".code-block .code-lang").text_content().unwrap(),
        "rust"
    );
    assert_eq!(
        one(&host, ".code-block button")
            .get_attribute("aria-label")
            .unwrap(),
        "Copy code"
    );
    assert_eq!(
        one(&host, ".message-text blockquote")
            .text_content()
            .unwrap(),
        "quoted"
    );

    let spoiler: HtmlElement = one(&host, ".spoiler").unchecked_into();
    assert_eq!(spoiler.get_attribute("role").as_deref(), Some("button"));
    assert!(!spoiler.class_list().contains("revealed"));
    spoiler.click();
    settle().await;
    assert!(spoiler.class_list().contains("revealed"));
    assert_eq!(
        spoiler.get_attribute("role"),
        None,
        "revealed, it is text again"
    );
    assert_eq!(spoiler.text_content().unwrap(), "secret");
}

#[wasm_bindgen_test]
async fn a_run_by_one_author_shares_a_header_and_days_have_lines() {
    let thread = Thread::Channel(ChannelId(Uuid::new_v4()));
    let first = message(1, 1, "one");
    let at = first.created_at;
    let mut second = message(2, 2, "two");
    second.created_at = at + TimeDelta::minutes(2);
    let mut next_day = message(3, 3, "three");
    next_day.created_at = at + TimeDelta::days(2);
    let mut other = message(4, 4, "four");
    other.created_at = next_day.created_at + TimeDelta::minutes(1);
    other.author.member_id = MemberId(Uuid::from_u128(77));
    other.author.profile_id = ProfileId(Uuid::from_u128(77));
    other.author.name = "Grace Hopper".into();
    let page = HistoryPage {
        messages: vec![other, next_day, second, first],
        before: None,
        after: None,
    };
    let (host, _chat, _cache, _handle) = mount(thread, page);
    settle().await;

    let authors: Vec<String> = {
        let found = host.query_selector_all(".message-author").unwrap();
        (0..found.length())
            .map(|i| found.item(i).unwrap().text_content().unwrap())
            .collect()
    };
    assert_eq!(authors, ["Ada Lovelace", "Ada Lovelace", "Grace Hopper"]);
    assert_eq!(count(&host, ".message.grouped"), 1);
    let grouped = one(&host, ".message.grouped");
    assert_eq!(
        grouped
            .query_selector(".message-text")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "two"
    );
    assert!(grouped.query_selector(".gutter-time").unwrap().is_some());

    let days = host.query_selector_all(".day-divider").unwrap();
    assert_eq!(days.length(), 2);
    let line = |i| days.item(i).unwrap().text_content().unwrap();
    assert_eq!(line(0), day_line(local_day(at)));
    assert_eq!(line(1), day_line(local_day(at + TimeDelta::days(2))));
    assert!(line(0).contains("2023"), "{}", line(0));
}
