//! ChatterHub's business logic. Every mutation checks permission, writes in one transaction and
//! (from the messaging work on) publishes an event. Knows nothing of HTTP or rendering.

pub mod accounts;
pub mod communities;
pub mod db;
pub mod files;

use std::sync::Arc;

pub use sea_orm::DatabaseConnection;

use accounts::throttle::SignInThrottle;
use files::FileStore;

/// Everything the domain functions need, cheap to clone and shared by all requests.
#[derive(Clone)]
pub struct Domain {
    pub db: DatabaseConnection,
    pub files: FileStore,
    sign_in_throttle: Arc<SignInThrottle>,
}

impl Domain {
    pub fn new(db: DatabaseConnection, files: FileStore) -> Self {
        Self {
            db,
            files,
            sign_in_throttle: Arc::new(SignInThrottle::new()),
        }
    }
}
