//! What the write path keeps so that every unread mark of a person is one cheap query: each
//! thread's latest message still standing (`last_message_seq`, moved by the sends and deletions;
//! an author's own read point moves past what they send, so "something unread" is that number
//! beyond the reader's point), and each person's count of unread mentions per channel
//! (`channel_read.mentions`), recounted from the indexes for exactly those a change concerns:
//! the people a message mentions when it is sent, edited or deleted, and a reader when they move
//! their read point. Each runs inside the transaction of the change it follows.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr, Statement, Value};
use shared::live::Thread;
use uuid::Uuid;

/// Who a change to a channel message may move the mention counts of.
pub(crate) enum Concerned {
    /// These members, mentioned by name (before or after an edit).
    Members(Vec<Uuid>),
    /// Every member of the channel's server: the message mentions everyone, or did.
    Everyone,
}

impl Concerned {
    pub(crate) fn of(everyone: bool, members: Vec<Uuid>) -> Self {
        if everyone {
            Self::Everyone
        } else {
            Self::Members(members)
        }
    }
}

/// The unread mentions of the read row `channel_read`: messages of its channel by others,
/// created after its point and not deleted, that mention its person by name (a range of their
/// own mention rows) or mention everyone (a partial index holds only those).
const MENTIONS: &str = "(
        SELECT COUNT(*) FROM member me
        JOIN channel c ON c.server_id = me.server_id
        JOIN message_mention x ON x.member_id = me.id AND x.channel_id = c.id
        JOIN message m ON m.id = x.message_id
        WHERE me.profile_id = channel_read.profile_id AND c.id = channel_read.channel_id
          AND x.created_seq > channel_read.last_read_seq
          AND m.mentions_everyone = FALSE AND m.deleted = FALSE AND m.member_id <> me.id
    ) + (
        SELECT COUNT(*) FROM member me
        JOIN channel c ON c.server_id = me.server_id
        JOIN message m ON m.channel_id = c.id
        WHERE me.profile_id = channel_read.profile_id AND c.id = channel_read.channel_id
          AND m.mentions_everyone = TRUE AND m.created_seq > channel_read.last_read_seq
          AND m.deleted = FALSE AND m.member_id <> me.id
    )";

/// The message created at `created_seq` in `thread` was deleted: if it was the latest still
/// standing, the latest is now the one before it that still stands.
pub(crate) async fn deleted(
    db: &impl ConnectionTrait,
    thread: Thread,
    created_seq: i64,
) -> Result<(), DbErr> {
    let (table, messages, column, id) = match thread {
        Thread::Channel(id) => ("channel", "message", "channel_id", id.0),
        Thread::Conversation(id) => ("conversation", "direct_message", "conversation_id", id.0),
    };
    let sql = format!(
        "UPDATE {table} SET last_message_seq = COALESCE((
            SELECT m.created_seq FROM {messages} m
            WHERE m.{column} = $1 AND m.deleted = FALSE
            ORDER BY m.created_seq DESC LIMIT 1), 0)
         WHERE id = $1 AND last_message_seq = $2"
    );
    run(db, &sql, vec![id.into(), created_seq.into()]).await
}

/// Recounts the unread mentions in `channel` (of `server`) of those `concerned` who have not
/// read up to the message created at `created_seq`, giving each current member among them a
/// read row first (nothing read) where they have none.
pub(crate) async fn recount(
    db: &impl ConnectionTrait,
    server: Uuid,
    channel: Uuid,
    created_seq: i64,
    concerned: &Concerned,
) -> Result<(), DbErr> {
    let named: Vec<Value> = match concerned {
        Concerned::Everyone => Vec::new(),
        Concerned::Members(ids) if ids.is_empty() => return Ok(()),
        Concerned::Members(ids) => ids.iter().map(|id| Value::from(*id)).collect(),
    };
    // The members named, their placeholders numbered from `first`.
    let among = |first: usize| match concerned {
        Concerned::Everyone => String::new(),
        Concerned::Members(_) => {
            let list: Vec<String> = (first..first + named.len())
                .map(|i| format!("${i}"))
                .collect();
            format!("id IN ({})", list.join(", "))
        }
    };
    let rows = format!(
        "INSERT INTO channel_read (profile_id, channel_id, last_read_seq, mentions, updated_at)
         SELECT profile_id, $1, 0, 0, $2 FROM member
         WHERE server_id = $3 AND left_at IS NULL {}
         ON CONFLICT (profile_id, channel_id) DO NOTHING",
        and(among(4))
    );
    let mut values = vec![channel.into(), Utc::now().into(), server.into()];
    values.extend(named.iter().cloned());
    run(db, &rows, values).await?;
    let people = match concerned {
        Concerned::Everyone => String::new(),
        Concerned::Members(_) => format!(
            "profile_id IN (SELECT profile_id FROM member WHERE {})",
            among(3)
        ),
    };
    let counts = format!(
        "UPDATE channel_read SET mentions = {MENTIONS}
         WHERE channel_id = $1 AND last_read_seq < $2 {}",
        and(people)
    );
    let mut values = vec![channel.into(), created_seq.into()];
    values.extend(named);
    run(db, &counts, values).await
}

/// `AND condition`, or nothing for no condition.
fn and(condition: String) -> String {
    if condition.is_empty() {
        condition
    } else {
        format!("AND {condition}")
    }
}

/// Recounts `me`'s unread mentions in `channel` from the point they have read up to.
pub(crate) async fn recount_reader(
    db: &impl ConnectionTrait,
    me: Uuid,
    channel: Uuid,
) -> Result<(), DbErr> {
    let sql = format!(
        "UPDATE channel_read SET mentions = {MENTIONS} WHERE channel_id = $1 AND profile_id = $2"
    );
    run(db, &sql, vec![channel.into(), me.into()]).await
}

/// Runs `sql`, written with PostgreSQL's numbered placeholders (SQLite reads them alike).
pub(crate) async fn run(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(())
}
