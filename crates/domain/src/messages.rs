//! Channel messages: send (idempotent by nonce), edit, soft delete, keyset history, and
//! "changes since sequence N". Every create, edit and delete takes the channel's next sequence
//! number in the same transaction, so a client that knows its last number can catch up exactly.
//! The steps are shared with direct messages (`thread_table`); this module is the channel side.

pub(crate) mod authors;
pub(crate) mod mentions;
pub(crate) mod pins;
pub(crate) mod preview;
pub(crate) mod react;
pub(crate) mod reactions;
pub(crate) mod rows;
pub(crate) mod shared_steps;
pub(crate) mod thread_table;

use entity::{channel, member, message, server};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use shared::account::CurrentUser;
use shared::ids::{ChannelId, MessageId, ProfileId, ServerId};
use shared::live::{ServerEvent, Thread};
use shared::messages::{Changes, HistoryAt, HistoryPage, Message, MessageText, Opening};
use uuid::Uuid;

use crate::Domain;
use crate::communities::CommunityError;
use crate::communities::access::Membership;
use crate::files::FileKey;
use crate::uploads::Usage;
use shared_steps::Revision;
use thread_table::{Author, Created, Outgoing, ThreadTable, row_shape};

/// The most changes one `changes_since` answer carries.
pub const CHANGES_CAP: u64 = 500;

/// Posts a message (answering `reply_to`, a message of the same channel, when given). A retry
/// with the same nonce returns the first message and creates nothing.
pub async fn send(
    domain: &Domain,
    me: &CurrentUser,
    channel_id: ChannelId,
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
    thread_table::send::<Channels>(domain, me, channel_id.0, outgoing).await
}

/// A page of history, newest first, read from `at` (the newest, before, after or around a
/// message).
pub async fn history(
    domain: &Domain,
    me: ProfileId,
    channel_id: ChannelId,
    at: HistoryAt,
    limit: u64,
) -> Result<HistoryPage, CommunityError> {
    thread_table::history::<Channels>(domain, me, channel_id.0, at, limit).await
}

/// How the thread opens for `me`: at `at`, or at the first message they have not read.
pub async fn opening(
    domain: &Domain,
    me: ProfileId,
    channel_id: ChannelId,
    at: Option<MessageId>,
    limit: u64,
) -> Result<Opening, CommunityError> {
    thread_table::opening::<Channels>(domain, me, channel_id.0, at, limit).await
}

/// Every message created, edited or deleted after `since`, oldest change first, capped.
pub async fn changes_since(
    domain: &Domain,
    me: ProfileId,
    channel_id: ChannelId,
    since: i64,
) -> Result<Changes, CommunityError> {
    thread_table::changes_since::<Channels>(domain, me, channel_id.0, since).await
}

/// Replaces a message's text (its author only; not once deleted).
pub async fn edit(
    domain: &Domain,
    me: ProfileId,
    message_id: MessageId,
    text: MessageText,
) -> Result<Message, CommunityError> {
    thread_table::revise::<Channels>(domain, me, message_id, Revision::Edit(text)).await
}

/// Soft-deletes a message (its author, or a MODERATOR or ADMIN): the row stays, its text
/// becomes "This message has been deleted." and its file is cleared.
pub async fn delete(
    domain: &Domain,
    me: ProfileId,
    message_id: MessageId,
) -> Result<Message, CommunityError> {
    thread_table::revise::<Channels>(domain, me, message_id, Revision::Delete).await
}

/// Adds (`on`) or takes back the caller's reaction to a channel message (any member of the
/// server); the message with all its reactions.
pub async fn react(
    domain: &Domain,
    me: ProfileId,
    message_id: MessageId,
    emoji: &str,
    on: bool,
) -> Result<Message, CommunityError> {
    react::react::<Channels>(domain, me, message_id, emoji, on).await
}

/// Pins (`on`) or unpins a channel message (moderators and admins).
pub async fn pin(
    domain: &Domain,
    me: ProfileId,
    message_id: MessageId,
    on: bool,
) -> Result<Message, CommunityError> {
    pins::pin::<Channels>(domain, me, message_id, on).await
}

/// The channel's pinned messages, the latest pinned first (any member of the server).
pub async fn pinned(
    domain: &Domain,
    me: ProfileId,
    channel_id: ChannelId,
) -> Result<Vec<Message>, CommunityError> {
    pins::pinned::<Channels>(domain, me, channel_id.0).await
}

/// The channel and the caller's membership of its server (NotFound for non-members).
pub(crate) async fn channel_access(
    db: &impl ConnectionTrait,
    me: ProfileId,
    channel_id: ChannelId,
) -> Result<(channel::Model, Membership), CommunityError> {
    // One query (the channel, its server and the caller's membership): it runs before every
    // history page, send and socket follow.
    let found = member::Entity::find()
        .filter(member::Column::ProfileId.eq(me.0))
        .filter(member::Column::LeftAt.is_null())
        .find_also_related(server::Entity)
        .find_also(server::Entity, channel::Entity)
        .filter(channel::Column::Id.eq(channel_id.0))
        .one(db)
        .await?;
    match found {
        Some((member, Some(server), Some(channel))) => Ok((channel, Membership { server, member })),
        _ => Err(CommunityError::NotFound),
    }
}

/// The `message` table: threads are channels, readable by the members of their server.
struct Channels;

impl ThreadTable for Channels {
    type Entity = message::Entity;
    type Model = message::Model;
    type Shown = rows::Shown<message::Entity>;
    type Active = message::ActiveModel;
    type Column = message::Column;
    type Parent = channel::Entity;

    const PARENT_ID: channel::Column = channel::Column::Id;
    const PARENT_LAST_SEQ: channel::Column = channel::Column::LastSeq;
    const PARENT_LAST_MESSAGE_SEQ: channel::Column = channel::Column::LastMessageSeq;

    const THREAD: message::Column = message::Column::ChannelId;
    const ID: message::Column = message::Column::Id;
    const SEQ: message::Column = message::Column::Seq;
    const CREATED_SEQ: message::Column = message::Column::CreatedSeq;
    const DELETED: message::Column = message::Column::Deleted;
    const PINNED_AT: message::Column = message::Column::PinnedAt;
    const MEMBER: message::Column = message::Column::MemberId;
    const NONCE: message::Column = message::Column::Nonce;

    fn thread(id: Uuid) -> Thread {
        Thread::Channel(ChannelId(id))
    }

    fn usage(access: &Membership, _thread: Uuid, message: Uuid) -> Usage {
        Usage::Message {
            server: ServerId(access.server.id),
            message,
        }
    }

    fn thread_of(row: &message::Model) -> Uuid {
        row.channel_id
    }

    async fn access<C: ConnectionTrait + Sync>(
        db: &C,
        me: ProfileId,
        thread: Uuid,
    ) -> Result<Membership, CommunityError> {
        Ok(channel_access(db, me, ChannelId(thread)).await?.1)
    }

    async fn activity<C: ConnectionTrait + Sync>(
        _db: &C,
        author: &Author,
        thread: Uuid,
        created: Created,
    ) -> Result<ServerEvent, CommunityError> {
        Ok(ServerEvent::ChannelActivity {
            server_id: author.server,
            channel_id: ChannelId(thread),
            message_id: created.message,
            created_seq: created.seq,
            author: author.profile,
            mentioned: created.mentioned.profiles,
            everyone: created.mentioned.mentions.everyone,
        })
    }

    row_shape!(message, channel_id);
}

pub(crate) fn is_unique_violation(e: &DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
