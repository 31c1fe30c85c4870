//! The Markdown report: the machine, the commit, every figure, the ceiling's figures and
//! ChatterHub's ratio to them, and each target with whether it was met.

use std::fmt::Write;

use crate::fanout::Outcome;
use crate::stats::Latency;
use crate::suite::Results;

pub fn markdown(r: &Results, commit: &str) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "### Benchmark report\n");
    let _ = writeln!(
        md,
        "{} · commit `{commit}` · {} · server pinned to core 0, driver to core 1, loopback only; \
         SQLite under ./data (WAL, synchronous=FULL), PostgreSQL local.\n",
        machine(),
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
    );
    fanout_table(&mut md, r);
    idle_table(&mut md, r);
    history_table(&mut md, r);
    unread_table(&mut md, r);
    search_table(&mut md, r);
    let brotli = r
        .wasm
        .brotli
        .map(|b| format!(", {} KB brotli as served", b / 1000))
        .unwrap_or_default();
    let _ = writeln!(
        md,
        "**First load:** release WASM {} KB gzip{brotli} ({} KB raw); server-rendered channel \
         page under 48 simultaneous loads p50 {:.1} ms / p99 {:.1} ms ({} loads).\n",
        r.wasm.gzip / 1000,
        r.wasm.raw / 1000,
        r.page.p50,
        r.page.p99,
        r.page.count,
    );
    targets(&mut md, r);
    md
}

fn ms(l: &Latency) -> String {
    format!("{:.1} / {:.1} / {:.1} / {:.1}", l.p50, l.p99, l.p999, l.max)
}

fn fanout_table(md: &mut String, r: &Results) {
    let _ = writeln!(
        md,
        "**Fan-out** (128-byte messages, 4 senders on a fixed schedule, {} s measured after 2 s \
         of warm-up; latency from each message's due time):\n",
        r.plan.measure.as_secs()
    );
    let _ = writeln!(
        md,
        "| server | load | delivered | send → receive p50 / p99 / p99.9 / max (ms) | send request p99 | server CPU | RSS | p99 vs ceiling |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|---|---|");
    for (server, o) in &r.fanout {
        let ceiling = r
            .fanout
            .iter()
            .find(|(s, c)| {
                s == "ceiling"
                    && c.load.rate == o.load.rate
                    && c.load.subscribers == o.load.subscribers
            })
            .map(|(_, c)| (c.receive.p99, c.delivered_percent() >= 100.0));
        // A ratio means something only when both delivered everything.
        let ratio = match ceiling {
            Some((c, all)) if server != "ceiling" && all && o.delivered_percent() >= 100.0 => {
                format!("{:.1}×", o.receive.p99 / c)
            }
            _ => "—".to_owned(),
        };
        let latency = if o.receive.count == 0 {
            "none delivered".to_owned()
        } else {
            ms(&o.receive)
        };
        let _ = writeln!(
            md,
            "| {server} | {} | {:.2} %{} | {} | {:.1} ms | {:.0} % | {:.0} MiB | {ratio} |",
            o.load.label(),
            o.delivered_percent(),
            anomalies(o),
            latency,
            o.send.p99,
            o.cpu_percent,
            o.rss_mib,
        );
    }
    md.push('\n');
}

fn anomalies(o: &Outcome) -> String {
    let mut notes = Vec::new();
    if o.misordered > 0 {
        notes.push(format!("{} out of order", o.misordered));
    }
    if o.cut_off > 0 {
        notes.push(format!("{} sockets cut off as too slow", o.cut_off));
    }
    if o.failed_sends > 0 {
        notes.push(format!("{} sends failed", o.failed_sends));
    }
    if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join(", "))
    }
}

fn idle_table(md: &mut String, r: &Results) {
    let _ = writeln!(
        md,
        "**Idle sockets** (authenticated, each following one channel):\n"
    );
    let _ = writeln!(
        md,
        "| sockets | server RSS | per socket opened since the step before |"
    );
    let _ = writeln!(md, "|---|---|---|");
    for s in &r.idle {
        let _ = writeln!(
            md,
            "| {} | {:.0} MiB | {:.1} KiB |",
            s.sockets, s.rss_mib, s.kib_per_socket
        );
    }
    md.push('\n');
}

