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

    fn thread_column(self) -> &'static str {
        match self {
            Source::Channels => "channel_id",
            Source::Conversations => "conversation_id",
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

    /// A limit, written out: the planner must know it to plan for it (a parameter's value is
    /// unknown to a plan made once for every value).
    fn limit(&mut self, limit: u64) {
        self.push(&format!(" LIMIT {limit}"));
    }
}

/// How many of the newest messages PostgreSQL reads, at most, before a search with words turns
/// to the word index. The walk stops at a page of hits, so a frequent word costs a few rows; a
/// word too rare for a page in this many has few matches in all (about a page for every this
/// many messages), so the fallback sorts few. Reading 10,000 rows takes about as long as
/// fetching and sorting the matches such a word has among 1,000,000 messages (~10 ms each).
const NEWEST_FIRST: u64 = 10_000;

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
    let mut sql = Sql {
        text: String::new(),
        values: Vec::new(),
    };
    let scan = Scan {
        source,
        me,
        query,
        days,
        position,
    };
    match (backend, query.words.is_empty()) {
        (DatabaseBackend::Postgres, false) => postgres_words(&mut sql, &scan, limit),
        (DatabaseBackend::Postgres, true) => {
            sql.push(&format!(
                "SELECT m.id AS id, {PG_KEY} AS at FROM {} m WHERE TRUE",
                source.table()
            ));
            scan.everything(&mut sql, None);
            sql.push(" ORDER BY m.created_at DESC, m.id DESC");
            sql.limit(limit);
        }
        (_, no_words) => sqlite(&mut sql, &scan, !no_words, limit),
    }
    Statement::from_sql_and_values(backend, sql.text, sql.values)
}

/// What PostgreSQL's planner is told, for this transaction only, before a search: to plan each
/// statement for its own values (a plan made once for every value knows neither how rare the
/// words are nor the limits, and was 2–4 times slower), and to read the newest messages in
/// index order rather than sort a whole small table (a conversation table of 10,000 messages was
/// read in full and sorted on disk, 25 ms, for a walk that usually stops in a few rows).
pub(crate) const POSTGRES_PLANNER: &str = "SELECT \
    set_config('plan_cache_mode', 'force_custom_plan', true), \
    set_config('enable_sort', 'off', true)";

/// PostgreSQL's order key: the creation time in microseconds (the id breaks ties).
const PG_KEY: &str = "(extract(epoch FROM m.created_at) * 1000000)::bigint";

/// SQLite's statement. Row ids grow with each insert and the FTS index is keyed by them, so
/// reading by falling row id gives the newest hits first and the first `limit` end the scan.
fn sqlite(sql: &mut Sql, scan: &Scan, with_words: bool, limit: u64) {
    let table = scan.source.table();
    let key = if with_words { "s.rowid" } else { "m.rowid" };
    sql.push(&format!("SELECT m.id AS id, {key} AS at FROM "));
    if with_words {
        sql.push(&format!(
            "{table}_search s JOIN {table} m ON m.rowid = s.rowid WHERE {table}_search MATCH "
        ));
        let fts: Vec<String> = scan
            .query
            .words
            .iter()
            .map(|w| format!("\"{w}\""))
            .collect();
        let p = sql.bind(fts.join(" "));
        sql.push(&p);
    } else {
        sql.push(&format!("{table} m WHERE TRUE"));
    }
    scan.everything(sql, Some(key));
    sql.push(&format!(" ORDER BY {key} DESC"));
    sql.limit(limit);
}

