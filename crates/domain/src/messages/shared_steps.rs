//! The steps channel messages and direct messages have in common, whatever table they use.

use shared::ids::MessageId;
use shared::live::{ServerEvent, Thread};
use shared::messages::{Message, MessageText};
use shared::permissions::Action;
use uuid::Uuid;

use crate::communities::CommunityError;
use crate::communities::access::Membership;

/// What happened to a message, for its live event.
pub enum Change {
    Created,
    Updated,
    Deleted,
}

/// The live event telling the thread's followers about a change.
pub fn event(thread: Thread, change: Change, message: &Message) -> ServerEvent {
    let message = message.clone();
    match change {
        Change::Created => ServerEvent::MessageCreated { thread, message },
        Change::Updated => ServerEvent::MessageUpdated { thread, message },
        Change::Deleted => ServerEvent::MessageDeleted { thread, message },
    }
}

/// An edit or a delete of a stored message.
pub enum Revision {
    Edit(MessageText),
    Delete,
}

impl Revision {
    /// Checks the caller may make this revision to a message of `thread`; `false` when there
    /// is nothing to do (deleting a message already deleted).
    pub fn check(
        &self,
        access: &Membership,
        thread: Thread,
        (author, deleted, has_file): (Uuid, bool, bool),
    ) -> Result<bool, CommunityError> {
        let own = author == access.member.id;
        let direct = matches!(thread, Thread::Conversation(_));
        match self {
            Revision::Edit(text) => {
                access.require(Action::EditMessage { own })?;
                if deleted {
                    return Err(CommunityError::Invalid(
                        "A deleted message cannot be edited.".into(),
                    ));
                }
                if text.as_str().is_empty() && !has_file {
                    return Err(CommunityError::Invalid(
                        "Write a message or attach a file.".into(),
                    ));
                }
                Ok(true)
            }
            Revision::Delete => {
                access.require(Action::DeleteMessage { own, direct })?;
                Ok(!deleted)
            }
        }
    }

    /// The live event this revision publishes.
    pub fn change(&self) -> Change {
        match self {
            Revision::Edit(_) => Change::Updated,
            Revision::Delete => Change::Deleted,
        }
    }
}

/// Cuts a `limit + 1` query result to one page and the cursor for the next.
pub fn page<R>(
    mut rows: Vec<R>,
    limit: u64,
    id: impl Fn(&R) -> Uuid,
) -> (Vec<R>, Option<MessageId>) {
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let before = if more {
        rows.last().map(|r| MessageId(id(r)))
    } else {
        None
    };
    (rows, before)
}

/// Cuts a `cap + 1` changes query to the cap; the last number included and whether more exist.
pub fn capped<R>(
    mut rows: Vec<R>,
    cap: u64,
    since: i64,
    seq: impl Fn(&R) -> i64,
) -> (Vec<R>, i64, bool) {
    let more = rows.len() as u64 > cap;
    rows.truncate(usize::try_from(cap).unwrap_or(usize::MAX));
    let last = rows.last().map_or(since, seq);
    (rows, last, more)
}