fn history_table(md: &mut String, r: &Results) {
    let _ = writeln!(
        md,
        "**History** (pages of 50 at random cursors over HTTP):\n"
    );
    let _ = writeln!(
        md,
        "| engine | messages in the channel | one at a time p50 / p99 | 8 at once: pages/s, p99 | \
         the driver alone: `SELECT 1`/s, 8 at once |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|");
    for (engine, h) in &r.history {
        let _ = writeln!(
            md,
            "| {engine} | {} | {:.1} / {:.1} ms | {:.0}, {:.1} ms | {:.0} |",
            h.messages,
            h.one_at_a_time.p50,
            h.one_at_a_time.p99,
            h.pages_per_second,
            h.eight_at_once.p99,
            h.driver_queries_per_second,
        );
    }
    md.push('\n');
}

fn search_table(md: &mut String, r: &Results) {
    let _ = writeln!(
        md,
        "**Message search** (a searcher in a server of {} channels and a direct conversation, \
         each message 8–24 words drawn by Zipf's law from {} made-up words; the first page of \
         each search: the query alone — the server's code on its database — and \
         `search_messages` over HTTP):\n",
        crate::search::CHANNELS,
        crate::search::VOCABULARY,
    );
    let _ = writeln!(
        md,
        "| engine | messages | search | in messages | hits | the query p50 / p99 | over HTTP p50 / p99 |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|---|");
    for (engine, s) in &r.search {
        for case in &s.cases {
            let _ = writeln!(
                md,
                "| {engine} | {} | {} (`{}`) | {:.2} % | {} | {:.1} / {:.1} ms | {:.1} / {:.1} ms |",
                s.messages,
                case.kind,
                case.query,
                case.share * 100.0,
                case.hits,
                case.query_alone.p50,
                case.query_alone.p99,
                case.over_http.p50,
                case.over_http.p99,
            );
        }
    }
    md.push('\n');
}

fn unread_table(md: &mut String, r: &Results) {
    let _ = writeln!(
        md,
        "**Unread counts** (one reader in {} servers × {} channels, all their counts: the \
         query alone — the server's code on its database — and `load_unread` over HTTP):\n",
        crate::unread::SERVERS,
        crate::unread::CHANNELS_PER_SERVER
    );
    let _ = writeln!(
        md,
        "| engine | messages | channels listed | the query p50 / p99 | over HTTP p50 / p99 | \
         8 at once over HTTP: loads/s, p99 |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|");
    for (engine, u) in &r.unread {
        let _ = writeln!(
            md,
            "| {engine} | {} | {} | {:.1} / {:.1} ms | {:.1} / {:.1} ms | {:.0}, {:.1} ms |",
            u.messages,
            u.listed,
            u.query.p50,
            u.query.p99,
            u.one_at_a_time.p50,
            u.one_at_a_time.p99,
            u.loads_per_second,
            u.eight_at_once.p99,
        );
        let m = &u.most_read;
        let _ = writeln!(
            md,
            "| {engine}, nine channels in ten read | {} | {} | {:.1} / {:.1} ms | {:.1} / {:.1} ms | |",
            u.messages,
            m.listed,
            m.query.p50,
            m.query.p99,
            m.one_at_a_time.p50,
            m.one_at_a_time.p99,
        );
    }
    md.push('\n');
}

