//! Everything a person has not read, in every server they belong to, in one query.
//!
//! A channel is unread when its latest message by anyone (`last_message_seq`, kept by the
//! write path) is beyond the point read; its mentions are counted by the write path too
//! (`channel_read.mentions`). A conversation's messages by the other person after the point
//! read are counted here, up to `UNREAD_CAP`.
//!
//! The answer is one row of lists (ids as their 16 bytes one after another, numbers as decimal
//! text separated by commas), not a row per thread: on SQLite every row of an answer is handed
//! from the connection's thread to the caller's, and on both engines thousands of rows, or
//! each row formatted as text, cost more than the query. On SQLite the person's channels and
//! their read points come as two range scans compared here: joining each of ~2,000 channels to
//! its read row costs a B-tree lookup apiece, several times the two scans together.
//! PostgreSQL joins them by hashing, cheaper than handing both lists over.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, QueryResult, Statement};
use shared::ids::{ChannelId, ConversationId, ProfileId, ServerId};
use shared::unread::{ChannelUnread, ConversationUnread, ServerUnread, UNREAD_CAP, Unread};
use uuid::Uuid;

use crate::Domain;
use crate::communities::CommunityError;

#[cfg(test)]
#[path = "unread_tests.rs"]
mod tests;

/// Everything `me` has not read, in every server they belong to.
pub async fn unread(domain: &Domain, me: ProfileId) -> Result<Unread, CommunityError> {
    unread_on(&domain.db, me).await
}

/// `unread`'s query on a connection of its own (the benchmark times it alone).
pub async fn unread_on(db: &DatabaseConnection, me: ProfileId) -> Result<Unread, CommunityError> {
    let backend = db.get_database_backend();
    let statement = Statement::from_sql_and_values(backend, sql(backend), [me.0.into()]);
    let Some(row) = db.query_one_raw(statement).await? else {
        return Ok(Unread::default());
    };
    let channels = match backend {
        DatabaseBackend::Sqlite => beyond_read(
            zip3(
                ids(&row, "servers")?,
                ids(&row, "channels")?,
                numbers(&row, "latest")?,
            )?,
            zip3(
                ids(&row, "read_channels")?,
                numbers(&row, "read_seqs")?,
                numbers(&row, "read_mentions")?,
            )?,
        ),
        _ => zip3(
            ids(&row, "servers")?,
            ids(&row, "channels")?,
            numbers(&row, "mentions")?,
        )?,
    };
    let conversations = zip3(
        ids(&row, "conversations")?,
        ids(&row, "conversation_servers")?,
        numbers(&row, "conversation_unread")?,
    )?;
    Ok(gather(channels, conversations))
}

/// `(server, channel, mentions)` for each of `channels` `(server, channel, latest)` whose
/// latest message is beyond its point in `reads` `(channel, point, mentions)`.
fn beyond_read(
    channels: Vec<(Uuid, Uuid, i64)>,
    reads: Vec<(Uuid, i64, i64)>,
) -> Vec<(Uuid, Uuid, i64)> {
    let reads: HashMap<Uuid, (i64, i64)> = reads
        .into_iter()
        .map(|(channel, point, mentions)| (channel, (point, mentions)))
        .collect();
    channels
        .into_iter()
        .filter_map(|(server, channel, latest)| {
            let (point, mentions) = reads.get(&channel).copied().unwrap_or((0, 0));
            (latest > point).then_some((server, channel, mentions))
        })
        .collect()
}

/// The unread channels `(server, channel, mentions)` gathered by server, and the
/// conversations `(conversation, server, unread)` with something by the other person (only
/// one's own after the point read leaves nothing unread); each in id order, whatever order
/// the query's plan gave them in.
fn gather(
    mut channels: Vec<(Uuid, Uuid, i64)>,
    mut conversations: Vec<(Uuid, Uuid, i64)>,
) -> Unread {
    let capped = |n: i64| u32::try_from(n).unwrap_or(UNREAD_CAP).min(UNREAD_CAP);
    channels.sort_unstable();
    conversations.sort_unstable();
    let mut unread = Unread::default();
    for (server, channel, mentions) in channels {
        let channel = ChannelUnread {
            id: ChannelId(channel),
            mentions: capped(mentions),
        };
        match unread.servers.last_mut() {
            Some(last) if last.server_id.0 == server => last.channels.push(channel),
            _ => unread.servers.push(ServerUnread {
                server_id: ServerId(server),
                channels: vec![channel],
            }),
        }
    }
    unread.conversations = conversations
        .into_iter()
        .filter(|&(_, _, count)| count > 0)
        .map(|(id, server, count)| ConversationUnread {
            id: ConversationId(id),
            server_id: ServerId(server),
            unread: capped(count),
        })
        .collect();
    unread
}

/// Three lists of one length, as one list of triples.
fn zip3<A, B, C>(a: Vec<A>, b: Vec<B>, c: Vec<C>) -> Result<Vec<(A, B, C)>, CommunityError> {
    if a.len() != b.len() || a.len() != c.len() {
        return Err(malformed(format!(
            "lists of {}, {} and {} items",
            a.len(),
            b.len(),
            c.len()
        )));
    }
    Ok(a.into_iter()
        .zip(b)
        .zip(c)
        .map(|((a, b), c)| (a, b, c))
        .collect())
}

