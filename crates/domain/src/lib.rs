//! ChatterHub's business logic. Every mutation checks permission, writes in one transaction and
//! (from the messaging work on) publishes an event. Knows nothing of HTTP or rendering.

pub mod accounts;
pub mod calls;
pub mod communities;
pub mod conversations;
pub mod crash_reports;
pub mod db;
pub mod direct_messages;
pub mod files;
pub mod hub;
pub mod inbox;
pub mod limits;
pub mod live;
pub mod messages;
pub mod notification_text;
pub mod notify_settings;
pub mod presence;
pub mod read_state;
pub mod redis_link;
pub mod search;
pub mod uploads;
pub mod writer;
#[cfg(test)]
mod writer_tests;

use std::sync::Arc;

pub use sea_orm::DatabaseConnection;
use sea_orm::DbErr;

use files::FileStore;
use hub::Hub;
use limits::{LimitSettings, Limits};
use writer::Writer;

/// Everything the domain functions need, cheap to clone and shared by all requests.
#[derive(Clone)]
pub struct Domain {
    pub db: DatabaseConnection,
    pub files: FileStore,
    pub hub: Arc<dyn Hub>,
    pub limits: Arc<Limits>,
    /// Who is in which call and which direct calls ring: in this node's memory, or in Redis
    /// when several nodes run (`with_shared_calls`).
    pub calls: Arc<calls::store::CallStore>,
    /// The LiveKit server calls may use, when one is configured.
    pub livekit: Option<Arc<calls::livekit::LiveKit>>,
    /// The STUN/TURN servers peer-to-peer call links may use (none by default).
    pub ice: Arc<calls::ice::Ice>,
    /// Who is online, idle or offline.
    pub presence: Arc<presence::Presence>,
    /// Each server's channels and where their latest messages stand (unread marks).
    pub latest: Arc<read_state::latest::LatestCopy>,
    /// Password hashing is the costliest thing a client can ask for: at most one per core runs
    /// at a time and the rest queue, so a flood of sign-ups waits instead of taking all memory.
    password_work: Arc<tokio::sync::Semaphore>,
    writer: Writer,
}

impl Domain {
    pub fn new(
        db: DatabaseConnection,
        files: FileStore,
        hub: Arc<dyn Hub>,
        limits: LimitSettings,
    ) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            writer: Writer::start(db.clone(), hub.clone()),
            db,
            files,
            hub,
            limits: Arc::new(Limits::new(limits)),
            calls: Arc::default(),
            livekit: None,
            ice: Arc::default(),
            presence: Arc::default(),
            latest: Arc::default(),
            password_work: Arc::new(tokio::sync::Semaphore::new(cores)),
        }
    }

    /// Lets calls use the LiveKit server `livekit`.
    pub fn with_livekit(mut self, livekit: calls::livekit::LiveKit) -> Self {
        self.livekit = Some(Arc::new(livekit));
        self
    }

    /// Keeps call state in Redis at `url`, shared with the other nodes (see `calls::redis_calls`).
    pub fn with_shared_calls(mut self, url: &str) -> anyhow::Result<Self> {
        let redis = calls::redis_calls::RedisCalls::new(url)?;
        self.calls = Arc::new(calls::store::CallStore::Shared(Box::new(redis)));
        Ok(self)
    }

    /// Lets peer-to-peer call links use these STUN/TURN servers.
    /// Presence shared through Redis by the nodes of this deployment (the database's).
    pub async fn with_shared_presence(mut self, url: &str) -> anyhow::Result<Self> {
        let deployment = db::deployment(&self.db).await?;
        self.presence = Arc::new(presence::Presence::shared(url, deployment)?);
        Ok(self)
    }

    pub fn with_ice(mut self, ice: calls::ice::Ice) -> Self {
        self.ice = Arc::new(ice);
        self
    }

    /// Runs `work` in the database writer's next batch (see `writer`): inside a transaction it
    /// shares with the other writes waiting, answered once that transaction is durable. The
    /// events it puts in the outbox are published after the commit.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbErr> + Send + 'static,
        F: writer::Work<T, E>,
    {
        self.writer.write(work).await
    }
}
