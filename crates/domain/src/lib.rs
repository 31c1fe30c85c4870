//! ChatterHub's business logic. Every mutation checks permission, writes in one transaction and
//! (from the messaging work on) publishes an event. Knows nothing of HTTP or rendering.

pub mod accounts;
pub mod communities;
pub mod conversations;
pub mod crash_reports;
pub mod db;
pub mod direct_messages;
pub mod files;
pub mod hub;
pub mod limits;
pub mod live;
pub mod messages;
pub mod uploads;

use std::sync::Arc;

pub use sea_orm::DatabaseConnection;
use sea_orm::DbBackend;
use tokio::sync::{Mutex, OwnedMutexGuard};

use files::FileStore;
use hub::Hub;
use limits::{LimitSettings, Limits};

/// Everything the domain functions need, cheap to clone and shared by all requests.
#[derive(Clone)]
pub struct Domain {
    pub db: DatabaseConnection,
    pub files: FileStore,
    pub hub: Arc<dyn Hub>,
    pub limits: Arc<Limits>,
    /// Password hashing is the costliest thing a client can ask for: at most one per core runs
    /// at a time and the rest queue, so a flood of sign-ups waits instead of taking all memory.
    password_work: Arc<tokio::sync::Semaphore>,
    sqlite_writer: Option<Arc<Mutex<()>>>,
}

impl Domain {
    pub fn new(
        db: DatabaseConnection,
        files: FileStore,
        hub: Arc<dyn Hub>,
        limits: LimitSettings,
    ) -> Self {
        let sqlite = db.get_database_backend() == DbBackend::Sqlite;
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            db,
            files,
            hub,
            limits: Arc::new(Limits::new(limits)),
            password_work: Arc::new(tokio::sync::Semaphore::new(cores)),
            sqlite_writer: sqlite.then(|| Arc::new(Mutex::new(()))),
        }
    }

    /// Held for the life of a write transaction. SQLite has one writer at a time and answers
    /// "busy" at once (instead of waiting) when a transaction that has read tries to write while
    /// another writes, so on SQLite this process's write transactions take turns here first.
    /// PostgreSQL needs no such queue: `None`.
    pub async fn write_lock(&self) -> Option<OwnedMutexGuard<()>> {
        match &self.sqlite_writer {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        }
    }
}
