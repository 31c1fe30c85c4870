//! The rows of a thread as the list shows them, oldest first: a line at the start of each day,
//! the "New messages" divider, and consecutive messages by one author within a few minutes
//! grouped under the first one's header (as Discord does). Pure: the reader's local day of an
//! instant is given, so the same code runs natively in tests and in the browser.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use shared::ids::MessageId;
use shared::messages::Message;
use uuid::Uuid;

use super::cache::{Pending, Row};

/// Messages by one author closer together than this share a header.
pub const GROUP_WITHIN: TimeDelta = TimeDelta::minutes(7);

/// One row of the list, owned.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Stored {
        message: Box<Message>,
        /// Shown under the previous message's header (no avatar or name of its own).
        grouped: bool,
    },
    Pending(Pending),
    /// "New messages", above the first the reader had not read.
    Divider,
    /// The start of a day (in the reader's time zone).
    Day(NaiveDate),
}

impl Item {
    /// A key that changes whenever the row must be drawn again (its author renamed too).
    pub fn key(&self) -> (Uuid, i64, bool, u64) {
        match self {
            Item::Stored { message, grouped } => {
                (message.id.0, message.seq, *grouped, author_look(message))
            }
            Item::Pending(p) => {
                let state = match (&p.failed, p.waiting) {
                    (Some(_), _) => -2,
                    (None, true) => -5,
                    (None, false) => -1,
                };
                (p.nonce, state, false, 0)
            }
            Item::Divider => (Uuid::nil(), -3, false, 0),
            Item::Day(day) => (Uuid::from_u128(day_number(*day)), -4, false, 0),
        }
    }

    pub fn message_id(&self) -> Option<MessageId> {
        match self {
            Item::Stored { message, .. } => Some(message.id),
            _ => None,
        }
    }
}

/// A fingerprint of how the author looks (name and picture).
fn author_look(message: &Message) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    message.author.name.hash(&mut hasher);
    message.author.image_url.hash(&mut hasher);
    hasher.finish()
}

fn day_number(day: NaiveDate) -> u128 {
    use chrono::Datelike;
    u128::from(day.num_days_from_ce().unsigned_abs())
}

/// The rows of the list, oldest first, from the cache's rows (newest first); `divider` is the
/// first message the reader had not read; `day` the reader's local day of an instant.
pub fn lay_out<'a>(
    rows_newest_first: impl Iterator<Item = Row<'a>>,
    divider: Option<MessageId>,
    day: impl Fn(DateTime<Utc>) -> NaiveDate,
) -> Vec<Item> {
    let mut rows: Vec<Row<'a>> = rows_newest_first.collect();
    rows.reverse();
    let mut items = Vec::with_capacity(rows.len() + 4);
    // The message just above (a divider or a pending row in between ends a group).
    let mut above: Option<(&Message, NaiveDate)> = None;
    let mut last_day = None;
    for row in rows {
        match row {
            Row::Pending(p) => {
                items.push(Item::Pending(p.clone()));
                above = None;
            }
            Row::Stored(message) => {
                let today = day(message.created_at);
                if last_day != Some(today) {
                    items.push(Item::Day(today));
                    last_day = Some(today);
                }
                if Some(message.id) == divider {
                    items.push(Item::Divider);
                    above = None;
                }
                let grouped =
                    above.is_some_and(|(prev, prev_day)| follows(prev, prev_day, message, today));
                items.push(Item::Stored {
                    message: Box::new(message.clone()),
                    grouped,
                });
                above = Some((message, today));
            }
        }
    }
    items
}

/// Whether `message` goes under the header of `prev`, the message right above it (a reply
/// shows its quote above its own header).
fn follows(prev: &Message, prev_day: NaiveDate, message: &Message, day: NaiveDate) -> bool {
    let gap = message.created_at - prev.created_at;
    prev.author.member_id == message.author.member_id
        && prev.call.is_none()
        && message.call.is_none()
        && message.reply.is_none()
        && prev_day == day
        && gap >= TimeDelta::zero()
        && gap < GROUP_WITHIN
}