fn targets(md: &mut String, r: &Results) {
    let _ = writeln!(md, "**Targets:**\n");
    let _ = writeln!(md, "| target | measured | met |");
    let _ = writeln!(md, "|---|---|---|");
    let mut row = |target: &str, measured: String, met: bool| {
        let _ = writeln!(
            md,
            "| {target} | {measured} | {} |",
            if met { "yes" } else { "**no**" }
        );
    };
    let runs = |server: &str, rate: u32| -> Vec<&Outcome> {
        r.fanout
            .iter()
            .filter(|(s, o)| s == server && o.load.subscribers == 1000 && o.load.rate == rate)
            .map(|(_, o)| o)
            .collect()
    };
    let p99s = |os: &[&Outcome]| {
        os.iter()
            .map(|o| {
                if o.receive.count == 0 {
                    "— (none delivered)".to_owned()
                } else {
                    format!(
                        "{:.1} ms ({:.1} % delivered)",
                        o.receive.p99,
                        o.delivered_percent()
                    )
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let all = |os: &[&Outcome], limit: f64| {
        !os.is_empty()
            && os
                .iter()
                .all(|o| o.delivered_percent() >= 100.0 && o.receive.p99 <= limit)
    };
    let (s100, s200) = (runs("SQLite", 100), runs("SQLite", 200));
    row(
        "SQLite 1,000 × 100: 100 % delivered, p99 ≤ 15 ms, every run",
        format!("p99 {}", p99s(&s100)),
        all(&s100, 15.0),
    );
    row(
        "SQLite 1,000 × 200: 100 % delivered, p99 ≤ 40 ms",
        format!("p99 {}", p99s(&s200)),
        all(&s200, 40.0),
    );
    let (p100, p200) = (runs("PostgreSQL", 100), runs("PostgreSQL", 200));
    if !p100.is_empty() {
        // The SQLite targets, with PostgreSQL's 1.5× allowance.
        row(
            "PostgreSQL 1,000 × 100: 100 % delivered, p99 ≤ 22.5 ms",
            format!("p99 {}", p99s(&p100)),
            all(&p100, 15.0 * 1.5),
        );
        row(
            "PostgreSQL 1,000 × 200: 100 % delivered, p99 ≤ 60 ms",
            format!("p99 {}", p99s(&p200)),
            all(&p200, 40.0 * 1.5),
        );
    }
    if let Some(last) = r.idle.last() {
        row(
            "≤ 8 KiB of server memory per idle socket at 10k",
            format!(
                "{:.1} KiB per socket from {} to {}",
                last.kib_per_socket,
                r.idle.iter().rev().nth(1).map_or(0, |s| s.sockets),
                last.sockets
            ),
            last.kib_per_socket <= 8.0 && last.sockets >= 10_000,
        );
    }
    for engine in ["SQLite", "PostgreSQL"] {
        let of = |n: usize| {
            r.history
                .iter()
                .find(|(e, h)| e == engine && h.messages == n)
                .map(|(_, h)| h)
        };
        if let (Some(small), Some(big)) = (
            of(1_000),
            r.history
                .iter()
                .filter(|(e, _)| e == engine)
                .map(|(_, h)| h)
                .max_by_key(|h| h.messages),
        ) {
            let flat = big.one_at_a_time.p99 <= small.one_at_a_time.p99 * 1.2;
            row(
                &format!(
                    "{engine} history, {} messages: one at a time p99 ≤ 5 ms and within 20 % of 1k",
                    big.messages
                ),
                format!(
                    "{:.1} ms (1k: {:.1} ms)",
                    big.one_at_a_time.p99, small.one_at_a_time.p99
                ),
                big.one_at_a_time.p99 <= 5.0 && flat,
            );
            row(
                &format!("{engine} history: ≥ 2,000 pages/s with 8 at once"),
                format!(
                    "{:.0} pages/s (the driver alone: {:.0} `SELECT 1`/s, and a page takes 5 \
                     queries)",
                    big.pages_per_second, big.driver_queries_per_second
                ),
                big.pages_per_second >= 2000.0,
            );
        }
    }
    for (engine, u) in &r.unread {
        for (case, listed, query, http) in [
            ("", u.listed, &u.query, &u.one_at_a_time),
            (
                ", nine in ten read",
                u.most_read.listed,
                &u.most_read.query,
                &u.most_read.one_at_a_time,
            ),
        ] {
            row(
                &format!(
                    "{engine} all unread counts in one query, {} channels ({listed} unread{case}) \
                     and {} messages: p99 ≤ 5 ms",
                    u.channels, u.messages
                ),
                format!("{:.1} ms ({:.1} ms over HTTP)", query.p99, http.p99),
                query.p99 <= 5.0,
            );
        }
    }
    for (engine, s) in &r.search {
        let worst = s
            .cases
            .iter()
            .max_by(|a, b| a.query_alone.p99.total_cmp(&b.query_alone.p99));
        if let Some(worst) = worst {
            row(
                &format!(
                    "{engine} message search over {} messages: p99 ≤ 50 ms",
                    s.messages
                ),
                format!(
                    "{:.1} ms at worst ({}; {:.1} ms over HTTP)",
                    worst.query_alone.p99, worst.kind, worst.over_http.p99
                ),
                worst.query_alone.p99 <= 50.0,
            );
        }
    }
    row(
        "release WASM ≤ 400 KB gzip",
        format!("{} KB", r.wasm.gzip / 1000),
        r.wasm.gzip <= 400_000,
    );
    row(
        "channel page p50 ≤ 20 ms, p99 ≤ 100 ms under 48 loads",
        format!("{:.1} / {:.1} ms", r.page.p50, r.page.p99),
        r.page.p50 <= 20.0 && r.page.p99 <= 100.0,
    );
    md.push('\n');
}

/// CPU model, cores and kernel of this machine.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::fs::read_to_string("/proc/cpuinfo")
        .map(|c| c.lines().filter(|l| l.starts_with("processor")).count())
        .unwrap_or(0);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines().find_map(|l| {
                l.strip_prefix("MemTotal:")
                    .map(str::trim)
                    .map(str::to_owned)
            })
        })
        .unwrap_or_default();
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "{cpu}, {cores} cores, {memory} memory, Linux {}",
        kernel.trim()
    )
}
