//! Starting what a scenario runs against: `chatterhub serve` on SQLite (a fresh data folder) or
//! on PostgreSQL (a fresh database), or the bare ceiling server; all on loopback, pinned.

use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, Database};
use tempfile::TempDir;
use uuid::Uuid;

use crate::client::Api;
use crate::process::Process;
use crate::room::Room;

/// Where the server keeps its data.
#[derive(Debug, Clone)]
pub enum Engine {
    Sqlite,
    Postgres { admin_url: String },
}

impl Engine {
    pub fn name(&self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres { .. } => "PostgreSQL",
        }
    }
}

/// What `chatterhub serve` needs to be started more than once.
#[derive(Debug, Clone)]
pub struct ChatterHub {
    pub binary: PathBuf,
    pub site_root: PathBuf,
    pub pin: bool,
}

/// A running `chatterhub serve` and the database it uses (removed by `stop`).
pub struct Running {
    pub process: Process,
    pub database_url: String,
    /// The PostgreSQL admin URL, when the database is a PostgreSQL one to drop.
    admin_url: Option<String>,
    _data: TempDir,
}

impl Running {
    /// Stops the server and removes its database.
    pub async fn stop(self) {
        self.process.stop().await;
        if let Some(admin_url) = &self.admin_url
            && let Err(e) = drop_postgres(admin_url, &self.database_url).await
        {
            eprintln!("could not drop the bench database: {e}");
        }
    }
}

impl ChatterHub {
    /// Starts the server on a brand-new database of `engine`. The limits meant for people are
    /// lifted (every simulated person comes from 127.0.0.1 and sends far faster than one).
    pub async fn start(&self, engine: &Engine) -> anyhow::Result<Running> {
        let data = tempfile::Builder::new()
            .prefix("chatterhub-bench-")
            .tempdir_in(bench_dir()?)?;
        let database_url = match engine {
            Engine::Sqlite => format!("sqlite://{}/chatterhub.db?mode=rwc", data.path().display()),
            Engine::Postgres { admin_url } => fresh_postgres(admin_url).await?,
        };
        let mut args: Vec<String> = [
            "serve",
            "--database-url",
            &database_url,
            "--data-dir",
            &data.path().display().to_string(),
            "--site-root",
            &self.site_root.display().to_string(),
            "--max-sockets-per-account",
            "20000",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        for rule in [
            "sign-up-per-address=100000/min",
            "sign-up=100000/min",
            "sign-in-per-address=100000/min",
            "requests=1000000/s",
            "send=1000000/s",
            "search=1000000/s",
            "create=100000/min",
            "join=100000/min",
        ] {
            args.extend(["--rate-limit".to_owned(), rule.to_owned()]);
        }
        let process = Process::start(&self.binary.display().to_string(), &args, self.pin).await?;
        let admin_url = match engine {
            Engine::Postgres { admin_url } => Some(admin_url.clone()),
            Engine::Sqlite => None,
        };
        Ok(Running {
            process,
            database_url,
            admin_url,
            _data: data,
        })
    }
}

impl ChatterHub {
    /// Starts the server on a fresh database of `engine`, makes a room with `senders` senders,
    /// runs `scenario` in it, and stops the server (dropping its database) whatever happened.
    pub async fn in_room<T>(
        &self,
        engine: &Engine,
        senders: usize,
        scenario: impl AsyncFnOnce(&Running, &Room) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let running = self.start(engine).await?;
        let outcome = async {
            let room = Room::create(Api::new(&running.process.base)?, senders).await?;
            scenario(&running, &room).await
        }
        .await;
        running.stop().await;
        outcome
    }
}

/// Starts the ceiling server (this binary's `ceiling-server`), runs `scenario` in a room of
/// `senders` senders on it, and stops it whatever happened.
pub async fn in_bare_room<T>(
    pin: bool,
    senders: usize,
    scenario: impl AsyncFnOnce(&Process, &Room) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let me = std::env::current_exe()?;
    let process = Process::start(
        &me.display().to_string(),
        &["ceiling-server".to_owned()],
        pin,
    )
    .await?;
    let outcome = async {
        let room = Room::bare(Api::new(&process.base)?, senders);
        scenario(&process, &room).await
    }
    .await;
    process.stop().await;
    outcome
}

/// Databases and data folders go under ./data/bench (the disk ChatterHub's data lives on by
/// default), never a RAM-backed /tmp.
fn bench_dir() -> anyhow::Result<PathBuf> {
    let dir = Path::new("data").join("bench");
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

async fn fresh_postgres(admin_url: &str) -> anyhow::Result<String> {
    let name = format!("chatterhub_bench_{}", Uuid::new_v4().simple());
    let admin = Database::connect(admin_url).await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await?;
    admin.close().await?;
    let mut url = url::Url::parse(admin_url)?;
    url.set_path(&name);
    Ok(url.to_string())
}

async fn drop_postgres(admin_url: &str, database_url: &str) -> anyhow::Result<()> {
    let name = url::Url::parse(database_url)?
        .path()
        .trim_start_matches('/')
        .to_owned();
    let admin = Database::connect(admin_url).await?;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await?;
    admin.close().await?;
    Ok(())
}