/// The ids in column `name`: 16 bytes each, one after another (none when the list is NULL).
fn ids(row: &QueryResult, name: &str) -> Result<Vec<Uuid>, CommunityError> {
    let bytes: Option<Vec<u8>> = row.try_get("", name)?;
    let bytes = bytes.unwrap_or_default();
    let chunks = bytes.chunks_exact(16);
    if !chunks.remainder().is_empty() {
        return Err(malformed(format!("{name}: {} bytes", bytes.len())));
    }
    chunks
        .map(|id| Uuid::from_slice(id).map_err(|e| malformed(format!("{name}: {e}"))))
        .collect()
}

/// The numbers in column `name`, separated by commas (none when the list is NULL).
fn numbers(row: &QueryResult, name: &str) -> Result<Vec<i64>, CommunityError> {
    let text: Option<String> = row.try_get("", name)?;
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    text.split(',')
        .map(|n| n.parse().map_err(|_| malformed(format!("{name}: {n:?}"))))
        .collect()
}

fn malformed(what: String) -> CommunityError {
    CommunityError::Unexpected(anyhow::anyhow!("unread lists: {what}"))
}

/// An aggregate function's SQL over a column.
type Aggregate = fn(&str) -> String;

/// The query for `backend`, the person being `$1`: one row of lists.
fn sql(backend: DatabaseBackend) -> String {
    // An aggregate of ids as their bytes, and of numbers as text.
    let (ids, numbers): (Aggregate, Aggregate) = match backend {
        // `group_concat` appends each value's bytes as they are (a blob's included).
        DatabaseBackend::Sqlite => (
            |column| format!("CAST(group_concat({column}, '') AS BLOB)"),
            |column| format!("group_concat({column}, ',')"),
        ),
        _ => (
            |column| format!("string_agg(uuid_send({column}), ''::bytea)"),
            |column| format!("string_agg(CAST({column} AS TEXT), ',')"),
        ),
    };
    let channels = match backend {
        // The channels of the person's servers with anything written, and every point they
        // have read, compared in Rust (`beyond_read`).
        DatabaseBackend::Sqlite => format!(
            "SELECT * FROM
                 (SELECT {servers} AS servers, {channels} AS channels, {latest} AS latest
                  FROM member me
                  JOIN channel t ON t.server_id = me.server_id
                  WHERE me.profile_id = $1 AND me.left_at IS NULL
                    AND t.last_message_seq > 0) AS c
             CROSS JOIN
                 (SELECT {read_channels} AS read_channels, {read_seqs} AS read_seqs,
                         {read_mentions} AS read_mentions
                  FROM channel_read WHERE profile_id = $1) AS r",
            servers = ids("me.server_id"),
            channels = ids("t.id"),
            latest = numbers("t.last_message_seq"),
            read_channels = ids("channel_id"),
            read_seqs = numbers("last_read_seq"),
            read_mentions = numbers("mentions"),
        ),
        // PostgreSQL joins the two itself, hashing on the channel alone (the person is `$1`).
        _ => format!(
            "SELECT {servers} AS servers, {channels} AS channels, {mentions} AS mentions
             FROM member me
             JOIN channel t ON t.server_id = me.server_id
             LEFT JOIN channel_read r ON r.channel_id = t.id AND r.profile_id = $1
             WHERE me.profile_id = $1 AND me.left_at IS NULL
               AND t.last_message_seq > COALESCE(r.last_read_seq, 0)",
            servers = ids("me.server_id"),
            channels = ids("t.id"),
            mentions = numbers("COALESCE(r.mentions, 0)"),
        ),
    };
    format!(
        "SELECT * FROM ({channels}) AS c
         CROSS JOIN
             (SELECT {conversations} AS conversations, {servers} AS conversation_servers,
                     {unread} AS conversation_unread
              FROM ({CONVERSATIONS}) AS unread) AS d",
        conversations = ids("unread.id"),
        servers = ids("unread.server_id"),
        unread = numbers("unread.unread"),
        CONVERSATIONS = CONVERSATIONS.replace("{cap}", &UNREAD_CAP.to_string()),
    )
}

/// `(id, server id, unread)` for each conversation of `$1`'s current memberships whose
/// latest message is beyond the point read, its messages by the other person after that
/// point counted up to `{cap}`.
const CONVERSATIONS: &str = "
SELECT t.id AS id, me.server_id AS server_id,
       (SELECT COUNT(*) FROM (
            SELECT 1 FROM direct_message m
            WHERE m.conversation_id = t.id
              AND m.created_seq > COALESCE(r.last_read_seq, 0)
              AND m.deleted = FALSE AND m.member_id <> me.id
            LIMIT {cap}) AS counted) AS unread
FROM member me
JOIN conversation t ON t.member_one_id = me.id OR t.member_two_id = me.id
LEFT JOIN conversation_read r ON r.conversation_id = t.id AND r.profile_id = me.profile_id
WHERE me.profile_id = $1 AND me.left_at IS NULL
  AND t.last_message_seq > COALESCE(r.last_read_seq, 0)";
