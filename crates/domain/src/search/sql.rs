//! The query for one source of hits (channel messages or direct messages), for either engine:
//! the messages `me` may read that match, after the source's position, newest first.

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseBackend, Statement, Value};
use shared::ids::ProfileId;
use shared::search::SearchQuery;

use super::cursor::{Key, Position};

/// One message table and the threads of it a person may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Channels,
    Conversations,
}

impl Source {
    fn table(self) -> &'static str {
        match self {
            Source::Channels => "message",
            Source::Conversations => "direct_message",
        }
    }
}

/// The bounds a query puts on creation time, worked out in the searcher's calendar.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Days {
    pub before: Option<DateTime<Utc>>,
    pub from: Option<DateTime<Utc>>,
}

/// A statement with numbered parameters, each used once, in order (so SQLite, which numbers
/// `$n` by first appearance, and PostgreSQL read them alike).
struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        format!("${}", self.values.len())
    }

    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }
}

/// The statement finding up to `limit` hits of `source` after `position`: each row's `id` and
/// its order key `at` (and, on PostgreSQL, the id breaks ties).
pub(crate) fn hits(
    backend: DatabaseBackend,
    source: Source,
    me: ProfileId,
    query: &SearchQuery,
    days: Days,
    position: Position,
    limit: u64,
) -> Statement {
    let postgres = backend == DatabaseBackend::Postgres;
    let table = source.table();
    let mut sql = Sql {
        text: String::new(),
        values: Vec::new(),
    };
    let with_words = !query.words.is_empty();
    // The order key: SQLite's row ids grow with each insert (the FTS index is keyed by them);
    // PostgreSQL's is the creation time.
    let key = match (postgres, with_words) {
        (true, _) => "(extract(epoch FROM m.created_at) * 1000000)::bigint",
        (false, true) => "s.rowid",
        (false, false) => "m.rowid",
    };
    sql.push(&format!("SELECT m.id AS id, {key} AS at FROM "));
    if with_words && !postgres {
        sql.push(&format!(
            "{table}_search s JOIN {table} m ON m.rowid = s.rowid WHERE {table}_search MATCH "
        ));
        let fts: Vec<String> = query.words.iter().map(|w| format!("\"{w}\"")).collect();
        let p = sql.bind(fts.join(" "));
        sql.push(&p);
    } else {
        sql.push(&format!("{table} m WHERE TRUE"));
        if with_words {
            let p = sql.bind(query.words.join(" & "));
            sql.push(&format!(" AND m.search @@ to_tsquery('simple', {p})"));
        }
    }
    sql.push(" AND NOT m.deleted");

    // The threads `me` may read: channels of the servers they are in now, or conversations
    // one of whose two members is them, in a server they are still in.
    let me_param = sql.bind(me.0);
    match source {
        Source::Channels => {
            sql.push(&format!(
                " AND m.channel_id IN (SELECT c.id FROM channel c JOIN member r \
                 ON r.server_id = c.server_id WHERE r.profile_id = {me_param} \
                 AND r.left_at IS NULL"
            ));
            if let Some(name) = &query.channel {
                let p = sql.bind(name.clone());
                sql.push(&format!(" AND c.name = {p}"));
            }
            sql.push(")");
        }
        Source::Conversations => sql.push(&format!(
            " AND m.conversation_id IN (SELECT v.id FROM conversation v JOIN member r \
             ON r.id = v.member_one_id OR r.id = v.member_two_id \
             WHERE r.profile_id = {me_param} AND r.left_at IS NULL)"
        )),
    }
    if let Some(from) = &query.from {
        let p = sql.bind(format!("{}%", like_escaped(&from.to_lowercase())));
        sql.push(&format!(
            " AND m.member_id IN (SELECT a.id FROM member a JOIN profile p \
             ON p.id = a.profile_id WHERE lower(p.name) LIKE {p} ESCAPE '\\')"
        ));
    }
    if query.has_file {
        sql.push(" AND m.file_url IS NOT NULL");
    }
    if let Some(before) = days.before {
        let p = sql.bind(before);
        sql.push(&format!(" AND m.created_at < {p}"));
    }
    if let Some(from) = days.from {
        let p = sql.bind(from);
        sql.push(&format!(" AND m.created_at >= {p}"));
    }
    if let Position::After(Key { at, id }) = position {
        if postgres {
            let time = DateTime::<Utc>::from_timestamp_micros(at).unwrap_or_default();
            let (t, i) = (sql.bind(time), sql.bind(id));
            sql.push(&format!(" AND (m.created_at, m.id) < ({t}, {i})"));
        } else {
            let p = sql.bind(at);
            sql.push(&format!(" AND {key} < {p}"));
        }
    }
    let order = if postgres {
        "m.created_at DESC, m.id DESC".to_owned()
    } else {
        format!("{key} DESC")
    };
    let p = sql.bind(limit as i64);
    sql.push(&format!(" ORDER BY {order} LIMIT {p}"));
    Statement::from_sql_and_values(backend, sql.text, sql.values)
}

/// `text` for a LIKE pattern: its own `%`, `_` and `\` match themselves.
fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
