//! Where the reader is in a thread (pure, tested natively and in the browser): how many new
//! messages are below what they see, and what the "Jump to present" bar says.

use shared::ids::{MemberId, MessageId};

/// How many messages by others are newer than `seen`, the newest the reader saw at the bottom
/// (`None`: they have seen nothing yet, so nothing is new to them).
pub fn new_below(
    messages: impl IntoIterator<Item = (MessageId, MemberId)>,
    seen: Option<MessageId>,
    me: Option<MemberId>,
) -> usize {
    let Some(seen) = seen else {
        return 0;
    };
    messages
        .into_iter()
        .filter(|(id, author)| *id > seen && Some(*author) != me)
        .count()
}

/// What the bar above the composer says, if it shows: the pages stop short of the present
/// (with how many have arrived since), or new messages came in below while the reader is
/// scrolled up.
pub fn jump_bar(
    short_of_present: bool,
    arrived: u32,
    below: usize,
    at_bottom: bool,
) -> Option<String> {
    let count = |n: usize| {
        let s = if n == 1 { "" } else { "s" };
        format!("{n} new message{s}")
    };
    if short_of_present {
        return Some(if arrived > 0 {
            count(arrived as usize)
        } else {
            "You are viewing older messages".to_owned()
        });
    }
    (!at_bottom && below > 0).then(|| count(below))
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn id(n: u128) -> MessageId {
        MessageId(Uuid::from_u128(n))
    }

    #[test]
    fn only_others_messages_after_the_last_seen_are_new() {
        let (me, other) = (MemberId(Uuid::from_u128(1)), MemberId(Uuid::from_u128(2)));
        let list = [(id(1), other), (id(2), other), (id(3), me), (id(4), other)];
        assert_eq!(new_below(list, Some(id(1)), Some(me)), 2);
        assert_eq!(new_below(list, Some(id(4)), Some(me)), 0);
        assert_eq!(new_below(list, None, Some(me)), 0);
    }

    #[test]
    fn the_bar_says_how_many_and_shows_only_when_needed() {
        assert_eq!(
            jump_bar(false, 0, 3, true),
            None,
            "at the bottom they are seen"
        );
        assert_eq!(jump_bar(false, 0, 0, false), None, "nothing new");
        assert_eq!(jump_bar(false, 0, 1, false).unwrap(), "1 new message");
        assert_eq!(jump_bar(false, 0, 4, false).unwrap(), "4 new messages");
        assert_eq!(
            jump_bar(true, 0, 0, true).unwrap(),
            "You are viewing older messages"
        );
        assert_eq!(jump_bar(true, 2, 0, true).unwrap(), "2 new messages");
    }
}
