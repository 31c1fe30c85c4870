//! `chatterhub serve` (or bare `chatterhub`) runs the app; `chatterhub migrate` brings the
//! database schema up to date.

use std::process::ExitCode;

use clap::Parser;
use server::config::{Cli, Command};
use server::startup::Application;
use server::telemetry;

/// mimalloc instead of the C library's allocator: a request allocates and frees hundreds of small
/// blocks across threads (the runtime's, the database driver's), where glibc's spent 15 % of a
/// history page's time (`perf`, see the README's Performance section).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Bare `chatterhub` serves: that is how `cargo leptos watch` (make dev) starts it.
    if args.len() == 1 {
        args.push("serve".into());
    }
    let cli = Cli::parse_from(args);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One clear line: the error and its causes, no backtrace.
            eprintln!("chatterhub: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(settings) => {
            let settings = settings.validate()?;
            telemetry::init(settings.db.log_format);
            let app = Application::build(settings).await?;
            tracing::info!(address = %app.address(), "ChatterHub is listening");
            app.run_until_stopped().await
        }
        Command::Migrate(db) => {
            telemetry::init(db.log_format);
            let db = db.validate()?;
            server::startup::prepare_database(&db).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
    }
}
