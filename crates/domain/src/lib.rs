//! ChatterHub's business logic. Every mutation checks permission, writes in one transaction and
//! (from the messaging work on) publishes an event. Knows nothing of HTTP or rendering.

pub mod accounts;
pub mod communities;
pub mod db;

use std::sync::Arc;

pub use sea_orm::DatabaseConnection;

use accounts::throttle::SignInThrottle;

/// Everything the domain functions need, cheap to clone and shared by all requests.
#[derive(Clone)]
pub struct Domain {
    pub db: DatabaseConnection,
    sign_in_throttle: Arc<SignInThrottle>,
}

impl Domain {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            sign_in_throttle: Arc::new(SignInThrottle::new()),
        }
    }
}
