//! Everything a person has not read, in every server they belong to.
//!
//! A channel is unread when its latest message by anyone (`last_message_seq`, kept by the
//! write path) is beyond the point read; its mentions are counted by the write path too
//! (`channel_read.mentions`). A conversation's messages by the other person after the point
//! read are counted here, up to `UNREAD_CAP`.
//!
//! One query reads the person's memberships (each server with its `channels_version`), every
//! point they have read and their conversations' counts; each server's channels and their
//! latest messages come from this node's copy (`latest`), read again only for the servers
//! whose version moved since. The answer is one row of lists (ids as their 16 bytes one after
//! another, numbers as decimal text separated by commas), not a row per thread: on SQLite every
//! row of an answer is handed from the connection's thread to the caller's, and on both engines
//! thousands of rows, or each row formatted as text, cost more than the query. Reading every
//! channel of ~100 servers with the query instead cost PostgreSQL twice the time (a join of
//! ~2,000 channels with their read rows).

use std::collections::HashMap;
use std::sync::Arc;

use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, QueryResult, Statement, Value,
};
use shared::ids::{ChannelId, ConversationId, ProfileId, ServerId};
use shared::unread::{ChannelUnread, ConversationUnread, ServerUnread, UNREAD_CAP, Unread};
use uuid::Uuid;

use super::latest::{Channels, LatestCopy};
use crate::Domain;
use crate::communities::CommunityError;

#[cfg(test)]
#[path = "unread_tests.rs"]
mod tests;

/// Everything `me` has not read, in every server they belong to.
pub async fn unread(domain: &Domain, me: ProfileId) -> Result<Unread, CommunityError> {
    unread_on(&domain.db, &domain.latest, me).await
}

/// `unread`'s reads on a connection and a copy of their own (the benchmark times them alone).
pub async fn unread_on(
    db: &DatabaseConnection,
    copy: &LatestCopy,
    me: ProfileId,
) -> Result<Unread, CommunityError> {
    let backend = db.get_database_backend();
    let statement = Statement::from_sql_and_values(backend, sql(backend), [me.0.into()]);
    let Some(row) = db.query_one_raw(statement).await? else {
        return Ok(Unread::default());
    };
    let servers = zip2(ids(&row, "servers")?, numbers(&row, "versions")?)?;
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
    let channels = channels_of(db, copy, servers).await?;
    Ok(gather(beyond_read(&channels, reads), conversations))
}

/// Each of `servers` `(server, version)` with its channels: this node's copy where it is as of
/// that version, read (and kept) otherwise.
async fn channels_of(
    db: &DatabaseConnection,
    copy: &LatestCopy,
    servers: Vec<(Uuid, i64)>,
) -> Result<Vec<(Uuid, Arc<Channels>)>, CommunityError> {
    let mut found = Vec::with_capacity(servers.len());
    let mut stale = Vec::new();
    for (server, version) in servers {
        match copy.current(server, version) {
            Some(channels) => found.push((server, channels)),
            None => stale.push(server),
        }
    }
    for chunk in stale.chunks(RELOAD_CHUNK) {
        for (server, channels) in load(db, chunk).await? {
            let channels = Arc::new(channels);
            copy.keep(server, channels.clone());
            found.push((server, channels));
        }
    }
    Ok(found)
}

/// Servers read again per statement (each is a placeholder).
const RELOAD_CHUNK: usize = 500;

/// `servers`' versions and their channels with something written, in one statement (so each
/// version and its channels are of one moment). A server deleted since is not in the answer.
async fn load(
    db: &DatabaseConnection,
    servers: &[Uuid],
) -> Result<HashMap<Uuid, Channels>, CommunityError> {
    let backend = db.get_database_backend();
    let placeholders: Vec<String> = (1..=servers.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT s.id AS server, s.channels_version AS version, t.id AS channel,
                t.last_message_seq AS latest
         FROM server s
         LEFT JOIN channel t ON t.server_id = s.id AND t.last_message_seq > 0
         WHERE s.id IN ({})",
        placeholders.join(", ")
    );
    let values: Vec<Value> = servers.iter().map(|id| (*id).into()).collect();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    let mut loaded: HashMap<Uuid, Channels> = HashMap::new();
    for row in rows {
        let server: Uuid = row.try_get("", "server")?;
        let version: i64 = row.try_get("", "version")?;
        let channels = loaded.entry(server).or_insert_with(|| Channels {
            version,
            latest: Vec::new(),
        });
        let channel: Option<Uuid> = row.try_get("", "channel")?;
        let latest: Option<i64> = row.try_get("", "latest")?;
        if let (Some(channel), Some(latest)) = (channel, latest) {
            channels.latest.push((channel, latest));
        }
    }
    Ok(loaded)
}

/// `(server, channel, mentions)` for each channel of `servers` whose latest message is beyond
/// its point in `reads` `(channel, point, mentions)`.
fn beyond_read(
    servers: &[(Uuid, Arc<Channels>)],
    reads: Vec<(Uuid, i64, i64)>,
) -> Vec<(Uuid, Uuid, i64)> {
    let reads: HashMap<Uuid, (i64, i64)> = reads
        .into_iter()
        .map(|(channel, point, mentions)| (channel, (point, mentions)))
        .collect();
    let mut unread = Vec::new();
    for (server, channels) in servers {
        for &(channel, latest) in &channels.latest {
            let (point, mentions) = reads.get(&channel).copied().unwrap_or((0, 0));
            if latest > point {
                unread.push((*server, channel, mentions));
            }
        }
    }
    unread
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

/// Two lists of one length, as one list of pairs.
fn zip2<A, B>(a: Vec<A>, b: Vec<B>) -> Result<Vec<(A, B)>, CommunityError> {
    if a.len() != b.len() {
        return Err(malformed(format!(
            "lists of {} and {} items",
            a.len(),
            b.len()
        )));
    }
    Ok(a.into_iter().zip(b).collect())
}

/// Three lists of one length, as one list of triples.
fn zip3<A, B, C>(a: Vec<A>, b: Vec<B>, c: Vec<C>) -> Result<Vec<(A, B, C)>, CommunityError> {
    Ok(zip2(zip2(a, b)?, c)?
        .into_iter()
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
    format!(
        "SELECT * FROM
             (SELECT {servers} AS servers, {versions} AS versions
              FROM member me JOIN server s ON s.id = me.server_id
              WHERE me.profile_id = $1 AND me.left_at IS NULL) AS m
         CROSS JOIN
             (SELECT {read_channels} AS read_channels, {read_seqs} AS read_seqs,
                     {read_mentions} AS read_mentions
              FROM channel_read WHERE profile_id = $1) AS r
         CROSS JOIN
             (SELECT {conversations} AS conversations,
                     {conversation_servers} AS conversation_servers,
                     {conversation_unread} AS conversation_unread
              FROM ({CONVERSATIONS}) AS unread) AS d",
        servers = ids("me.server_id"),
        versions = numbers("s.channels_version"),
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
