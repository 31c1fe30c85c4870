//! What each person has read, per channel and direct conversation: the sequence number up to
//! which every message created is read. Marking read only moves it forward (a late request
//! from another device never un-reads); "mark as unread" from a message moves it back to just
//! before that message. Each change is told to the person's other sockets (`ReadUpTo`), so
//! reading on one device clears the badge on the others. Unread counts are computed from it.

use chrono::Utc;
use entity::{channel_read, conversation_read};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseBackend, EntityTrait, QueryResult, Statement,
    sea_query::OnConflict,
};
use shared::ids::{ChannelId, ConversationId, MessageId, ProfileId, ServerId};
use shared::live::{ServerEvent, Thread};
use shared::unread::{ThreadUnread, UNREAD_CAP, Unread};
use uuid::Uuid;

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

/// Inserts or moves `me`'s point in the read table `$table`, whose thread column is `$thread`.
macro_rules! upsert {
    ($db:expr, $table:ident, $thread:ident, $Thread:ident, $me:expr, $id:expr, $seq:expr) => {
        $table::Entity::insert($table::ActiveModel {
            profile_id: Set($me.0),
            $thread: Set($id.0),
            last_read_seq: Set($seq),
            updated_at: Set(Utc::now()),
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

/// Puts `me`'s point in `thread` at `seq`, and tells their other sockets once committed.
async fn set_point(
    db: &impl ConnectionTrait,
    outbox: &Outbox,
    me: ProfileId,
    thread: Thread,
    seq: i64,
) -> Result<(), CommunityError> {
    match thread {
        Thread::Channel(id) => {
            upsert!(db, channel_read, channel_id, ChannelId, me, id, seq)?;
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
    use entity::channel;
    use sea_orm::{ColumnTrait, QueryFilter};
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
    use entity::channel;
    use sea_orm::{ColumnTrait, QueryFilter};
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

/// Everything `me` has not read, in every server they belong to: each channel and
/// conversation with messages by others created after the point read (two queries, whatever
/// the number of threads; each count stops at `UNREAD_CAP`).
pub async fn unread(domain: &Domain, me: ProfileId) -> Result<Unread, CommunityError> {
    let db = &domain.db;
    let backend = db.get_database_backend();
    let mut threads = Vec::new();
    let channel: fn(Uuid) -> Thread = |id| Thread::Channel(ChannelId(id));
    let conversation: fn(Uuid) -> Thread = |id| Thread::Conversation(ConversationId(id));
    for (kind, thread) in [(&CHANNELS, channel), (&CONVERSATIONS, conversation)] {
        let rows = db.query_all_raw(statement(backend, kind, me)).await?;
        for row in rows {
            if let Some(unread) = unread_row(&row, thread)? {
                threads.push(unread);
            }
        }
    }
    Ok(Unread { threads })
}

/// `(thread id, server id, last read, unread, mentions)` for every thread `{threads}` of the
/// person's current memberships (`me`), with the person's reads `r`: its messages by others in
/// `{messages}` created after the point read and not deleted, counted up to the cap, and of
/// those the ones that mention the person (`{mentions}`).
const THREADS: &str = "
SELECT t.id AS thread_id, me.server_id AS server_id,
       COALESCE(r.last_read_seq, 0) AS last_read_seq,
       (SELECT COUNT(*) FROM (
            SELECT 1 FROM {messages} m
            WHERE m.{thread_column} = t.id
              AND {unread}
            LIMIT {unread_cap}) AS counted) AS unread,
       {mentions} AS mentions
FROM member me
{threads}
WHERE me.profile_id = {me} AND me.left_at IS NULL";

/// A message `m` of the thread is unread by `me`.
const UNREAD: &str = "m.created_seq > COALESCE(r.last_read_seq, 0)
              AND m.deleted = FALSE
              AND m.member_id <> me.id";

/// Unread channel messages that name the person (a range of their own mention rows), and those
/// that mention everyone (a partial index holds only these), each counted up to the cap.
const CHANNEL_MENTIONS: &str = "(
       (SELECT COUNT(*) FROM (
            SELECT 1 FROM message_mention x JOIN message m ON m.id = x.message_id
            WHERE x.member_id = me.id AND x.channel_id = t.id
              AND x.created_seq > COALESCE(r.last_read_seq, 0)
              AND m.mentions_everyone = FALSE
              AND {unread}
            LIMIT {cap}) AS named)
     + (SELECT COUNT(*) FROM (
            SELECT 1 FROM message m
            WHERE m.channel_id = t.id AND m.mentions_everyone = TRUE
              AND {unread}
            LIMIT {cap}) AS everyone))";

/// The channels of the person's servers. A channel only says whether anything is unread (the
/// sidebar shows it bold; its count would cost a scan of up to the cap per channel), and counts
/// its mentions.
const CHANNELS: [(&str, &str); 5] = [
    ("{unread_cap}", "1"),
    ("{mentions}", CHANNEL_MENTIONS),
    ("{messages}", "message"),
    ("{thread_column}", "channel_id"),
    (
        "{threads}",
        "JOIN channel t ON t.server_id = me.server_id
         LEFT JOIN channel_read r ON r.channel_id = t.id AND r.profile_id = me.profile_id",
    ),
];

/// The person's direct conversations, counted (every message is for them: no mentions).
const CONVERSATIONS: [(&str, &str); 5] = [
    ("{unread_cap}", "{cap}"),
    ("{mentions}", "CAST(0 AS BIGINT)"),
    ("{messages}", "direct_message"),
    ("{thread_column}", "conversation_id"),
    (
        "{threads}",
        "JOIN conversation t ON t.member_one_id = me.id OR t.member_two_id = me.id
         LEFT JOIN conversation_read r ON r.conversation_id = t.id AND r.profile_id = me.profile_id",
    ),
];

fn statement(backend: DatabaseBackend, kind: &[(&str, &str)], me: ProfileId) -> Statement {
    let placeholder = match backend {
        DatabaseBackend::Postgres => "$1",
        _ => "?",
    };
    let mut sql = THREADS.to_owned();
    for (name, value) in kind {
        sql = sql.replace(name, value);
    }
    let sql = sql
        .replace("{unread}", UNREAD)
        .replace("{cap}", &UNREAD_CAP.to_string())
        .replace("{me}", placeholder);
    Statement::from_sql_and_values(backend, sql, [me.0.into()])
}

fn unread_row(
    row: &QueryResult,
    thread: fn(Uuid) -> Thread,
) -> Result<Option<ThreadUnread>, CommunityError> {
    let unread: i64 = row.try_get("", "unread")?;
    if unread == 0 {
        return Ok(None);
    }
    let mentions: i64 = row.try_get("", "mentions")?;
    let capped = |n: i64| u32::try_from(n).unwrap_or(UNREAD_CAP).min(UNREAD_CAP);
    Ok(Some(ThreadUnread {
        thread: thread(row.try_get("", "thread_id")?),
        server_id: ServerId(row.try_get("", "server_id")?),
        last_read_seq: row.try_get("", "last_read_seq")?,
        unread: capped(unread),
        mentions: capped(mentions),
    }))
}
