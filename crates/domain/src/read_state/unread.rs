//! Everything a person has not read, in every server they belong to, in one query.
//!
//! A channel is unread when its latest message by anyone (`last_message_seq`, kept by the
//! write path) is beyond the point read; its mentions are counted by the write path too
//! (`channel_read.mentions`). A conversation's messages by the other person after the point
//! read are counted here, up to `UNREAD_CAP`.
//!
//! The query reads the person's channels and their read points as two range scans and the
//! comparison is made here: joining each of ~2,000 channels to its read row costs a B-tree
//! lookup apiece, several times the two scans together. Each scan comes back as one row of
//! lists (ids as their 16 bytes one after another, numbers as decimal text separated by
//! commas): on SQLite every row of an answer is handed from the connection's thread to the
//! caller's, and thousands of such hand-offs, or formatting each row as text, cost more than
//! the scans.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, QueryResult, Statement};
use shared::ids::{ChannelId, ConversationId, ProfileId, ServerId};
use shared::unread::{ChannelUnread, ConversationUnread, ServerUnread, UNREAD_CAP, Unread};
use uuid::Uuid;

use crate::Domain;
use crate::communities::CommunityError;

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
    let channels = zip3(
        ids(&row, "servers")?,
        ids(&row, "channels")?,
        numbers(&row, "latest")?,
    )?;
    let reads = zip3(
        ids(&row, "read_channels")?,
        numbers(&row, "read_seqs")?,
        numbers(&row, "read_mentions")?,
    )?;
    let conversations = zip3(
        ids(&row, "conversations")?,
        ids(&row, "conversation_servers")?,
        numbers(&row, "conversation_unread")?,
    )?;
    Ok(compare(channels, reads, conversations))
}

/// The channels beyond their point read, gathered by server in the order the query gave
/// them, and the conversations.
fn compare(
    channels: Vec<(Uuid, Uuid, i64)>,
    reads: Vec<(Uuid, i64, i64)>,
    conversations: Vec<(Uuid, Uuid, i64)>,
) -> Unread {
    let capped = |n: i64| u32::try_from(n).unwrap_or(UNREAD_CAP).min(UNREAD_CAP);
    let reads: HashMap<Uuid, (i64, i64)> = reads
        .into_iter()
        .map(|(channel, seq, mentions)| (channel, (seq, mentions)))
        .collect();
    let mut unread = Unread::default();
    let mut servers: HashMap<Uuid, usize> = HashMap::new();
    for (server, channel, latest) in channels {
        let (read, mentions) = reads.get(&channel).copied().unwrap_or((0, 0));
        if latest <= read {
            continue;
        }
        let at = *servers.entry(server).or_insert_with(|| {
            unread.servers.push(ServerUnread {
                server_id: ServerId(server),
                channels: Vec::new(),
            });
            unread.servers.len() - 1
        });
        unread.servers[at].channels.push(ChannelUnread {
            id: ChannelId(channel),
            mentions: capped(mentions),
        });
    }
    unread.conversations = conversations
        .into_iter()
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

/// The query for `backend`, the person being `$1`: one row of lists.
fn sql(backend: DatabaseBackend) -> String {
    // An aggregate of ids as their bytes, and of numbers as text.
    let (ids, numbers): (fn(&str) -> String, fn(&str) -> String) = match backend {
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
    format!(
        "SELECT c.servers, c.channels, c.latest,
                r.channels AS read_channels, r.seqs AS read_seqs, r.mentions AS read_mentions,
                d.conversations, d.servers AS conversation_servers,
                d.unread AS conversation_unread
         FROM (SELECT {servers} AS servers, {channels} AS channels, {latest} AS latest
               FROM member me
               JOIN channel t ON t.server_id = me.server_id
               WHERE me.profile_id = $1 AND me.left_at IS NULL
                 AND t.last_message_seq > 0) AS c
         CROSS JOIN
              (SELECT {read_channels} AS channels, {read_seqs} AS seqs,
                      {read_mentions} AS mentions
               FROM channel_read WHERE profile_id = $1) AS r
         CROSS JOIN
              (SELECT {conversations} AS conversations, {conversation_servers} AS servers,
                      {conversation_unread} AS unread
               FROM ({CONVERSATIONS}) AS unread WHERE unread.unread > 0) AS d",
        servers = ids("me.server_id"),
        channels = ids("t.id"),
        latest = numbers("t.last_message_seq"),
        read_channels = ids("channel_id"),
        read_seqs = numbers("last_read_seq"),
        read_mentions = numbers("mentions"),
        conversations = ids("unread.id"),
        conversation_servers = ids("unread.server_id"),
        conversation_unread = numbers("unread.unread"),
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
