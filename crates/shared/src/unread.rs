//! What a person has not read yet: per channel and direct conversation, how many messages by
//! others were created after the point they have read up to.

use serde::{Deserialize, Serialize};

use crate::ids::ServerId;
use crate::live::Thread;

/// Counts stop here: a thread with more shows "99+".
pub const UNREAD_CAP: u32 = 100;

/// One thread with something unread in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadUnread {
    pub thread: Thread,
    /// The server of the channel, or of the conversation's two members.
    pub server_id: ServerId,
    /// Every message created up to this sequence number has been read.
    pub last_read_seq: i64,
    /// Messages by others after it, not deleted: counted up to `UNREAD_CAP` in a direct
    /// conversation; in a channel only whether there are any (1), which is what it shows.
    pub unread: u32,
    /// Those of them that mention the person, by name or as everyone (always 0 in a direct
    /// conversation, where every message is for them).
    pub mentions: u32,
}

/// Everything unread for one person, on every device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unread {
    pub threads: Vec<ThreadUnread>,
}

impl Unread {
    /// The unread count shown for a thread: "99+" past the cap.
    pub fn label(count: u32) -> String {
        if count >= UNREAD_CAP {
            format!("{}+", UNREAD_CAP - 1)
        } else {
            count.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_past_the_cap_read_99_plus() {
        assert_eq!(Unread::label(1), "1");
        assert_eq!(Unread::label(99), "99");
        assert_eq!(Unread::label(UNREAD_CAP), "99+");
    }
}
