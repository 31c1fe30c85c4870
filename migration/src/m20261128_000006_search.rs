//! Full-text search over both message tables, kept in step by the database itself in the same
//! transaction as every write (a message that is not deleted is in the index with its current
//! text; a deleted one is not).
//!
//! SQLite: an FTS5 index per table whose entries are keyed by the message row's `rowid`
//! (external content: the text is not stored twice), maintained by triggers. Row ids grow with
//! every insert, so reading the index by falling `rowid` gives the newest matches first without
//! sorting them all. (A `VACUUM` may renumber the rows of a table without an integer primary
//! key: after one, `INSERT INTO message_search(message_search) VALUES ('rebuild')`, and likewise
//! for `direct_message_search`, must be run.)
//!
//! PostgreSQL: a generated `tsvector` column (the `simple` configuration: words lowercased, no
//! stemming, as FTS5's `unicode61`) with a GIN index, and an index on the creation time so the
//! newest matches of a frequent word are found without sorting them all.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The two message tables.
const TABLES: [&str; 2] = ["message", "direct_message"];

fn sqlite_up(table: &str) -> Vec<String> {
    let index = format!("{table}_search");
    vec![
        format!(
            "CREATE VIRTUAL TABLE {index} USING fts5(content, content='{table}', \
             tokenize='unicode61 remove_diacritics 2')"
        ),
        format!(
            "INSERT INTO {index}(rowid, content) SELECT rowid, content FROM {table} \
             WHERE NOT deleted"
        ),
        format!(
            "CREATE TRIGGER {index}_insert AFTER INSERT ON {table} WHEN NOT new.deleted BEGIN \
             INSERT INTO {index}(rowid, content) VALUES (new.rowid, new.content); END"
        ),
        format!(
            "CREATE TRIGGER {index}_delete AFTER DELETE ON {table} WHEN NOT old.deleted BEGIN \
             INSERT INTO {index}({index}, rowid, content) \
             VALUES ('delete', old.rowid, old.content); END"
        ),
        format!(
            "CREATE TRIGGER {index}_update AFTER UPDATE OF content, deleted ON {table} BEGIN \
             INSERT INTO {index}({index}, rowid, content) \
             SELECT 'delete', old.rowid, old.content WHERE NOT old.deleted; \
             INSERT INTO {index}(rowid, content) \
             SELECT new.rowid, new.content WHERE NOT new.deleted; END"
        ),
    ]
}

fn sqlite_down(table: &str) -> Vec<String> {
    let index = format!("{table}_search");
    vec![
        format!("DROP TRIGGER {index}_insert"),
        format!("DROP TRIGGER {index}_delete"),
        format!("DROP TRIGGER {index}_update"),
        format!("DROP TABLE {index}"),
    ]
}

fn postgres_up(table: &str) -> Vec<String> {
    vec![
        format!(
            "ALTER TABLE {table} ADD COLUMN search tsvector GENERATED ALWAYS AS \
             (CASE WHEN deleted THEN NULL ELSE to_tsvector('simple', content) END) STORED"
        ),
        format!("CREATE INDEX idx_{table}_search ON {table} USING gin (search)"),
        format!("CREATE INDEX idx_{table}_created ON {table} (created_at, id)"),
    ]
}

fn postgres_down(table: &str) -> Vec<String> {
    vec![
        format!("DROP INDEX idx_{table}_created"),
        format!("DROP INDEX idx_{table}_search"),
        format!("ALTER TABLE {table} DROP COLUMN search"),
    ]
}

async fn run(manager: &SchemaManager<'_>, statements: Vec<String>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for statement in statements {
        db.execute_unprepared(&statement).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
        for table in TABLES {
            let statements = if postgres {
                postgres_up(table)
            } else {
                sqlite_up(table)
            };
            run(manager, statements).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
        for table in TABLES {
            let statements = if postgres {
                postgres_down(table)
            } else {
                sqlite_down(table)
            };
            run(manager, statements).await?;
        }
        Ok(())
    }
}
