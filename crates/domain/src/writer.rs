//! The one writer of a database. Every write of the domain goes through it: it takes all the
//! writes waiting at that moment into one transaction, each inside its own savepoint, and commits
//! them together, so a batch pays for one durable commit (group commit) however many sends it
//! holds. A write that fails rolls back its own savepoint and nothing else (a write alone in its
//! batch needs no savepoint: it runs in the transaction itself, which is rolled back if it
//! fails); each caller hears its own result only once the batch is durable; the events writes
//! publish go out after the commit, in commit order.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};
use shared::live::ServerEvent;
use tokio::sync::{mpsc, oneshot};

use crate::hub::Hub;

/// The events a write publishes, held until its batch has committed.
#[derive(Default)]
pub struct Outbox(std::sync::Mutex<Vec<ServerEvent>>);

impl Outbox {
    /// Publishes `event` once the write is durable; never if the write fails.
    pub fn publish(&self, event: ServerEvent) {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(event);
    }

    fn take(self) -> Vec<ServerEvent> {
        self.0
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A write: it runs inside its own savepoint of the batch's transaction, does all its reading
/// and writing through that transaction, and puts the events it publishes in the outbox.
pub trait Work<T, E>:
    for<'t> FnOnce(&'t DatabaseTransaction, &'t Outbox) -> BoxFuture<'t, Result<T, E>> + Send + 'static
{
}

impl<T, E, F> Work<T, E> for F where
    F: for<'t> FnOnce(&'t DatabaseTransaction, &'t Outbox) -> BoxFuture<'t, Result<T, E>>
        + Send
        + 'static
{
}

/// The handle every request writes through; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Box<dyn Job>>,
    batches: Arc<AtomicU64>,
}

impl Writer {
    /// The most writes one transaction takes.
    pub const MAX_BATCH: usize = 512;
    /// Writes that may wait for the writer before callers wait to hand theirs over.
    const QUEUE: usize = 4096;

    /// Starts the writer of `db`, publishing committed writes' events to `hub`.
    pub fn start(db: DatabaseConnection, hub: Arc<dyn Hub>) -> Self {
        let (jobs, queue) = mpsc::channel(Self::QUEUE);
        let batches = Arc::new(AtomicU64::new(0));
        tokio::spawn(run(db, hub, queue, batches.clone()));
        Self { jobs, batches }
    }

    /// Runs `work` in the next batch, inside its own savepoint, and answers once the batch has
    /// committed: `work`'s own error if it failed (its changes undone, the batch unharmed), an
    /// error if the commit failed, its value otherwise. `work` must do all its reading and
    /// writing through the transaction it is given.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbErr> + Send + 'static,
        F: Work<T, E>,
    {
        let (answer, answered) = oneshot::channel();
        let job = Box::new(Pending { work, answer });
        if self.jobs.send(job).await.is_err() {
            return Err(stopped().into());
        }
        answered.await.map_err(|_| stopped())?
    }

    /// How many batches have committed or failed so far (for tests and metrics).
    pub fn batches(&self) -> u64 {
        self.batches.load(Ordering::Relaxed)
    }
}

fn stopped() -> DbErr {
    DbErr::Custom("the database writer has stopped".into())
}

/// A write waiting for its batch.
trait Job: Send {
    /// Runs the write in `txn` (in a savepoint of its own unless it is `alone` in the batch);
    /// what to do once the commit's outcome is known.
    fn run(self: Box<Self>, txn: &DatabaseTransaction, alone: bool) -> BoxFuture<'_, Box<dyn Ran>>;
    /// The batch could not start: answers with `error` without running.
    fn fail(self: Box<Self>, error: &DbErr);
}

/// A write that has run, waiting for its batch's commit.
trait Ran: Send {
    /// Whether the write failed (and its changes must not be committed).
    fn failed(&self) -> bool;
    fn finish(self: Box<Self>, committed: Result<(), &DbErr>, hub: &dyn Hub);
}

struct Pending<T, E, F> {
    work: F,
    answer: oneshot::Sender<Result<T, E>>,
}

impl<T, E, F> Job for Pending<T, E, F>
where
    T: Send + 'static,
    E: From<DbErr> + Send + 'static,
    F: Work<T, E>,
{
    fn run(self: Box<Self>, txn: &DatabaseTransaction, alone: bool) -> BoxFuture<'_, Box<dyn Ran>> {
        Box::pin(async move {
            let outbox = Outbox::default();
            let result = if alone {
                guarded(txn, &outbox, self.work).await
            } else {
                in_savepoint(txn, &outbox, self.work).await
            };
            Box::new(Done {
                result,
                outbox,
                answer: self.answer,
            }) as Box<dyn Ran>
        })
    }

