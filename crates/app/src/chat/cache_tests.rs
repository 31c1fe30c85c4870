//! The message cache, event by event.

use chrono::Utc;
use shared::ids::{MemberId, MessageId, ProfileId};
use shared::messages::{Author, Changes, HistoryPage, Message, Opening};
use shared::permissions::Role;
use uuid::Uuid;

use super::cache::{MessageCache, Pending, Row};

fn author() -> Author {
    Author {
        member_id: MemberId(Uuid::nil()),
        profile_id: ProfileId(Uuid::nil()),
        name: "Ada".into(),
        image_url: None,
        role: Role::Guest,
    }
}

/// Messages with increasing ids (v7 ids sort by time; a counter stands in for the clock).
fn message(n: u128, seq: i64, content: &str) -> Message {
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
        created_at: Utc::now(),
        author: author(),
    }
}

fn contents(cache: &MessageCache) -> Vec<String> {
    cache
        .rows()
        .map(|r| match r {
            Row::Pending(p) => format!("pending:{}", p.content),
            Row::Stored(m) => m.content.clone(),
        })
        .collect()
}

/// A cache holding 6..=4 on the first page and 3..=1 on the second.
fn loaded() -> MessageCache {
    let mut cache = MessageCache::default();
    cache.load_newest(HistoryPage {
        messages: vec![
            message(6, 6, "m6"),
            message(5, 5, "m5"),
            message(4, 4, "m4"),
        ],
        before: Some(MessageId(Uuid::from_u128(4))),
        after: None,
    });
    cache.append_older(HistoryPage {
        messages: vec![
            message(3, 3, "m3"),
            message(2, 2, "m2"),
            message(1, 1, "m1"),
        ],
        before: None,
        after: None,
    });
    cache
}

#[test]
fn pages_stack_newest_first_and_know_the_start() {
    let cache = loaded();
    assert_eq!(contents(&cache), ["m6", "m5", "m4", "m3", "m2", "m1"]);
    assert!(!cache.has_older());
    assert_eq!(cache.last_seq(), 6);
}

#[test]
fn a_created_message_goes_on_top_once() {
    let mut cache = loaded();
    cache.created(message(7, 7, "m7"));
    cache.created(message(7, 7, "m7"));
    assert_eq!(contents(&cache)[..2], ["m7", "m6"]);
    assert_eq!(cache.rows().count(), 7);
    assert_eq!(cache.last_seq(), 7);
}

#[test]
fn updates_and_deletes_replace_the_message_on_any_page() {
    let mut cache = loaded();
    let mut edited = message(2, 8, "m2 edited");
    edited.edited = true;
    cache.changed(edited);
    let mut deleted = message(5, 9, "This message has been deleted.");
    deleted.deleted = true;
    cache.changed(deleted);
    assert_eq!(
        contents(&cache),
        [
            "m6",
            "This message has been deleted.",
            "m4",
            "m3",
            "m2 edited",
            "m1"
        ]
    );
    assert_eq!(cache.last_seq(), 9);
}

#[test]
fn an_older_event_never_overwrites_a_newer_state() {
    let mut cache = loaded();
    cache.changed(message(4, 10, "m4 v2"));
    cache.changed(message(4, 8, "m4 v1 (late)"));
    assert_eq!(
        cache.find(MessageId(Uuid::from_u128(4))).unwrap().content,
        "m4 v2"
    );
    // An update of a message on a page not loaded is ignored, not inserted.
    cache.changed(message(0, 11, "far back"));
    assert_eq!(cache.rows().count(), 6);
}

#[test]
fn catching_up_inserts_new_replaces_known_and_skips_unloaded_history() {
    let mut cache = MessageCache::default();
    cache.load_newest(HistoryPage {
        messages: vec![message(6, 6, "m6"), message(5, 5, "m5")],
        before: Some(MessageId(Uuid::from_u128(5))),
        after: None,
    });
    cache.caught_up(Changes {
        messages: vec![
            message(3, 7, "m3 edited (not loaded)"),
            message(5, 8, "m5 edited"),
            message(7, 9, "m7"),
            message(8, 10, "m8"),
        ],
        last_seq: 10,
        more: false,
    });
    assert_eq!(contents(&cache), ["m8", "m7", "m6", "m5 edited"]);
    assert_eq!(cache.last_seq(), 10);
    // The same changes again (a poll racing the socket) change nothing.
    cache.caught_up(Changes {
        messages: vec![message(7, 9, "m7"), message(8, 10, "m8")],
        last_seq: 10,
        more: false,
    });
    assert_eq!(cache.rows().count(), 4);
}

