//! What each person has read, per channel and direct conversation: the sequence number up to
//! which every message created is read. Marking read only moves it forward (a late request
//! from another device never un-reads); "mark as unread" from a message moves it back to just
//! before that message. Each change is told to the person's other sockets (`ReadUpTo`), so
//! reading on one device clears the badge on the others. Unread marks are read from it and from
//! what the write path keeps for them (`upkeep`).

pub mod latest;
mod unread;
pub(crate) mod upkeep;

pub use unread::{unread, unread_on};

use chrono::Utc;
use entity::{channel, channel_read, conversation_read};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use shared::ids::{ChannelId, MessageId, ProfileId, ServerId};
use shared::live::{ServerEvent, Thread};

use crate::Domain;
use crate::communities::CommunityError;
use crate::conversations::participant;
use crate::messages::channel_access;
use crate::writer::Outbox;

/// How far `me` may mark `thread` read: its latest sequence number, once access is checked
/// (a member of the channel's server, or one of the conversation's two people).
async fn thread_end(
    db: &impl ConnectionTrait,
    me: ProfileId,
    thread: Thread,
) -> Result<i64, CommunityError> {
    Ok(match thread {
        Thread::Channel(id) => channel_access(db, me, id).await?.0.last_seq,
        Thread::Conversation(id) => participant(db, me, id).await?.0.last_seq,
    })
}

/// Where `me` has read `thread` up to (0: nothing read).
pub(crate) async fn read_up_to(
    db: &impl ConnectionTrait,
    me: ProfileId,
    thread: Thread,
) -> Result<i64, CommunityError> {
    let seq = match thread {
        Thread::Channel(id) => channel_read::Entity::find_by_id((me.0, id.0))
            .one(db)
            .await?
            .map(|r| r.last_read_seq),
        Thread::Conversation(id) => conversation_read::Entity::find_by_id((me.0, id.0))
            .one(db)
            .await?
            .map(|r| r.last_read_seq),
    };
    Ok(seq.unwrap_or(0))
}

/// Inserts or moves `me`'s point in the read table `$table`, whose thread column is `$thread`
/// (a new row with the `$more` fields the table has besides).
macro_rules! upsert {
    ($db:expr, $table:ident, $thread:ident, $Thread:ident, $me:expr, $id:expr, $seq:expr
     $(, $more:ident: $value:expr)*) => {
        $table::Entity::insert($table::ActiveModel {
            profile_id: Set($me.0),
            $thread: Set($id.0),
            last_read_seq: Set($seq),
            updated_at: Set(Utc::now()),
            $($more: Set($value),)*
        })
        .on_conflict(
            OnConflict::columns([$table::Column::ProfileId, $table::Column::$Thread])
                .update_columns([$table::Column::LastReadSeq, $table::Column::UpdatedAt])
                .to_owned(),
        )
        .exec($db)
        .await
    };
}

/// Puts `me`'s point in `thread` at `seq`, and recounts their mentions in a channel.
async fn store_point(
    db: &impl ConnectionTrait,
    me: ProfileId,
    thread: Thread,
    seq: i64,
) -> Result<(), CommunityError> {
    match thread {
        Thread::Channel(id) => {
            // Holds the channel's row until the transaction ends, as a send does: on
            // PostgreSQL a send committing meanwhile on another node is then in the recount.
            channel::Entity::update_many()
                .col_expr(
                    channel::Column::LastSeq,
                    Expr::col(channel::Column::LastSeq),
                )
                .filter(channel::Column::Id.eq(id.0))
                .exec(db)
                .await?;
            upsert!(db, channel_read, channel_id, ChannelId, me, id, seq, mentions: 0)?;
            upkeep::recount_reader(db, me.0, id.0).await?;
        }
        Thread::Conversation(id) => {
            upsert!(
                db,
                conversation_read,
                conversation_id,
                ConversationId,
                me,
                id,
                seq
            )?;
        }
    }
    Ok(())
}

