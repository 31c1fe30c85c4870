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
pub mod live;
pub mod messages;

use std::sync::Arc;

pub use sea_orm::DatabaseConnection;
use sea_orm::DbBackend;
use tokio::sync::{Mutex, OwnedMutexGuard};

use accounts::throttle::SignInThrottle;
use crash_reports::CrashReports;
use files::FileStore;
use hub::Hub;

/// Everything the domain functions need, cheap to clone and shared by all requests.
#[derive(Clone)]
pub struct Domain {
    pub db: DatabaseConnection,
    pub files: FileStore,
    pub hub: Arc<dyn Hub>,
    sign_in_throttle: Arc<SignInThrottle>,
    crash_reports: Arc<CrashReports>,
    sqlite_writer: Option<Arc<Mutex<()>>>,
}

impl Domain {
    pub fn new(db: DatabaseConnection, files: FileStore, hub: Arc<dyn Hub>) -> Self {
        let sqlite = db.get_database_backend() == DbBackend::Sqlite;
        Self {
            db,
            files,
            hub,
            sign_in_throttle: Arc::new(SignInThrottle::new()),
            crash_reports: Arc::new(CrashReports::new()),
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
