//! What a person has not read yet: per channel and direct conversation, how many messages by
//! others were created after the point they have read up to.

use serde::{Deserialize, Serialize};

use crate::ids::{ChannelId, ConversationId, ServerId};

/// Counts stop here: a thread with more shows "99+".
pub const UNREAD_CAP: u32 = 100;

/// Everything unread for one person, on every device: the channels with something unread,
/// server by server, and the direct conversations. Only what is unread is listed, as tersely
/// as it can be said (someone in a hundred busy servers gets it after every change).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unread {
    pub servers: Vec<ServerUnread>,
    pub conversations: Vec<ConversationUnread>,
}

/// A server's channels with something unread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerUnread {
    pub server_id: ServerId,
    pub channels: Vec<ChannelUnread>,
}

/// A channel with messages by others after the point read. A channel only says so (the
/// sidebar shows it bold), and how many of them mention the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelUnread {
    pub id: ChannelId,
    /// By name or as everyone, up to `UNREAD_CAP`; left out when none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub mentions: u32,
}

/// A direct conversation with messages by the other person after the point read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationUnread {
    pub id: ConversationId,
    /// The server of the conversation's two members.
    pub server_id: ServerId,
    /// Counted up to `UNREAD_CAP` (every one of them is for the person).
    pub unread: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
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
