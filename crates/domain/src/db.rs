//! Connecting to the database and bringing its schema up to date.

use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

/// Rows a SQLite connection's thread may hand over before the reader takes them.
const ROW_CHANNEL: usize = 4096;
/// How much of a SQLite database its connections read through a memory map, instead of a
/// `pread` and a copy into each connection's own page cache for every page a read misses
/// (writes still go through the journal as before).
const MMAP_BYTES: u64 = 1 << 30;

/// The PostgreSQL connections a node keeps (sqlx's default maximum).
const PG_CONNECTIONS: u32 = 10;

/// How long a pooled connection may sit unused before it is tested as it is taken.
const IDLE_BEFORE_TEST: Duration = Duration::from_secs(30);

/// Connects to `url` (SQLite or PostgreSQL) and fails fast when it cannot be reached.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        // A connection is tested when it goes back to the pool (the driver does that always);
        // testing it again as it is taken was one more round trip before every query. Only a
        // connection left idle long enough for the server or a firewall to have dropped it is.
        .test_before_acquire_if_idle_for(IDLE_BEFORE_TEST)
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // Every write goes through the one writer (`crate::writer`), so the pool is mostly
        // readers, and in WAL mode they never wait for it. A commit is synced to the WAL before
        // it is acknowledged (`FULL`), so an acknowledged write survives a power cut; a batch
        // pays for one sync. Another process writing the same file is waited for, not refused.
        // Each connection runs on a thread of its own that hands every row over a channel: a
        // deep one lets a long answer (a big server's members) cross without a thread switch
        // per handful of rows.
        options.max_connections(8).map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(5))
                .row_buffer_size(ROW_CHANNEL)
                .pragma("mmap_size", MMAP_BYTES.to_string())
        });
    } else {
        // No JIT compilation: this application's queries each read a bounded few rows, but a
        // plan may hold a costly branch it never runs (search's fallback), and compiling for
        // that cost alone took 30 ms a query.
        options.map_sqlx_postgres_opts(|postgres| postgres.options([("jit", "off")]));
        // Every connection the pool may hold is opened at start and kept: opening one (TLS and
        // a SCRAM exchange) took ~96 ms, and the pool opened another whenever a query came
        // while the others were still being tested on their way back — one request in about a
        // thousand waited for it.
        options
            .max_connections(PG_CONNECTIONS)
            .min_connections(PG_CONNECTIONS);
    }
    Database::connect(options)
        .await
        .with_context(|| format!("cannot connect to the database at {}", redact(url)))
}

/// Runs every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None)
        .await
        .context("database migration failed")
}

/// The deployment's id, made with the database (every node sharing it reads the same).
pub async fn deployment(db: &DatabaseConnection) -> anyhow::Result<uuid::Uuid> {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(backend, "SELECT id FROM deployment"))
        .await?
        .context("the database has no deployment id")?;
    Ok(row.try_get_by_index(0)?)
}

/// True when the database answers a trivial query.
pub async fn is_reachable(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://app:s3cret@127.0.0.1:5432/db"),
            "postgres://app:***@127.0.0.1:5432/db"
        );
        assert_eq!(
            redact("sqlite://./data/chatterhub.db?mode=rwc"),
            "sqlite://./data/chatterhub.db?mode=rwc"
        );
    }
}
