//! `chatterhub-bench`: the project's benchmark. `run` measures everything the performance
//! targets name and writes a Markdown report; `fanout` runs one load for a quick look;
//! `ceiling-server` is the bare broadcast server the report compares against. Only 127.0.0.1 is
//! ever contacted, and every loop is bounded in count and time.

mod ceiling;
mod client;
mod fanout;
mod process;
mod room;
mod stats;
mod targets;
mod wire;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::client::Api;
use crate::fanout::Load;
use crate::room::Room;
use crate::targets::{ChatterHub, Engine, start_ceiling};

#[derive(Parser)]
#[command(
    name = "chatterhub-bench",
    about = "Benchmarks ChatterHub over loopback"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct Server {
    /// The release `chatterhub` binary.
    #[arg(long, default_value = "target/release/chatterhub")]
    server_bin: PathBuf,
    /// The built site (for page loads and the WASM size).
    #[arg(long, default_value = "target/site")]
    site_root: PathBuf,
    /// An admin URL of a local PostgreSQL, for the PostgreSQL figures.
    #[arg(long, env = "BENCH_POSTGRES_URL")]
    postgres_url: Option<String>,
    /// Do not pin the server to core 0 (`taskset`).
    #[arg(long)]
    no_pin: bool,
}

#[derive(Subcommand)]
enum Command {
    /// One fan-out load against ChatterHub (or the ceiling server).
    Fanout {
        #[command(flatten)]
        server: Server,
        #[arg(long, default_value_t = 1000)]
        subscribers: usize,
        #[arg(long, default_value_t = 100)]
        rate: u32,
        #[arg(long, default_value_t = 4)]
        senders: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Run against PostgreSQL instead of SQLite.
        #[arg(long)]
        postgres: bool,
        /// Run against the bare broadcast server instead.
        #[arg(long)]
        ceiling: bool,
    },
    /// The bare broadcast server (started by the other commands).
    CeilingServer {
        #[arg(long)]
        bind: SocketAddr,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match cli.command {
        Command::CeilingServer { bind } => {
            // The server side gets the multi-threaded runtime ChatterHub has too.
            tokio::runtime::Runtime::new()?.block_on(ceiling::serve(bind))
        }
        Command::Fanout {
            server,
            subscribers,
            rate,
            senders,
            seconds,
            postgres,
            ceiling,
        } => runtime.block_on(async move {
            let load = Load {
                subscribers,
                rate,
                senders,
                warmup: Duration::from_secs(2),
                measure: Duration::from_secs(seconds.clamp(1, 600)),
            };
            let outcome = if ceiling {
                let process = start_ceiling(!server.no_pin).await?;
                let room = Room::bare(Api::new(&process.base)?, senders);
                let outcome = fanout::run(&process, &room, load).await;
                process.stop().await;
                outcome?
            } else {
                let engine = engine(&server, postgres)?;
                let hub = chatterhub(&server);
                let running = hub.start(&engine).await?;
                let room = Room::create(Api::new(&running.process.base)?, senders).await?;
                let outcome = fanout::run(&running.process, &room, load).await;
                running.process.stop().await;
                outcome?
            };
            println!("{outcome:#?}");
            println!("delivered {:.2} %", outcome.delivered_percent());
            Ok(())
        }),
    }
}

fn chatterhub(server: &Server) -> ChatterHub {
    ChatterHub {
        binary: server.server_bin.clone(),
        site_root: server.site_root.clone(),
        pin: !server.no_pin,
    }
}

fn engine(server: &Server, postgres: bool) -> anyhow::Result<Engine> {
    if !postgres {
        return Ok(Engine::Sqlite);
    }
    let admin_url = server.postgres_url.clone().ok_or_else(|| {
        anyhow::anyhow!("--postgres needs --postgres-url (or BENCH_POSTGRES_URL)")
    })?;
    Ok(Engine::Postgres { admin_url })
}
