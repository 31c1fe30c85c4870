//! Unread marks in headless Chromium: each announced message moves the counts as it arrives,
//! without loading them all again.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use std::cell::Cell;
use std::rc::Rc;

use app::unread::UnreadMarks;
use shared::ids::{ChannelId, ConversationId, MessageId, ProfileId, ServerId};
use shared::live::{ServerEvent, Thread};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

const ME: ProfileId = ProfileId(Uuid::from_u128(1));
const ALICE: ProfileId = ProfileId(Uuid::from_u128(2));
const SERVER: ServerId = ServerId(Uuid::from_u128(10));
const CHANNEL: ChannelId = ChannelId(Uuid::from_u128(20));
const DM: ConversationId = ConversationId(Uuid::from_u128(30));

fn in_channel(author: ProfileId, mentioned: Vec<ProfileId>, everyone: bool) -> ServerEvent {
    ServerEvent::ChannelActivity {
        server_id: SERVER,
        channel_id: CHANNEL,
        message_id: MessageId(Uuid::new_v4()),
        created_seq: 1,
        author,
        mentioned,
        everyone,
    }
}

fn direct(author: ProfileId) -> ServerEvent {
    ServerEvent::DirectActivity {
        to: ME,
        server_id: SERVER,
        conversation_id: DM,
        message_id: MessageId(Uuid::new_v4()),
        created_seq: 1,
        author,
    }
}

#[wasm_bindgen_test]
fn announced_messages_move_the_counts_as_they_arrive() {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let slot = Rc::new(Cell::new(None));
    let out = slot.clone();
    let _mounted = leptos::mount::mount_to(host, move || {
        out.set(Some(UnreadMarks::provide()));
    });
    let marks = slot.take().unwrap();
    let channel = Thread::Channel(CHANNEL);
    let dm = Thread::Conversation(DM);

    // Someone else's message: the channel is unread; naming me or everyone is a mention each.
    marks.arrived(&in_channel(ALICE, Vec::new(), false), Some(ME));
    assert_eq!((marks.count(channel), marks.mentions(channel)), (1, 0));
    marks.arrived(&in_channel(ALICE, vec![ME], false), Some(ME));
    marks.arrived(&in_channel(ALICE, vec![ALICE], true), Some(ME));
    assert_eq!((marks.count(channel), marks.mentions(channel)), (1, 2));
    assert_eq!(marks.server(SERVER, |_| true), (true, 2));
    // Naming someone else is no mention of me.
    marks.arrived(&in_channel(ALICE, vec![ALICE], false), Some(ME));
    assert_eq!(marks.mentions(channel), 2);

    // Each direct message counts, and the title adds them to the mentions.
    marks.arrived(&direct(ALICE), Some(ME));
    marks.arrived(&direct(ALICE), Some(ME));
    assert_eq!(marks.count(dm), 2);
    assert_eq!(marks.direct(), 2);
    assert_eq!(marks.for_title(), 4);

    // Writing in a thread reads it.
    marks.arrived(&in_channel(ME, Vec::new(), false), Some(ME));
    assert_eq!((marks.count(channel), marks.mentions(channel)), (0, 0));
    assert_eq!(marks.server(SERVER, |_| true), (false, 0));
    marks.arrived(&direct(ME), Some(ME));
    assert_eq!(marks.for_title(), 0);

    // The thread being read counts nothing while it is.
    marks.arrived(&in_channel(ALICE, vec![ME], false), Some(ME));
    marks.set_viewing(Some(channel));
    assert_eq!(marks.for_title(), 0);
    marks.set_viewing(None);
    assert_eq!(marks.for_title(), 1);
}
