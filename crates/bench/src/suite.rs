//! Everything the performance targets name, measured in one go: fan-out on SQLite, PostgreSQL
//! and the ceiling server; idle memory per socket; history at 1k and 1M messages; unread counts
//! over 2,000 channels and 1M messages; message search over 1M messages; the first load. Each scenario starts its own server on a fresh database.

use std::time::Duration;

use crate::fanout::{self, Load};
use crate::targets::{ChatterHub, Engine, in_bare_room};
use crate::{history, idle, pages, search, unread};

/// How long each fan-out load is measured, and how many times the headline load is repeated.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub measure: Duration,
    pub repeats: usize,
    pub history_size: usize,
    pub idle_steps: &'static [usize],
}

impl Plan {
    pub const FULL: Plan = Plan {
        measure: Duration::from_secs(10),
        repeats: 5,
        history_size: 1_000_000,
        idle_steps: &[1_000, 5_000, 10_000],
    };
    /// A quick pass to see the suite work end to end (figures not for the README).
    pub const QUICK: Plan = Plan {
        measure: Duration::from_secs(3),
        repeats: 1,
        history_size: 20_000,
        idle_steps: &[200, 1_000],
    };
}

pub struct Results {
    pub fanout: Vec<(String, fanout::Outcome)>,
    pub idle: Vec<idle::Step>,
    pub history: Vec<(String, history::Outcome)>,
    pub unread: Vec<(String, unread::Outcome)>,
    pub search: Vec<(String, search::Outcome)>,
    pub wasm: pages::WasmSizes,
    pub page: crate::stats::Latency,
    pub plan: Plan,
}

const SENDERS: usize = 4;

fn load(subscribers: usize, rate: u32, plan: Plan) -> Load {
    Load {
        subscribers,
        rate,
        senders: SENDERS,
        warmup: Duration::from_secs(2),
        measure: plan.measure,
    }
}

pub async fn run(
    hub: &ChatterHub,
    postgres: Option<Engine>,
    plan: Plan,
) -> anyhow::Result<Results> {
    let mut fanouts = Vec::new();
    let mut engines = vec![Engine::Sqlite];
    engines.extend(postgres);
    for engine in &engines {
        let mut loads = vec![load(1000, 100, plan), load(1000, 200, plan)];
        if matches!(engine, Engine::Sqlite) {
            loads = vec![load(10, 100, plan), load(1000, 50, plan)];
            loads.extend(std::iter::repeat_n(load(1000, 100, plan), plan.repeats));
            loads.push(load(1000, 200, plan));
        }
        for l in loads {
            let outcome = hub
                .in_room(engine, SENDERS, async |running, room| {
                    fanout::run(&running.process, room, l).await
                })
                .await;
            eprintln!(
                "fan-out {} {}: {:?}",
                engine.name(),
                l.label(),
                outcome.as_ref().map(|o| o.receive)
            );
            fanouts.push((engine.name().to_owned(), outcome?));
        }
    }
    for l in [
        load(1000, 50, plan),
        load(1000, 100, plan),
        load(1000, 200, plan),
    ] {
        let outcome = in_bare_room(hub.pin, SENDERS, async |process, room| {
            fanout::run(process, room, l).await
        })
        .await;
        eprintln!(
            "fan-out ceiling {}: {:?}",
            l.label(),
            outcome.as_ref().map(|o| o.receive)
        );
        fanouts.push(("ceiling".to_owned(), outcome?));
    }

    let idle = hub
        .in_room(&Engine::Sqlite, 1, async |running, room| {
            idle::run(&running.process, room, plan.idle_steps).await
        })
        .await?;
    eprintln!("idle: {idle:?}");

    let mut histories = Vec::new();
    for engine in &engines {
        let sizes = hub
            .in_room(engine, 1, async |running, room| {
                let mut outcomes = Vec::new();
                for size in [1_000, plan.history_size] {
                    let outcome = history::run(room, &running.database_url, size).await?;
                    eprintln!(
                        "history {} {size}: {:?}",
                        engine.name(),
                        outcome.one_at_a_time
                    );
                    outcomes.push(outcome);
                }
                Ok(outcomes)
            })
            .await?;
        histories.extend(sizes.into_iter().map(|o| (engine.name().to_owned(), o)));
    }

    let mut unreads = Vec::new();
    for engine in &engines {
        let outcome = hub
            .in_room(engine, 1, async |running, room| {
                unread::run(room, &running.database_url, plan.history_size).await
            })
            .await?;
        eprintln!("unread {}: {:?}", engine.name(), outcome.one_at_a_time);
        unreads.push((engine.name().to_owned(), outcome));
    }

    let mut searches = Vec::new();
    for engine in &engines {
        let outcome = hub
            .in_room(engine, 1, async |running, room| {
                search::run(room, &running.database_url, plan.history_size).await
            })
            .await?;
        searches.push((engine.name().to_owned(), outcome));
    }

    let wasm = pages::wasm_sizes(&hub.site_root)?;
    let page = hub
        .in_room(&Engine::Sqlite, 1, async |_, room| {
            pages::channel_page(room).await
        })
        .await?;
    eprintln!("pages: {page:?}");

    Ok(Results {
        fanout: fanouts,
        idle,
        history: histories,
        unread: unreads,
        search: searches,
        wasm,
        page,
        plan,
    })
}
