//! A server under test as its own process, pinned to one core, and what it costs: CPU time and
//! resident memory read from `/proc`.

use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// The core the server runs on; the driver runs on the other (`make bench` pins it there).
pub const SERVER_CORE: &str = "0";

pub struct Process {
    child: tokio::process::Child,
    pub base: String,
    pid: u32,
}

/// CPU time used so far and memory held now.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    pub cpu: Duration,
    pub rss_kib: u64,
}

impl Process {
    /// Starts `program args…` on a free loopback port (passed as `--bind`), pinned to
    /// `SERVER_CORE` when `pin`, and waits (at most 60 s) for `/healthz`.
    pub async fn start(program: &str, args: &[String], pin: bool) -> anyhow::Result<Self> {
        let port = free_port()?;
        let base = format!("http://127.0.0.1:{port}");
        let mut command = if pin {
            let mut c = tokio::process::Command::new("taskset");
            c.args(["-c", SERVER_CORE, program]);
            c
        } else {
            tokio::process::Command::new(program)
        };
        command
            .args(args)
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "warn")
            .env_remove("CHATTERHUB_DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let child = command
            .spawn()
            .with_context(|| format!("cannot start {program}"))?;
        let pid = child.id().context("the server exited at once")?;
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = http.get(format!("{base}/healthz")).send().await
                && r.status().is_success()
            {
                break;
            }
            if Instant::now() > deadline {
                bail!("{program} did not become healthy within 60 s");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(Self { child, base, pid })
    }

    pub fn usage(&self) -> anyhow::Result<Usage> {
        // With `taskset` in front, the pid is taskset's until it execs: the same pid.
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid))?;
        let fields: Vec<&str> = stat
            .rsplit_once(") ")
            .context("unexpected /proc stat")?
            .1
            .split_whitespace()
            .collect();
        let ticks = |i: usize| -> anyhow::Result<u64> {
            Ok(fields.get(i).context("short /proc stat")?.parse()?)
        };
        // utime and stime: fields 14 and 15 of stat, counted from the state (field 3).
        let ticks = ticks(11)? + ticks(12)?;
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))?;
        let rss_kib = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmRSS")?;
        Ok(Usage {
            cpu: Duration::from_secs_f64(ticks as f64 / clock_ticks_per_second()),
            rss_kib,
        })
    }

    pub async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }
}

impl Usage {
    /// Percent of one core used between `self` and `later`, over `wall`.
    pub fn cpu_percent(self, later: Usage, wall: Duration) -> f64 {
        100.0 * (later.cpu.saturating_sub(self.cpu)).as_secs_f64() / wall.as_secs_f64()
    }
}

fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

fn free_port() -> anyhow::Result<u16> {
    let probe = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(probe.local_addr()?.port())
}
