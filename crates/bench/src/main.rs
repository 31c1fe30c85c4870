//! `chatterhub-bench`: the project's benchmark. `run` measures everything the performance
//! targets name and writes a Markdown report; `fanout` runs one load for a quick look;
//! `ceiling-server` is the bare broadcast server the report compares against. Only 127.0.0.1 is
//! ever contacted, and every loop is bounded in count and time.

mod ceiling;
mod client;
mod fanout;
mod history;
mod idle;
mod pages;
mod process;
mod report;
mod room;
mod search;
mod stats;
mod suite;
mod targets;
mod unread;
mod wire;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::fanout::Load;
use crate::suite::Plan;
use crate::targets::{ChatterHub, Engine, in_bare_room};

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
    /// Everything the performance targets name; writes the Markdown report.
    Run {
        #[command(flatten)]
        server: Server,
        /// Where the report goes.
        #[arg(long, default_value = "data/bench/report.md")]
        out: PathBuf,
        /// Also put the report into this README, between `<!-- bench:start -->` and
        /// `<!-- bench:end -->`.
        #[arg(long)]
        readme: Option<PathBuf>,
        /// A short pass to check the suite works (its figures are not the targets' runs).
        #[arg(long)]
        quick: bool,
    },
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
    /// History paging alone, on a channel of `size` messages (for profiling).
    History {
        #[command(flatten)]
        server: Server,
        #[arg(long, default_value_t = 100_000)]
        size: usize,
        /// Run against PostgreSQL instead of SQLite.
        #[arg(long)]
        postgres: bool,
    },
    /// Unread counts alone, over 2,000 channels and `size` messages (for profiling).
    Unread {
        #[command(flatten)]
        server: Server,
        #[arg(long, default_value_t = 100_000)]
        size: usize,
        /// Run against PostgreSQL instead of SQLite.
        #[arg(long)]
        postgres: bool,
    },
    /// Message search alone, over `size` messages (for profiling).
    Search {
        #[command(flatten)]
        server: Server,
        #[arg(long, default_value_t = 100_000)]
        size: usize,
        /// Run against PostgreSQL instead of SQLite.
        #[arg(long)]
        postgres: bool,
    },
    /// Server-rendered channel pages alone, under 48 simultaneous loads (for profiling).
    Pages {
        #[command(flatten)]
        server: Server,
    },
    /// Idle memory per socket alone, at each of `sockets` (ascending).
    Idle {
        #[command(flatten)]
        server: Server,
        #[arg(long, value_delimiter = ',', default_value = "1000,5000,10000")]
        sockets: Vec<usize>,
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
        Command::Run {
            server,
            out,
            readme,
            quick,
        } => runtime.block_on(async move {
            let plan = if quick { Plan::QUICK } else { Plan::FULL };
            let postgres = server
                .postgres_url
                .clone()
                .map(|admin_url| Engine::Postgres { admin_url });
            if postgres.is_none() {
                eprintln!("no --postgres-url: the PostgreSQL figures are left out");
            }
            let results = suite::run(&chatterhub(&server), postgres, plan).await?;
            let markdown = report::markdown(&results, &commit());
            if let Some(parent) = out.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&out, &markdown)?;
            if let Some(readme) = readme {
                splice_into(&readme, &markdown)?;
            }
            println!("{markdown}");
            Ok(())
        }),
        Command::Idle { server, sockets } => runtime.block_on(async move {
            let steps = chatterhub(&server)
                .in_room(&Engine::Sqlite, 1, async |running, room| {
                    idle::run(&running.process, room, &sockets).await
                })
                .await?;
            println!("{steps:#?}");
            Ok(())
        }),
        Command::Unread {
            server,
            size,
            postgres,
        } => runtime.block_on(async move {
            let engine = engine(&server, postgres)?;
            let outcome = chatterhub(&server)
                .in_room(&engine, 1, async |running, room| {
                    unread::run(room, &running.database_url, size.max(4000)).await
                })
                .await?;
            println!("{outcome:#?}");
            Ok(())
        }),
        Command::Search {
            server,
            size,
            postgres,
        } => runtime.block_on(async move {
            let engine = engine(&server, postgres)?;
            let outcome = chatterhub(&server)
                .in_room(&engine, 1, async |running, room| {
                    search::run(room, &running.database_url, size.max(1000)).await
                })
                .await?;
            println!("{outcome:#?}");
            Ok(())
        }),
        Command::Pages { server } => runtime.block_on(async move {
            let outcome = chatterhub(&server)
                .in_room(&Engine::Sqlite, 1, async |_, room| {
                    pages::channel_page(room).await
                })
                .await?;
            println!("{outcome:#?}");
            Ok(())
        }),
        Command::History {
            server,
            size,
            postgres,
        } => runtime.block_on(async move {
            let engine = engine(&server, postgres)?;
            let outcome = chatterhub(&server)
                .in_room(&engine, 1, async |running, room| {
                    history::run(room, &running.database_url, size.max(100)).await
                })
                .await?;
            println!("{outcome:#?}");
            Ok(())
        }),
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
                in_bare_room(!server.no_pin, senders, async |process, room| {
                    fanout::run(process, room, load).await
                })
                .await?
            } else {
                let engine = engine(&server, postgres)?;
                chatterhub(&server)
                    .in_room(&engine, senders, async |running, room| {
                        fanout::run(&running.process, room, load).await
                    })
                    .await?
            };
            println!("{outcome:#?}");
            println!("delivered {:.2} %", outcome.delivered_percent());
            Ok(())
        }),
    }
}

/// The commit being measured, with `+changes` when the work tree differs from it.
fn commit() -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let head = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".to_owned());
    match git(&["status", "--porcelain", "--untracked-files=no"]) {
        Some(changes) if !changes.is_empty() => format!("{head}+changes"),
        _ => head,
    }
}

/// Replaces what lies between the README's bench markers with `markdown`.
fn splice_into(readme: &std::path::Path, markdown: &str) -> anyhow::Result<()> {
    const START: &str = "<!-- bench:start -->";
    const END: &str = "<!-- bench:end -->";
    let text = std::fs::read_to_string(readme)?;
    let (Some(start), Some(end)) = (text.find(START), text.find(END)) else {
        anyhow::bail!("{} has no {START} … {END} section", readme.display());
    };
    anyhow::ensure!(start < end, "the bench markers are out of order");
    let spliced = format!("{}{START}\n{markdown}{}", &text[..start], &text[end..]);
    std::fs::write(readme, spliced)?;
    Ok(())
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