/// `me` wrote the message created at `seq` in `thread`, its latest: they have read the
/// thread, mentions and all (sending reads it; their own sockets learn it from the message's
/// announcement).
pub(crate) async fn authored(
    db: &impl ConnectionTrait,
    me: ProfileId,
    thread: Thread,
    seq: i64,
) -> Result<(), CommunityError> {
    let Thread::Channel(id) = thread else {
        return store_point(db, me, thread, seq).await;
    };
    channel_read::Entity::insert(channel_read::ActiveModel {
        profile_id: Set(me.0),
        channel_id: Set(id.0),
        last_read_seq: Set(seq),
        mentions: Set(0),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([
            channel_read::Column::ProfileId,
            channel_read::Column::ChannelId,
        ])
        .update_columns([
            channel_read::Column::LastReadSeq,
            channel_read::Column::Mentions,
            channel_read::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// Puts `me`'s point in `thread` at `seq`, and tells their other sockets once committed.
async fn set_point(
    db: &impl ConnectionTrait,
    outbox: &Outbox,
    me: ProfileId,
    thread: Thread,
    seq: i64,
) -> Result<(), CommunityError> {
    store_point(db, me, thread, seq).await?;
    outbox.publish(ServerEvent::ReadUpTo {
        profile_id: me,
        thread,
        last_read_seq: seq,
    });
    Ok(())
}

/// Marks `thread` read by `me` up to `seq` (at most its latest sequence number; never back).
/// Where it now stands.
pub async fn mark_read(
    domain: &Domain,
    me: ProfileId,
    thread: Thread,
    seq: i64,
) -> Result<i64, CommunityError> {
    domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                let end = thread_end(txn, me, thread).await?;
                let before = read_up_to(txn, me, thread).await?;
                let after = seq.clamp(0, end).max(before);
                if after != before {
                    set_point(txn, outbox, me, thread, after).await?;
                }
                Ok::<_, CommunityError>(after)
            })
        })
        .await
}

/// Marks `thread` unread for `me` from `message` on: read up to just before it was created.
pub async fn mark_unread(
    domain: &Domain,
    me: ProfileId,
    thread: Thread,
    message: MessageId,
) -> Result<i64, CommunityError> {
    domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                thread_end(txn, me, thread).await?;
                let created = created_seq(txn, thread, message)
                    .await?
                    .ok_or(CommunityError::NotFound)?;
                let after = (created - 1).max(0);
                set_point(txn, outbox, me, thread, after).await?;
                Ok::<_, CommunityError>(after)
            })
        })
        .await
}

/// The sequence number `message` of `thread` was created with.
async fn created_seq(
    db: &impl ConnectionTrait,
    thread: Thread,
    message: MessageId,
) -> Result<Option<i64>, CommunityError> {
    use entity::{direct_message, message as channel_message};
    Ok(match thread {
        Thread::Channel(id) => channel_message::Entity::find_by_id(message.0)
            .one(db)
            .await?
            .filter(|m| m.channel_id == id.0)
            .map(|m| m.created_seq),
        Thread::Conversation(id) => direct_message::Entity::find_by_id(message.0)
            .one(db)
            .await?
            .filter(|m| m.conversation_id == id.0)
            .map(|m| m.created_seq),
    })
}

/// Someone joining (or coming back to) a server finds the history of every channel they have
/// never read already read: only what is written from now on is news to them. Runs inside the
/// join's transaction.
pub(crate) async fn read_history_on_joining(
    db: &impl ConnectionTrait,
    me: ProfileId,
    server_id: ServerId,
) -> Result<(), CommunityError> {
    let channels = channel::Entity::find()
        .filter(channel::Column::ServerId.eq(server_id.0))
        .filter(channel::Column::LastSeq.gt(0))
        .all(db)
        .await?;
    if channels.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    channel_read::Entity::insert_many(channels.into_iter().map(|c| channel_read::ActiveModel {
        profile_id: Set(me.0),
        channel_id: Set(c.id),
        last_read_seq: Set(c.last_seq),
        mentions: Set(0),
        updated_at: Set(now),
    }))
    .on_conflict_do_nothing_on([
        channel_read::Column::ProfileId,
        channel_read::Column::ChannelId,
    ])
    .exec(db)
    .await?;
    Ok(())
}

/// Marks every channel of `server_id` read by `me` (a member).
pub async fn mark_server_read(
    domain: &Domain,
    me: ProfileId,
    server_id: ServerId,
) -> Result<(), CommunityError> {
    domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                crate::communities::access::membership(txn, me, server_id).await?;
                let channels = channel::Entity::find()
                    .filter(channel::Column::ServerId.eq(server_id.0))
                    .all(txn)
                    .await?;
                for channel in channels {
                    let thread = Thread::Channel(ChannelId(channel.id));
                    if read_up_to(txn, me, thread).await? < channel.last_seq {
                        set_point(txn, outbox, me, thread, channel.last_seq).await?;
                    }
                }
                Ok::<_, CommunityError>(())
            })
        })
        .await
}