#[test]
fn a_send_shows_at_once_then_becomes_the_stored_message() {
    let mut cache = loaded();
    let nonce = Uuid::new_v4();
    cache.sending(Pending::new(nonce, "hello".into(), None));
    assert_eq!(contents(&cache)[0], "pending:hello");
    let mut stored = message(7, 7, "hello");
    stored.nonce = nonce;
    // The live event may arrive before the answer: it replaces the pending row at once, and the
    // answer then changes nothing.
    cache.created(stored.clone());
    assert_eq!(contents(&cache)[..2], ["hello", "m6"]);
    assert_eq!(cache.rows().count(), 7);
    cache.sent(nonce, stored);
    assert_eq!(contents(&cache)[..2], ["hello", "m6"]);
    assert_eq!(cache.rows().count(), 7);
}

#[test]
fn a_send_found_by_catching_up_replaces_its_pending_row() {
    let mut cache = loaded();
    let nonce = Uuid::new_v4();
    cache.sending(Pending::new(nonce, "while polling".into(), None));
    let mut stored = message(7, 7, "while polling");
    stored.nonce = nonce;
    cache.caught_up(Changes {
        messages: vec![stored],
        last_seq: 7,
        more: false,
    });
    assert_eq!(contents(&cache)[..2], ["while polling", "m6"]);
    assert_eq!(cache.rows().count(), 7);
}

#[test]
fn a_failed_send_is_marked_and_retried_with_the_same_nonce() {
    let mut cache = loaded();
    let nonce = Uuid::new_v4();
    cache.sending(Pending::new(nonce, "flaky".into(), None));
    cache.send_failed(nonce, "offline".into());
    match cache.rows().next() {
        Some(Row::Pending(p)) => assert_eq!(p.failed.as_deref(), Some("offline")),
        other => panic!("{other:?}"),
    }
    let again = cache.retry(nonce).unwrap();
    assert_eq!(again.nonce, nonce);
    assert!(again.failed.is_none());
    assert!(cache.retry(Uuid::new_v4()).is_none());
}

#[test]
fn a_send_that_cannot_reach_the_server_waits_then_goes_out_once() {
    let mut cache = loaded();
    let nonce = Uuid::new_v4();
    cache.sending(Pending::new(nonce, "from the train".into(), None));
    cache.send_waiting(nonce);
    match cache.rows().next() {
        Some(Row::Pending(p)) => assert!(p.waiting && p.failed.is_none()),
        other => panic!("{other:?}"),
    }
    assert!(!cache.retry(nonce).unwrap().waiting, "on its way again");
    // Back online: the stored message takes the row's place, once.
    let mut stored = message(7, 7, "from the train");
    stored.nonce = nonce;
    cache.sent(nonce, stored.clone());
    cache.created(stored);
    assert_eq!(contents(&cache)[0], "from the train");
    assert_eq!(contents(&cache)[1], "m6", "once, with no pending row left");
}

#[test]
fn a_message_that_arrives_live_while_the_first_page_loads_is_kept() {
    let mut cache = MessageCache::default();
    cache.created(message(7, 7, "m7"));
    cache.created(message(5, 5, "m5"));
    cache.load_newest(HistoryPage {
        messages: vec![message(6, 6, "m6"), message(5, 5, "m5")],
        before: None,
        after: None,
    });
    assert_eq!(contents(&cache), ["m7", "m6", "m5"]);
    assert_eq!(cache.last_seq(), 7);
    assert!(cache.is_loaded());
}

