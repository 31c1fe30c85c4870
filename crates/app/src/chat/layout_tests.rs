//! Grouping and day lines, natively (the browser's own days are checked in `tests/layout.rs`).

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use shared::ids::{MemberId, MessageId, ProfileId};
use shared::messages::{Author, CallLine, Message};
use shared::permissions::Role;
use uuid::Uuid;

use super::cache::{Pending, Row};
use super::layout::{GROUP_WITHIN, Item, lay_out};

fn by(who: u128, n: u128, at: DateTime<Utc>) -> Message {
    Message {
        nonce: Uuid::from_u128(n),
        call: None,
        reactions: Vec::new(),
        reply: None,
        pinned: false,
        id: MessageId(Uuid::from_u128(n)),
        seq: i64::try_from(n).unwrap_or_default(),
        content: format!("m{n}"),
        file_url: None,
        deleted: false,
        edited: false,
        created_at: at,
        author: Author {
            member_id: MemberId(Uuid::from_u128(who)),
            profile_id: ProfileId(Uuid::from_u128(who)),
            name: format!("p{who}"),
            image_url: None,
            role: Role::Guest,
        },
    }
}

fn noon() -> DateTime<Utc> {
    DateTime::from_timestamp(1_764_331_200, 0).unwrap_or_default() // 2025-11-28 12:00 UTC
}

/// The rows as letters: `D` a day line, `N` the divider, `P` pending, `g` grouped, `h` a header.
fn shape(items: &[Item]) -> String {
    items
        .iter()
        .map(|i| match i {
            Item::Day(_) => 'D',
            Item::Divider => 'N',
            Item::Pending(_) => 'P',
            Item::Stored { grouped: true, .. } => 'g',
            Item::Stored { grouped: false, .. } => 'h',
        })
        .collect()
}

fn lay(messages: &[Message], divider: Option<MessageId>) -> Vec<Item> {
    // The cache hands rows newest first.
    lay_out(messages.iter().rev().map(Row::Stored), divider, |at| {
        at.date_naive()
    })
}

#[test]
fn one_author_minutes_apart_shares_a_header() {
    let t = noon();
    let messages = [
        by(1, 1, t),
        by(1, 2, t + TimeDelta::minutes(3)),
        by(1, 3, t + TimeDelta::minutes(6)),
        by(2, 4, t + TimeDelta::minutes(7)),
        by(2, 5, t + TimeDelta::minutes(7) + GROUP_WITHIN),
        by(1, 6, t + TimeDelta::minutes(30)),
    ];
    assert_eq!(shape(&lay(&messages, None)), "Dhgghhh");
}

#[test]
fn a_divider_a_call_line_or_a_pending_row_starts_a_new_group() {
    let t = noon();
    let mut call = by(1, 3, t + TimeDelta::minutes(2));
    call.call = Some(CallLine::Missed);
    let messages = [
        by(1, 1, t),
        by(1, 2, t + TimeDelta::minutes(1)),
        call,
        by(1, 4, t + TimeDelta::minutes(3)),
        by(1, 5, t + TimeDelta::minutes(4)),
    ];
    assert_eq!(
        shape(&lay(&messages, Some(MessageId(Uuid::from_u128(2))))),
        "DhNhhhg"
    );
    let pending = Pending::new(Uuid::from_u128(99), "on its way".into(), None);
    let rows = [
        Row::Stored(&messages[4]),
        Row::Pending(&pending),
        Row::Stored(&messages[0]),
    ];
    assert_eq!(
        shape(&lay_out(rows.into_iter(), None, |at| at.date_naive())),
        "DhPh"
    );
}

#[test]
fn a_reply_shows_its_own_header() {
    let t = noon();
    let mut reply = by(1, 2, t + TimeDelta::minutes(1));
    reply.reply = Some(shared::messages::ReplyTo {
        id: MessageId(Uuid::from_u128(1)),
        author: MemberId(Uuid::from_u128(1)),
        author_name: "p1".into(),
        text: "m1".into(),
        deleted: false,
        file: false,
    });
    let messages = [by(1, 1, t), reply, by(1, 3, t + TimeDelta::minutes(2))];
    assert_eq!(shape(&lay(&messages, None)), "Dhhg");
}

#[test]
fn each_local_day_starts_with_its_line() {
    let t = noon();
    let messages = [
        by(1, 1, t),
        by(1, 2, t + TimeDelta::minutes(2)),
        by(1, 3, t + TimeDelta::hours(13)),
        by(1, 4, t + TimeDelta::hours(13) + TimeDelta::minutes(1)),
    ];
    let items = lay(&messages, None);
    assert_eq!(shape(&items), "DhgDhg");
    let day = |d| NaiveDate::from_ymd_opt(2025, 11, d).unwrap_or_default();
    assert_eq!(items[0], Item::Day(day(28)));
    assert_eq!(items[3], Item::Day(day(29)));
    // Eleven hours ahead of UTC, noon UTC is 23:00: half a minute before local midnight and
    // half a minute after are two days, never grouped.
    let ahead = |at: DateTime<Utc>| (at + TimeDelta::hours(11)).date_naive();
    let near_midnight = [
        by(1, 1, t + TimeDelta::minutes(59) - TimeDelta::seconds(30)),
        by(1, 2, t + TimeDelta::minutes(60) + TimeDelta::seconds(30)),
    ];
    let rows = near_midnight.iter().rev().map(Row::Stored);
    assert_eq!(shape(&lay_out(rows, None, ahead)), "DhDh");
}
