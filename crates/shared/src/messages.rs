//! Messages as the client sees them, the parsed message text, and the paging types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::AppError;
use crate::ids::{ConversationId, MemberId, MessageId, ProfileId, ServerId};
use crate::permissions::Role;

/// What a deleted message shows instead of its text.
pub const DELETED_TEXT: &str = "This message has been deleted.";

/// Message text: trimmed, at most 2000 characters, empty only when a file is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageText(String);

impl MessageText {
    pub const MAX_CHARS: usize = 2000;

    pub fn parse(raw: &str, has_file: bool) -> Result<Self, AppError> {
        let text = raw.trim();
        if text.is_empty() && !has_file {
            return Err(AppError::Validation(
                "Write a message or attach a file.".into(),
            ));
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(AppError::Validation(format!(
                "Messages can be at most {} characters.",
                Self::MAX_CHARS
            )));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    pub member_id: MemberId,
    pub profile_id: ProfileId,
    pub name: String,
    pub image_url: Option<String>,
    pub role: Role,
}

/// One message, at the state its `seq` describes. Fields at their usual value (no file, not
/// deleted, not edited) are left out of the wire form: every live event and history row is
/// one of these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    /// The sequence number of the latest create, edit or delete of this message.
    pub seq: i64,
    pub content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_url: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deleted: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub edited: bool,
    pub created_at: DateTime<Utc>,
    pub author: Author,
    /// The key the sender's client chose for this send: it lets that client replace the row it
    /// showed as pending, whichever arrives first (the live event or the answer).
    pub nonce: Uuid,
    /// Set on the lines the server writes about a direct call (`content` says the same words).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<CallLine>,
    /// Who reacted with what: each emoji in the order first used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reactions: Vec<Reaction>,
    /// The message this one answers, as it is now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<ReplyTo>,
    /// Pinned to its thread.
    #[serde(default, skip_serializing_if = "is_false")]
    pub pinned: bool,
}

/// The message a reply answers, as the reply quotes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyTo {
    pub id: MessageId,
    pub author: MemberId,
    pub author_name: String,
    /// The start of its text as stored (mentions as tokens), cut to `ReplyTo::MAX_CHARS`.
    pub text: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deleted: bool,
    /// Carries a file.
    #[serde(default, skip_serializing_if = "is_false")]
    pub file: bool,
}

impl ReplyTo {
    /// How much of the original's text a reply carries.
    pub const MAX_CHARS: usize = 200;
}

/// The members who reacted to a message with one emoji, in the order they did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    pub emoji: String,
    pub members: Vec<MemberId>,
}

/// The most different emojis one message can carry (as Discord allows).
pub const MAX_REACTIONS: usize = 20;

/// The most messages pinned in one thread.
pub const MAX_PINS: usize = 50;

/// A line about a call in a direct conversation, written by the server in the caller's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum CallLine {
    /// Declined, unanswered, or hung up before an answer.
    Missed,
    /// Answered; how long it lasted.
    Ended { seconds: u32 },
}

impl CallLine {
    pub fn words(self) -> String {
        match self {
            CallLine::Missed => "Missed video call".into(),
            CallLine::Ended { seconds } => format!("Call — {}", length(seconds)),
        }
    }
}

/// "under a minute", "4 min", "1 h 5 min" (whole minutes, rounded to the nearest).
fn length(seconds: u32) -> String {
    if seconds < 60 {
        return "under a minute".into();
    }
    let minutes = (seconds + 30) / 60;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
pub(crate) fn is_false(b: &bool) -> bool {
    !*b
}

/// A direct conversation, as one of its two members sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: ConversationId,
    pub server_id: ServerId,
    /// The other member.
    pub other: Author,
}

/// A conversation as the inbox lists it: with whom, in which server, and its latest message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxEntry {
    pub conversation: Conversation,
    pub server_name: String,
    pub last: LastMessage,
}

/// The latest message of a conversation, as a line of the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastMessage {
    /// Written by the person whose inbox it is.
    pub mine: bool,
    /// Its first line as read (mentions by name), or what it was (a file, a call, deleted).
    pub line: String,
    pub at: DateTime<Utc>,
    pub created_seq: i64,
}

/// What a desktop notification about a message says, and the page it opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationText {
    pub title: String,
    pub body: String,
    /// The thread, opened at the message.
    pub path: String,
}

/// A page of history, newest first; `before` asks for the page after this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub messages: Vec<Message>,
    /// The cursor for the next (older) page, or `None` at the start of the channel.
    pub before: Option<MessageId>,
    /// The cursor for the next newer page, when the page does not reach the latest message
    /// (it was read from a point in the past: after or around a message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<MessageId>,
}

/// Where a page of history is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryAt {
    /// The newest messages.
    Latest,
    /// Messages older than this one.
    Before(MessageId),
    /// Messages newer than this one.
    After(MessageId),
    /// This message with as many older as newer around it.
    Around(MessageId),
}