#[test]
fn a_thread_opened_short_of_the_present_counts_arrivals_then_pages_up_to_it() {
    let mut cache = MessageCache::default();
    cache.load_opening(Opening {
        page: HistoryPage {
            messages: vec![message(5, 5, "m5"), message(4, 4, "m4")],
            before: Some(MessageId(Uuid::from_u128(4))),
            after: Some(MessageId(Uuid::from_u128(5))),
        },
        first_unread: Some(MessageId(Uuid::from_u128(5))),
        last_seq: 8,
    });
    assert!(cache.has_newer());
    assert_eq!(cache.divider(), Some(MessageId(Uuid::from_u128(5))));
    assert_eq!(cache.last_seq(), 8, "catching up starts at the present");

    // Live: a new message beyond the gap is counted, not shown; a held one still changes.
    cache.created(message(9, 9, "m9"));
    cache.changed(message(4, 10, "m4 edited"));
    assert_eq!(cache.arrived(), 1);
    assert_eq!(contents(&cache), ["m5", "m4 edited"]);
    assert_eq!(cache.last_seq(), 8, "what was skipped is caught up later");

    // Newer pages fill in above; the last reaches the present.
    let reached = cache.append_newer(HistoryPage {
        messages: vec![message(7, 7, "m7"), message(6, 6, "m6")],
        before: Some(MessageId(Uuid::from_u128(6))),
        after: Some(MessageId(Uuid::from_u128(7))),
    });
    assert!(!reached);
    let reached = cache.append_newer(HistoryPage {
        messages: vec![message(9, 9, "m9"), message(8, 8, "m8")],
        before: Some(MessageId(Uuid::from_u128(8))),
        after: None,
    });
    assert!(reached);
    assert!(!cache.has_newer());
    assert_eq!(cache.arrived(), 0);
    assert_eq!(
        contents(&cache),
        ["m9", "m8", "m7", "m6", "m5", "m4 edited"]
    );
    // From now on, live messages show.
    cache.created(message(10, 11, "m10"));
    assert_eq!(contents(&cache)[0], "m10");

    // Leaving forgets the divider; unloading keeps only the sends on their way, and where to
    // open next.
    cache.leave();
    assert_eq!(cache.divider(), None);
    cache.sending(Pending::new(Uuid::from_u128(99), "on its way".into(), None));
    let at = MessageId(Uuid::from_u128(6));
    cache.unload(Some(at));
    assert!(!cache.is_loaded());
    assert_eq!(cache.focus(), Some(at));
    assert_eq!(contents(&cache), ["pending:on its way"]);
    cache.leave();
    assert_eq!(cache.focus(), None);
}

#[test]
fn jumping_to_the_present_leaves_the_past() {
    let mut cache = MessageCache::default();
    cache.load_opening(Opening {
        page: HistoryPage {
            messages: vec![message(2, 2, "m2")],
            before: None,
            after: Some(MessageId(Uuid::from_u128(2))),
        },
        first_unread: Some(MessageId(Uuid::from_u128(2))),
        last_seq: 5,
    });
    cache.created(message(6, 6, "m6"));
    cache.load_newest(HistoryPage {
        messages: vec![message(6, 6, "m6"), message(5, 5, "m5")],
        before: Some(MessageId(Uuid::from_u128(5))),
        after: None,
    });
    assert!(!cache.has_newer());
    assert_eq!(cache.arrived(), 0);
    assert_eq!(contents(&cache), ["m6", "m5"]);
}

#[test]
fn changes_that_may_touch_the_pins_are_counted() {
    let mut cache = loaded();
    let mut edited = message(5, 7, "m5 edited");
    cache.changed(edited.clone());
    assert_eq!(cache.pin_changes(), 0, "an edit of a message never pinned");
    edited.pinned = true;
    edited.seq = 8;
    cache.changed(edited.clone());
    assert_eq!(cache.pin_changes(), 1, "pinned");
    edited.pinned = false;
    edited.seq = 9;
    cache.changed(edited);
    assert_eq!(cache.pin_changes(), 2, "unpinned");
    // A message on a page not held may have been pinned or unpinned.
    cache.changed(message(0, 10, "m0"));
    assert_eq!(cache.pin_changes(), 3);
    let mut caught = message(4, 11, "m4");
    caught.pinned = true;
    cache.caught_up(Changes {
        messages: vec![caught],
        last_seq: 11,
        more: false,
    });
    assert_eq!(cache.pin_changes(), 4, "a pin found by catching up");
}

#[test]
fn a_first_load_that_failed_says_why_until_a_page_arrives() {
    let mut cache = MessageCache::default();
    cache.load_failed("offline".into());
    assert_eq!(cache.load_error(), Some("offline"));
    assert!(!cache.is_loaded());
    cache.clear_load_error();
    assert_eq!(cache.load_error(), None);
    cache.load_failed("offline again".into());
    cache.load_newest(HistoryPage {
        messages: vec![message(1, 1, "m1")],
        before: None,
        after: None,
    });
    assert_eq!(cache.load_error(), None, "a page clears it");
    assert!(cache.is_loaded());
}
