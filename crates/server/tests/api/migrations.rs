//! Every migration runs up, down and up again on both engines; one that fills in state the
//! write path keeps fills in what the write path would have.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database};
use serde_json::Value;

use crate::communities::Community;
use crate::helpers::{Engine, Session};
use crate::live::post;
use crate::mentions::token;
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

on_both_engines!(
    every_migration_goes_up_and_down,
    the_unread_upkeep_is_filled_in_for_what_is_there,
);

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

/// Everything unread for `who`, in a stable order.
async fn unread_of(c: &Community, who: &Session) -> Value {
    let mut all = c.app.ok(who, "load_unread", &[]).await;
    let by_id = |list: &mut Value, key: &str| {
        let list = list.as_array_mut().unwrap();
        list.sort_by_key(|t| t[key].as_str().unwrap().to_owned());
    };
    by_id(&mut all["servers"], "server_id");
    for server in all["servers"].as_array_mut().unwrap() {
        by_id(&mut server["channels"], "id");
    }
    by_id(&mut all["conversations"], "id");
    all
}

async fn the_unread_upkeep_is_filled_in_for_what_is_there(engine: Engine) {
    let c = Community::new(engine).await;
    let general = c.general.clone();
    post(&c, &c.owner, &general, &token(&c.guest_member)).await;
    let read = post(&c, &c.owner, &general, "@everyone").await;
    post(&c, &c.owner, &general, &token(&c.guest_member)).await;
    let latest = post(&c, &c.owner, &general, "plain, then deleted").await;
    let latest = latest["id"].as_str().unwrap();
    c.app
        .ok(&c.owner, "delete_message", &[("message_id", latest)])
        .await;
    let seq = read["seq"].as_i64().unwrap().to_string();
    c.app
        .ok(
            &c.moderator,
            "mark_read",
            &[("channel_id", general.as_str()), ("seq", seq.as_str())],
        )
        .await;
    let dm = c.open_dm(&c.owner, &c.guest_member).await;
    c.dm(&c.owner, &dm, "hello").await;
    let people = [&c.owner, &c.moderator, &c.guest];
    let mut before = Vec::new();
    for who in people {
        before.push(unread_of(&c, who).await);
    }
    let guest = &before[2];
    assert_eq!(guest["servers"][0]["channels"][0]["mentions"], 3, "{guest}");
    assert_eq!(guest["conversations"][0]["unread"], 1, "{guest}");
    assert_eq!(
        before[1]["servers"][0]["channels"][0],
        serde_json::json!({ "id": general }),
        "unread, no mention"
    );

    // Back to before the migration, without the read rows only the write path made (nothing
    // read), with the mention rows in their first shape (message and member only), and up
    // again: the same marks.
    let db = &c.app.db;
    let mentions = c.app.count("message_mention").await;
    Migrator::down(db, Some(since("m20261128_000001_unread_upkeep")))
        .await
        .unwrap();
    for sql in [
        "DELETE FROM channel_read WHERE last_read_seq = 0",
        "CREATE TABLE message_mention_first AS SELECT message_id, member_id FROM message_mention",
        "DROP TABLE message_mention",
        "ALTER TABLE message_mention_first RENAME TO message_mention",
    ] {
        db.execute_unprepared(sql).await.unwrap();
    }
    Migrator::up(db, None).await.unwrap();
    assert_eq!(c.app.count("message_mention").await, mentions);
    for (who, before) in people.into_iter().zip(before) {
        assert_eq!(unread_of(&c, who).await, before);
    }
}

/// How many migrations, counting back from the last, to undo `name` and those after it.
pub(crate) fn since(name: &str) -> u32 {
    let all = Migrator::migrations();
    let at = all.iter().position(|m| m.name() == name).unwrap();
    u32::try_from(all.len() - at).unwrap()
}