impl HistoryAt {
    /// From a request's cursors, of which at most one may be given.
    pub fn from_cursors(
        before: Option<MessageId>,
        after: Option<MessageId>,
        around: Option<MessageId>,
    ) -> Result<Self, AppError> {
        match (before, after, around) {
            (None, None, None) => Ok(Self::Latest),
            (Some(id), None, None) => Ok(Self::Before(id)),
            (None, Some(id), None) => Ok(Self::After(id)),
            (None, None, Some(id)) => Ok(Self::Around(id)),
            _ => Err(AppError::Validation(
                "Give at most one of before, after and around.".into(),
            )),
        }
    }
}

/// How a thread opens for its reader: where they stopped reading, and the page to show there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opening {
    /// The newest page, or the page around the first unread message when the newest does not
    /// reach back to it (then `page.after` is set).
    pub page: HistoryPage,
    /// The first message by someone else the reader has not read: the "New messages" divider
    /// goes above it.
    pub first_unread: Option<MessageId>,
    /// The thread's latest sequence number when this was read: where catching up starts.
    pub last_seq: i64,
}

/// Everything created, edited or deleted after a sequence number, oldest change first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    pub messages: Vec<Message>,
    /// The highest sequence number included (the caller's next `since`).
    pub last_seq: i64,
    /// True when the cap cut the list: ask again from `last_seq`.
    pub more: bool,
}

/// A history page size: 30 by default, 1 to 100.
pub fn page_size(requested: Option<u64>) -> u64 {
    requested.unwrap_or(30).clamp(1, 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_text_is_trimmed_bounded_and_needs_text_or_a_file() {
        assert_eq!(MessageText::parse("  hi  ", false).unwrap().as_str(), "hi");
        assert!(MessageText::parse("   ", false).is_err());
        assert_eq!(MessageText::parse("", true).unwrap().as_str(), "");
        assert!(MessageText::parse(&"x".repeat(2000), false).is_ok());
        assert!(MessageText::parse(&"x".repeat(2001), false).is_err());
        assert!(
            MessageText::parse(&"é".repeat(2000), false).is_ok(),
            "characters, not bytes"
        );
    }

    #[test]
    fn one_history_cursor_at_most() {
        let id = MessageId(Uuid::now_v7());
        assert_eq!(
            HistoryAt::from_cursors(None, None, None).unwrap(),
            HistoryAt::Latest
        );
        assert_eq!(
            HistoryAt::from_cursors(None, None, Some(id)).unwrap(),
            HistoryAt::Around(id)
        );
        assert!(HistoryAt::from_cursors(Some(id), Some(id), None).is_err());
        assert!(HistoryAt::from_cursors(Some(id), None, Some(id)).is_err());
    }

    #[test]
    fn page_sizes_are_bounded() {
        assert_eq!(page_size(None), 30);
        assert_eq!(page_size(Some(0)), 1);
        assert_eq!(page_size(Some(500)), 100);
        assert_eq!(page_size(Some(50)), 50);
    }

    #[test]
    fn call_lines_say_what_happened_and_how_long() {
        assert_eq!(CallLine::Missed.words(), "Missed video call");
        assert_eq!(
            CallLine::Ended { seconds: 5 }.words(),
            "Call — under a minute"
        );
        assert_eq!(CallLine::Ended { seconds: 250 }.words(), "Call — 4 min");
        assert_eq!(CallLine::Ended { seconds: 3600 }.words(), "Call — 1 h");
        assert_eq!(
            CallLine::Ended { seconds: 3900 }.words(),
            "Call — 1 h 5 min"
        );
    }

    #[test]
    fn usual_fields_are_left_out_of_the_wire_form_and_come_back() {
        let plain = Message {
            id: MessageId(Uuid::now_v7()),
            seq: 7,
            content: "hello".into(),
            file_url: None,
            deleted: false,
            edited: false,
            created_at: Utc::now(),
            author: Author {
                member_id: MemberId(Uuid::new_v4()),
                profile_id: ProfileId(Uuid::new_v4()),
                name: "Ada".into(),
                image_url: Some("/avatars/x.svg?v=1".into()),
                role: Role::Guest,
            },
            nonce: Uuid::new_v4(),
            call: None,
            reactions: Vec::new(),
            reply: None,
            pinned: false,
        };
        let json = serde_json::to_string(&plain).unwrap();
        for absent in [
            "file_url",
            "deleted",
            "edited",
            "call",
            "reactions",
            "reply",
        ] {
            assert!(!json.contains(absent), "{json}");
        }
        assert_eq!(serde_json::from_str::<Message>(&json).unwrap(), plain);
        let revised = Message {
            file_url: Some("/files/a.png".into()),
            deleted: true,
            edited: true,
            call: Some(CallLine::Ended { seconds: 250 }),
            reactions: vec![Reaction {
                emoji: "👍".into(),
                members: vec![MemberId(Uuid::new_v4())],
            }],
            reply: Some(ReplyTo {
                id: MessageId(Uuid::new_v4()),
                author: MemberId(Uuid::new_v4()),
                author_name: "Bo".into(),
                text: "the start".into(),
                deleted: false,
                file: true,
            }),
            ..plain
        };
        let json = serde_json::to_string(&revised).unwrap();
        assert_eq!(serde_json::from_str::<Message>(&json).unwrap(), revised);
    }
}
