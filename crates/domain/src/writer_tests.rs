//! The writer over a real SQLite database: batching, a failing or panicking write undone alone,
//! answers only after the commit, events in commit order.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbErr, Statement};
use shared::ids::{ChannelId, ServerId};
use shared::live::{ServerEvent, Topic};
use tokio::sync::oneshot;
use uuid::Uuid;

use crate::hub::{Hub, LocalHub};
use crate::writer::Writer;

async fn database() -> DatabaseConnection {
    // One connection: an in-memory database lives and dies with it.
    let mut options = sea_orm::ConnectOptions::new("sqlite::memory:");
    options.max_connections(1);
    let db = Database::connect(options).await.unwrap();
    db.execute_unprepared("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)")
        .await
        .unwrap();
    db
}

/// Adds a note, publishing `ChannelDeleted` for channel `id` (any event will do) once committed.
async fn add(writer: &Writer, id: i64, text: &'static str) -> Result<i64, DbErr> {
    writer
        .write(move |txn, outbox| {
            Box::pin(async move {
                txn.execute_raw(Statement::from_sql_and_values(
                    txn.get_database_backend(),
                    "INSERT INTO note (id, text) VALUES (?, ?)",
                    [id.into(), text.into()],
                ))
                .await?;
                outbox.publish(ServerEvent::ChannelDeleted {
                    server_id: SERVER,
                    channel_id: channel(id),
                });
                Ok(id)
            })
        })
        .await
}

const SERVER: ServerId = ServerId(Uuid::nil());

fn channel(n: i64) -> ChannelId {
    ChannelId(Uuid::from_u128(u128::try_from(n).unwrap()))
}

async fn notes(db: &DatabaseConnection) -> Vec<i64> {
    db.query_all_raw(Statement::from_string(
        db.get_database_backend(),
        "SELECT id FROM note ORDER BY id",
    ))
    .await
    .unwrap()
    .iter()
    .map(|row| row.try_get::<i64>("", "id").unwrap())
    .collect()
}

/// A database, a follower of the events' topic, and a writer publishing to it.
async fn started() -> (
    DatabaseConnection,
    tokio::sync::broadcast::Receiver<crate::hub::Frame>,
    Writer,
) {
    let db = database().await;
    let hub = Arc::new(LocalHub::new(64));
    let events = hub.follow(Topic::Server(SERVER));
    let writer = Writer::start(db.clone(), hub);
    (db, events, writer)
}

/// Asserts that the events published are those of the writes with `ids`, in that order, and
/// no others.
async fn published_for(
    events: &mut tokio::sync::broadcast::Receiver<crate::hub::Frame>,
    ids: &[i64],
) {
    for n in ids {
        let frame = events.recv().await.unwrap();
        let frame = std::str::from_utf8(&frame).unwrap();
        assert!(frame.contains(&channel(*n).0.to_string()), "{frame}");
    }
    assert!(events.try_recv().is_err());
}

/// Holds the writer inside a batch until the returned sender fires.
async fn hold(writer: &Writer) -> (oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let (release, released) = oneshot::channel::<()>();
    let (started, running) = oneshot::channel::<()>();
    let writer = writer.clone();
    let held = tokio::spawn(async move {
        writer
            .write(move |_, _| {
                Box::pin(async move {
                    let _ = started.send(());
                    let _ = released.await;
                    Ok::<_, DbErr>(())
                })
            })
            .await
            .unwrap();
    });
    running.await.unwrap();
    (release, held)
}

#[tokio::test]
async fn waiting_writes_share_one_batch_and_a_bad_one_fails_alone() {
    let (db, mut events, writer) = started().await;
    let (release, held) = hold(&writer).await;
    let before = writer.batches();

    // Three writes queue behind the held batch; the second repeats the first's unique text.
    let first = tokio::spawn({
        let w = writer.clone();
        async move { add(&w, 1, "same").await }
    });
    tokio::time::sleep(Duration::from_millis(20)).await;
    let clash = tokio::spawn({
        let w = writer.clone();
        async move { add(&w, 2, "same").await }
    });
    tokio::time::sleep(Duration::from_millis(20)).await;
    let third = tokio::spawn({
        let w = writer.clone();
        async move { add(&w, 3, "other").await }
    });
    tokio::time::sleep(Duration::from_millis(20)).await;
    // Nothing is answered while the batch before theirs is open.
    assert!(!first.is_finished() && !clash.is_finished() && !third.is_finished());
    release.send(()).unwrap();
    held.await.unwrap();

    assert_eq!(first.await.unwrap().unwrap(), 1);
    let refused = clash.await.unwrap().unwrap_err();
    assert!(refused.to_string().contains("UNIQUE"), "{refused}");
    assert_eq!(third.await.unwrap().unwrap(), 3);
    // The held batch, then one batch for all three.
    assert_eq!(writer.batches() - before, 2);
    assert_eq!(notes(&db).await, vec![1, 3]);
    // Events of the committed writes only, in commit order.
    published_for(&mut events, &[1, 3]).await;
}

#[tokio::test]
async fn a_panicking_write_is_undone_and_the_writer_goes_on() {
    let db = database().await;
    let writer = Writer::start(db.clone(), Arc::new(LocalHub::new(8)));
    let panicked = writer
        .write(|txn, _| {
            Box::pin(async move {
                txn.execute_unprepared("INSERT INTO note (id, text) VALUES (7, 'half done')")
                    .await?;
                if txn.get_database_backend() == sea_orm::DbBackend::Sqlite {
                    panic!("a bug in a write");
                }
                Ok::<_, DbErr>(())
            })
        })
        .await;
    assert!(panicked.is_err());
    assert_eq!(add(&writer, 8, "after").await.unwrap(), 8);
    assert_eq!(notes(&db).await, vec![8]);
}

#[tokio::test]
async fn a_batch_that_cannot_start_answers_every_write_with_an_error() {
    let db = database().await;
    let writer = Writer::start(db.clone(), Arc::new(LocalHub::new(8)));
    db.close_by_ref().await.unwrap();
    let refused = add(&writer, 1, "never").await.unwrap_err();
    assert!(refused.to_string().contains("not committed"), "{refused}");
}

#[tokio::test]
async fn a_write_alone_in_its_batch_is_undone_when_it_fails_after_writing() {
    let (db, mut events, writer) = started().await;
    let before = writer.batches();
    let refused = writer
        .write(|txn, outbox| {
            Box::pin(async move {
                txn.execute_unprepared("INSERT INTO note (id, text) VALUES (5, 'half done')")
                    .await?;
                outbox.publish(ServerEvent::ChannelDeleted {
                    server_id: SERVER,
                    channel_id: channel(5),
                });
                Err::<(), _>(DbErr::Custom("refused after writing".into()))
            })
        })
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("refused after writing"),
        "{refused}"
    );
    // It had its batch to itself (so no savepoint of its own).
    assert_eq!(writer.batches() - before, 1);
    assert_eq!(add(&writer, 6, "after").await.unwrap(), 6);
    assert_eq!(notes(&db).await, vec![6]);
    // The failed write's event never went out.
    published_for(&mut events, &[6]).await;
}
