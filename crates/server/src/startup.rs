//! Building the application (database, migrations, listener, router) and running it until a
//! shutdown signal arrives.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::serve::ListenerExt;
use domain::files::FileStore;
use domain::hub::redis_hub::RedisHub;
use domain::hub::{Hub, LocalHub};
use domain::{DatabaseConnection, Domain};
use tokio::net::TcpListener;
use tokio::signal::unix::{Signal, SignalKind, signal};

use crate::config::{DatabaseSettings, Settings};
use crate::routes::{self, SiteFiles};
use crate::ws::Connections;

/// How long shutdown waits for live sockets to send their close frames.
const SOCKET_CLOSE_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// A bound, ready-to-run server. Tests build it with port 0 and read the port back.
pub struct Application {
    listener: TcpListener,
    router: Router,
    address: SocketAddr,
    db: DatabaseConnection,
    connections: Connections,
    shutdown: ShutdownSignal,
}

impl Application {
    /// Prepares the data folder and database (running migrations) and binds the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let shutdown = ShutdownSignal::listen();
        let db = prepare_database(&settings.db).await?;
        let listener = TcpListener::bind(settings.bind)
            .await
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let address = listener.local_addr().context("read the bound address")?;
        let files = match &settings.storage_url {
            Some(url) => FileStore::from_url(url)?,
            None => FileStore::local(&settings.db.data_dir.join("uploads"))?,
        };
        let local = Arc::new(LocalHub::default());
        let hub: Arc<dyn Hub> = match &settings.redis_url {
            Some(url) => RedisHub::start(url.as_str(), local).context("cannot use --redis-url")?,
            None => local,
        };
        let connections = Connections::start().context("cannot start the live sockets' runtime")?;
        let mut domain = Domain::new(db.clone(), files, hub, settings.limits()?);
        if let Some(livekit) = settings.livekit() {
            domain = domain.with_livekit(livekit);
        }
        domain = domain.with_ice(settings.ice()?);
        if let Some(url) = &settings.redis_url {
            domain = domain
                .with_shared_calls(url.as_str())
                .context("cannot use --redis-url")?
                .with_shared_presence(url.as_str())
                .await
                .context("cannot use --redis-url")?;
        }
        domain::calls::spawn_presence(&domain);
        domain::presence::spawn_heartbeat(&domain);
        spawn_limit_pruning(&domain);
        spawn_upload_sweep(&domain);
        let site_files = SiteFiles::load(&settings.site_root, settings.dev_reload())
            .with_context(|| format!("cannot read the site in {}", settings.site_root.display()))?;
        let router = routes::router(domain, connections.clone(), &settings, address, site_files);
        Ok(Self {
            listener,
            router,
            address,
            db,
            connections,
            shutdown,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// The app's database connection (tests close it to see the app notice).
    pub fn database(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Serves until SIGINT or SIGTERM, then lets in-flight requests finish and closes every
    /// live socket with a close frame (clients reconnect and catch up by sequence).
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let connections = self.connections.clone();
        let shutdown = self.shutdown;
        // Live frames are small and must go out at once: without TCP_NODELAY, Nagle's algorithm
        // holds a frame until the previous one is acknowledged (up to a delayed-ACK's 40 ms).
        let listener = self.listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::warn!(error = %e, "cannot set TCP_NODELAY");
            }
        });
        let served = axum::serve(
            listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown.received().await;
            connections.stop.cancel();
        })
        .await
        .context("the server stopped with an error");
        self.connections.tracker.close();
        if tokio::time::timeout(SOCKET_CLOSE_GRACE, self.connections.tracker.wait())
            .await
            .is_err()
        {
            tracing::warn!("some live connections did not close in time");
        }
        served
    }
}

/// How often the limiters forget clients whose budgets are full again.
const LIMIT_PRUNING_PERIOD: std::time::Duration = std::time::Duration::from_secs(60);

/// Prunes the limiters now and then, for as long as the domain lives.
fn spawn_limit_pruning(domain: &Domain) {
    let limits = Arc::downgrade(&domain.limits);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(LIMIT_PRUNING_PERIOD);
        loop {
            every.tick().await;
            match limits.upgrade() {
                Some(limits) => limits.prune(),
                None => break,
            }
        }
    });
}

/// How often uploads never attached are looked for.
const UPLOAD_SWEEP_PERIOD: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes uploads never attached within a day, now and every hour, while the server runs.
fn spawn_upload_sweep(domain: &Domain) {
    let domain = domain.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(UPLOAD_SWEEP_PERIOD);
        loop {
            every.tick().await;
            match domain::uploads::sweep_unattached(&domain).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "removed uploads never attached"),
                Err(e) => tracing::warn!(error = ?e, "the upload sweep failed"),
            }
        }
    });
}

/// Makes sure the data folder is usable, connects, and applies pending migrations.
pub async fn prepare_database(settings: &DatabaseSettings) -> anyhow::Result<DatabaseConnection> {
    ensure_writable_dir(&settings.data_dir)?;
    let url = settings.url();
    if let Some(parent) = sqlite_parent_dir(&url) {
        ensure_writable_dir(Path::new(&parent))?;
    }
    let db = domain::db::connect(&url).await?;
    domain::db::migrate(&db).await?;
    Ok(db)
}

fn ensure_writable_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the data folder {}", dir.display()))?;
    let probe = dir.join(format!(".write-test-{}", std::process::id()));
    std::fs::write(&probe, b"ok")
        .with_context(|| format!("the data folder {} is not writable", dir.display()))?;
    std::fs::remove_file(&probe)
        .with_context(|| format!("the data folder {} is not writable", dir.display()))
}

/// The folder of a SQLite database file, so it can be created before connecting.
fn sqlite_parent_dir(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    if path.is_empty() || path.starts_with(":memory:") {
        return None;
    }
    let parent = Path::new(path).parent()?.to_string_lossy().into_owned();
    (!parent.is_empty()).then_some(parent)
}

/// SIGINT or SIGTERM. Listened for from the moment it is made, which is before the port opens:
/// a signal sent as soon as the server accepts connections must stop it gracefully, not by the
/// default action (which kills the process).
struct ShutdownSignal {
    interrupt: Option<Signal>,
    terminate: Option<Signal>,
}

impl ShutdownSignal {
    fn listen() -> Self {
        Self {
            interrupt: signal(SignalKind::interrupt()).ok(),
            terminate: signal(SignalKind::terminate()).ok(),
        }
    }

    async fn received(self) {
        async fn either(signal: Option<Signal>) {
            match signal {
                Some(mut signal) => {
                    signal.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        }
        tokio::select! {
            () = either(self.interrupt) => {},
            () = either(self.terminate) => {},
        }
        tracing::info!("shutting down: finishing in-flight requests");
    }
}

#[cfg(test)]
mod tests {
    use super::sqlite_parent_dir;

    #[test]
    fn sqlite_folders_are_found_in_urls() {
        assert_eq!(
            sqlite_parent_dir("sqlite://./data/chatterhub.db?mode=rwc").as_deref(),
            Some("./data")
        );
        assert_eq!(sqlite_parent_dir("sqlite::memory:"), None);
        assert_eq!(sqlite_parent_dir("sqlite://app.db"), None);
        assert_eq!(sqlite_parent_dir("postgres://127.0.0.1/db"), None);
    }
}