    fn fail(self: Box<Self>, error: &DbErr) {
        let _ = self.answer.send(Err(not_written(error).into()));
    }
}

struct Done<T, E> {
    result: Result<T, E>,
    outbox: Outbox,
    answer: oneshot::Sender<Result<T, E>>,
}

impl<T, E> Ran for Done<T, E>
where
    T: Send + 'static,
    E: From<DbErr> + Send + 'static,
{
    fn failed(&self) -> bool {
        self.result.is_err()
    }

    fn finish(self: Box<Self>, committed: Result<(), &DbErr>, hub: &dyn Hub) {
        let result = match (committed, self.result) {
            (Ok(()), Ok(value)) => {
                for event in self.outbox.take() {
                    hub.publish(&event);
                }
                Ok(value)
            }
            (Err(error), Ok(_)) => Err(not_written(error).into()),
            (_, Err(own)) => Err(own),
        };
        // The caller may have gone (a closed request); the write stands either way.
        let _ = self.answer.send(result);
    }
}

/// What a caller hears when its batch did not commit.
fn not_written(error: &DbErr) -> DbErr {
    DbErr::Custom(format!("the write was not committed: {error}"))
}

/// Runs `work` inside a savepoint of `txn`, released if it succeeds and rolled back if it
/// fails or panics.
async fn in_savepoint<T, E, F>(txn: &DatabaseTransaction, outbox: &Outbox, work: F) -> Result<T, E>
where
    E: From<DbErr>,
    F: Work<T, E>,
{
    let savepoint = txn.begin().await?;
    let result = guarded(&savepoint, outbox, work).await;
    match result {
        Ok(_) => savepoint.commit().await?,
        Err(_) => savepoint.rollback().await?,
    }
    result
}

/// Runs `work` in `txn`; a panic is its failure.
async fn guarded<T, E, F>(txn: &DatabaseTransaction, outbox: &Outbox, work: F) -> Result<T, E>
where
    E: From<DbErr>,
    F: Work<T, E>,
{
    match AssertUnwindSafe(work(txn, outbox)).catch_unwind().await {
        Ok(result) => result,
        Err(_) => {
            tracing::error!("a database write panicked; it was rolled back");
            Err(DbErr::Custom("the write failed unexpectedly".into()).into())
        }
    }
}

async fn run(
    db: DatabaseConnection,
    hub: Arc<dyn Hub>,
    mut queue: mpsc::Receiver<Box<dyn Job>>,
    batches: Arc<AtomicU64>,
) {
    let mut batch = Vec::with_capacity(Writer::MAX_BATCH);
    while queue.recv_many(&mut batch, Writer::MAX_BATCH).await > 0 {
        commit_batch(&db, hub.as_ref(), batch.drain(..)).await;
        batches.fetch_add(1, Ordering::Relaxed);
    }
}

/// One transaction for every write of the batch, one commit, then every answer.
async fn commit_batch(
    db: &DatabaseConnection,
    hub: &dyn Hub,
    jobs: impl ExactSizeIterator<Item = Box<dyn Job>>,
) {
    let alone = jobs.len() == 1;
    // SQLite: take the write lock at BEGIN, so a batch never meets "busy" half way through.
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    };
    let txn = match db.begin_with_options(options).await {
        Ok(txn) => txn,
        Err(error) => {
            tracing::error!(%error, "a write batch could not start");
            jobs.for_each(|job| job.fail(&error));
            return;
        }
    };
    let mut ran = Vec::new();
    for job in jobs {
        ran.push(job.run(&txn, alone).await);
    }
    let committed = if alone && ran.iter().any(|done| done.failed()) {
        // The lone write failed in the transaction itself: none of it is kept.
        if let Err(error) = txn.rollback().await {
            tracing::error!(%error, "a failed write could not be rolled back");
        }
        Ok(())
    } else {
        txn.commit().await
    };
    if let Err(error) = &committed {
        tracing::error!(%error, writes = ran.len(), "a write batch did not commit");
    }
    for done in ran {
        done.finish(committed.as_ref().map(|_| ()), hub);
    }
}
