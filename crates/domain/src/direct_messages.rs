//! Messages in a direct conversation: the same rules as channel messages (idempotent sends,
//! author-only edits, soft deletes by the author or a MODERATOR/ADMIN), readable and writable
//! only by the conversation's two members. The steps are shared (`messages::thread_table`); this
//! module is the conversation side.

use entity::{conversation, direct_message, member};
use sea_orm::{ConnectionTrait, EntityTrait};
use shared::account::CurrentUser;
use shared::ids::{ConversationId, MessageId, ProfileId, ServerId};
use shared::live::{ServerEvent, Thread};
use shared::messages::{CallLine, Changes, HistoryAt, HistoryPage, Message, MessageText, Opening};
use uuid::Uuid;

use crate::Domain;
use crate::communities::CommunityError;
use crate::communities::access::Membership;
use crate::conversations::participant;
use crate::files::FileKey;
use crate::messages::shared_steps::Revision;
use crate::messages::thread_table::{self, Author, Created, Outgoing, ThreadTable, row_shape};
use crate::uploads::Usage;

/// Posts a direct message. A retry with the same nonce returns the first message.
/// Writes a line about a call into the conversation, in the caller's name (`member`).
pub(crate) async fn post_call_line(
    domain: &Domain,
    conversation: ConversationId,
    member: Uuid,
    line: CallLine,
) -> Result<Message, CommunityError> {
    thread_table::post_call_line::<Conversations>(domain, conversation.0, member, line).await
}

pub async fn send(
    domain: &Domain,
    me: &CurrentUser,
    conversation_id: ConversationId,
    text: MessageText,
    file: Option<FileKey>,
    reply_to: Option<MessageId>,
    nonce: Uuid,
) -> Result<Message, CommunityError> {
    let outgoing = Outgoing {
        text,
        file,
        reply_to,
        nonce,
    };
    thread_table::send::<Conversations>(domain, me, conversation_id.0, outgoing).await
}

/// A page of the conversation's history, newest first, read from `at`.
pub async fn history(
    domain: &Domain,
    me: ProfileId,
    conversation_id: ConversationId,
    at: HistoryAt,
    limit: u64,
) -> Result<HistoryPage, CommunityError> {
    thread_table::history::<Conversations>(domain, me, conversation_id.0, at, limit).await
}

/// How the thread opens for `me`: at `at`, or at the first message they have not read.
pub async fn opening(
    domain: &Domain,
    me: ProfileId,
    conversation_id: ConversationId,
    at: Option<MessageId>,
    limit: u64,
) -> Result<Opening, CommunityError> {
    thread_table::opening::<Conversations>(domain, me, conversation_id.0, at, limit).await
}

/// Everything created, edited or deleted in the conversation after `since`, capped.
pub async fn changes_since(
    domain: &Domain,
    me: ProfileId,
    conversation_id: ConversationId,
    since: i64,
) -> Result<Changes, CommunityError> {
    thread_table::changes_since::<Conversations>(domain, me, conversation_id.0, since).await
}

/// Replaces a direct message's text (its author only; not once deleted).
pub async fn edit(
    domain: &Domain,
    me: ProfileId,
    message_id: MessageId,
    text: MessageText,
) -> Result<Message, CommunityError> {
    thread_table::revise::<Conversations>(domain, me, message_id, Revision::Edit(text)).await
}

/// Soft-deletes a direct message (its author only: the server's staff have no say over a
/// private conversation): the row stays, its text becomes "This message has been deleted." and
/// its file is cleared.
pub async fn delete(
    domain: &Domain,
    me: ProfileId,
    message_id: MessageId,
) -> Result<Message, CommunityError> {
    thread_table::revise::<Conversations>(domain, me, message_id, Revision::Delete).await
}

/// Adds (`on`) or takes back the caller's reaction to a direct message (either person).
pub async fn react(
    domain: &Domain,
    me: ProfileId,
    message_id: MessageId,
    emoji: &str,
    on: bool,
) -> Result<Message, CommunityError> {
    crate::messages::react::react::<Conversations>(domain, me, message_id, emoji, on).await
}

/// Pins (`on`) or unpins a direct message (either person).
pub async fn pin(
    domain: &Domain,
    me: ProfileId,
    message_id: MessageId,
    on: bool,
) -> Result<Message, CommunityError> {
    crate::messages::pins::pin::<Conversations>(domain, me, message_id, on).await
}

/// The conversation's pinned messages, the latest pinned first.
pub async fn pinned(
    domain: &Domain,
    me: ProfileId,
    conversation_id: ConversationId,
) -> Result<Vec<Message>, CommunityError> {
    crate::messages::pins::pinned::<Conversations>(domain, me, conversation_id.0).await
}

/// The `direct_message` table: threads are conversations, readable by their two members.
struct Conversations;

impl ThreadTable for Conversations {
    type Entity = direct_message::Entity;
    type Model = direct_message::Model;
    type Shown = crate::messages::rows::Shown<direct_message::Entity>;
    type Active = direct_message::ActiveModel;
    type Column = direct_message::Column;
    type Parent = conversation::Entity;

    const PARENT_ID: conversation::Column = conversation::Column::Id;
    const PARENT_LAST_SEQ: conversation::Column = conversation::Column::LastSeq;
    const PARENT_LAST_MESSAGE_SEQ: conversation::Column = conversation::Column::LastMessageSeq;

    const THREAD: direct_message::Column = direct_message::Column::ConversationId;
    const ID: direct_message::Column = direct_message::Column::Id;
    const SEQ: direct_message::Column = direct_message::Column::Seq;
    const CREATED_SEQ: direct_message::Column = direct_message::Column::CreatedSeq;
    const DELETED: direct_message::Column = direct_message::Column::Deleted;
    const PINNED_AT: direct_message::Column = direct_message::Column::PinnedAt;
    const MEMBER: direct_message::Column = direct_message::Column::MemberId;
    const NONCE: direct_message::Column = direct_message::Column::Nonce;

    fn thread(id: Uuid) -> Thread {
        Thread::Conversation(ConversationId(id))
    }

    fn usage(access: &Membership, thread: Uuid, message: Uuid) -> Usage {
        Usage::DirectMessage {
            server: ServerId(access.server.id),
            conversation: ConversationId(thread),
            message,
        }
    }

    fn thread_of(row: &direct_message::Model) -> Uuid {
        row.conversation_id
    }

    async fn access<C: ConnectionTrait + Sync>(
        db: &C,
        me: ProfileId,
        thread: Uuid,
    ) -> Result<Membership, CommunityError> {
        Ok(participant(db, me, ConversationId(thread)).await?.1)
    }

    /// Goes to the other person of the conversation.
    async fn activity<C: ConnectionTrait + Sync>(
        db: &C,
        author: &Author,
        thread: Uuid,
        created: Created,
    ) -> Result<ServerEvent, CommunityError> {
        let row = conversation::Entity::find_by_id(thread)
            .one(db)
            .await?
            .ok_or(CommunityError::NotFound)?;
        let other = if row.member_one_id == author.member {
            row.member_two_id
        } else {
            row.member_one_id
        };
        let to = member::Entity::find_by_id(other)
            .one(db)
            .await?
            .ok_or(CommunityError::NotFound)?;
        Ok(ServerEvent::DirectActivity {
            to: ProfileId(to.profile_id),
            server_id: author.server,
            conversation_id: ConversationId(thread),
            message_id: created.message,
            created_seq: created.seq,
            author: author.profile,
        })
    }

    row_shape!(direct_message, conversation_id);
}
