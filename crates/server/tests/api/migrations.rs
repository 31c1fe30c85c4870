//! Every migration runs up, down and up again on both engines.

use migration::{Migrator, MigratorTrait};
use sea_orm::Database;

use crate::helpers::Engine;
use crate::on_both_engines;

const TABLES: [&str; 11] = [
    "profile",
    "account",
    "session",
    "server",
    "member",
    "channel",
    "message",
    "conversation",
    "direct_message",
    "ban",
    "upload",
];

on_both_engines!(every_migration_goes_up_and_down);

async fn every_migration_goes_up_and_down(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let url = engine.fresh_database(&dir).await;
    let db = Database::connect(&url).await.unwrap();
    let manager = migration::SchemaManager::new(&db);

    Migrator::up(&db, None).await.unwrap();
    for table in TABLES {
        assert!(manager.has_table(table).await.unwrap(), "{table} after up");
    }
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );

    Migrator::down(&db, None).await.unwrap();
    for table in TABLES {
        assert!(
            !manager.has_table(table).await.unwrap(),
            "{table} after down"
        );
    }

    Migrator::up(&db, None).await.unwrap();
    assert!(manager.has_table("direct_message").await.unwrap());
}