/// PostgreSQL's statement for words. Left to itself the planner may read the creation-time
/// index backwards hoping to meet a page of hits soon, and for a word nobody wrote read every
/// row. So it is told what to do: match the newest `NEWEST_FIRST` messages (a bounded walk of
/// that index); if they hold a page of hits, those are the answer; only if not are all the
/// matches taken from the word index (few, since the newest messages held so few) and sorted.
fn postgres_words(sql: &mut Sql, scan: &Scan, limit: u64) {
    let table = scan.source.table();
    let thread = scan.source.thread_column();
    sql.push(&format!(
        "WITH recent AS (SELECT m.id, m.created_at, m.search, m.{thread}, m.member_id, \
         m.file_url FROM {table} m WHERE NOT m.deleted"
    ));
    scan.range(sql, None);
    sql.push(" ORDER BY m.created_at DESC, m.id DESC");
    sql.limit(NEWEST_FIRST);
    sql.push("), early AS (SELECT m.id, m.created_at FROM recent m WHERE TRUE");
    scan.words(sql);
    scan.readable(sql);
    sql.push(" ORDER BY m.created_at DESC, m.id DESC");
    sql.limit(limit);
    sql.push(&format!(
        "), matched AS MATERIALIZED (SELECT m.id, m.created_at FROM {table} m WHERE TRUE"
    ));
    scan.words(sql);
    scan.everything(sql, None);
    sql.push(&format!(
        ") SELECT m.id AS id, {PG_KEY} AS at FROM (\
         SELECT id, created_at FROM early WHERE (SELECT count(*) FROM early) >= {limit} \
         UNION ALL (SELECT id, created_at FROM matched \
         WHERE (SELECT count(*) FROM early) < {limit} ORDER BY created_at DESC, id DESC"
    ));
    sql.limit(limit);
    sql.push(") ) m ORDER BY m.created_at DESC, m.id DESC");
}

/// What one search of one source asks, written into statements as conditions on `m`.
struct Scan<'a> {
    source: Source,
    me: ProfileId,
    query: &'a SearchQuery,
    days: Days,
    position: Position,
}

impl Scan<'_> {
    /// Every condition but the words: not deleted, readable, filtered, in range.
    fn everything(&self, sql: &mut Sql, sqlite_key: Option<&str>) {
        sql.push(" AND NOT m.deleted");
        self.readable(sql);
        self.range(sql, sqlite_key);
    }

    /// PostgreSQL's match of every word.
    fn words(&self, sql: &mut Sql) {
        let p = sql.bind(self.query.words.join(" & "));
        sql.push(&format!(" AND m.search @@ to_tsquery('simple', {p})"));
    }

    /// The threads `me` may read — channels of the servers they are in now, or conversations
    /// one of whose two members is them, in a server they are still in — and the filters on
    /// who wrote it and whether it holds a file.
    fn readable(&self, sql: &mut Sql) {
        let me = sql.bind(self.me.0);
        match self.source {
            Source::Channels => {
                sql.push(&format!(
                    " AND m.channel_id IN (SELECT c.id FROM channel c JOIN member r \
                     ON r.server_id = c.server_id WHERE r.profile_id = {me} \
                     AND r.left_at IS NULL"
                ));
                if let Some(name) = &self.query.channel {
                    let p = sql.bind(name.clone());
                    sql.push(&format!(" AND c.name = {p}"));
                }
                sql.push(")");
            }
            Source::Conversations => sql.push(&format!(
                " AND m.conversation_id IN (SELECT v.id FROM conversation v JOIN member r \
                 ON r.id = v.member_one_id OR r.id = v.member_two_id \
                 WHERE r.profile_id = {me} AND r.left_at IS NULL)"
            )),
        }
        if let Some(from) = &self.query.from {
            let p = sql.bind(format!("{}%", like_escaped(&from.to_lowercase())));
            sql.push(&format!(
                " AND m.member_id IN (SELECT a.id FROM member a JOIN profile p \
                 ON p.id = a.profile_id WHERE lower(p.name) LIKE {p} ESCAPE '\\')"
            ));
        }
        if self.query.has_file {
            sql.push(" AND m.file_url IS NOT NULL");
        }
    }

    /// The days asked for and the source's position: on SQLite by its order key, on
    /// PostgreSQL (`sqlite_key` none) by creation time and id.
    fn range(&self, sql: &mut Sql, sqlite_key: Option<&str>) {
        if let Some(before) = self.days.before {
            let p = sql.bind(before);
            sql.push(&format!(" AND m.created_at < {p}"));
        }
        if let Some(from) = self.days.from {
            let p = sql.bind(from);
            sql.push(&format!(" AND m.created_at >= {p}"));
        }
        if let Position::After(Key { at, id }) = self.position {
            match sqlite_key {
                Some(key) => {
                    let p = sql.bind(at);
                    sql.push(&format!(" AND {key} < {p}"));
                }
                None => {
                    let time = DateTime::<Utc>::from_timestamp_micros(at).unwrap_or_default();
                    let (t, i) = (sql.bind(time), sql.bind(id));
                    sql.push(&format!(" AND (m.created_at, m.id) < ({t}, {i})"));
                }
            }
        }
    }
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
