//! History at scale: a channel seeded with `size` messages (bulk-inserted straight into the
//! server's database), then pages of 50 at random cursors through `POST /api/channel_history`,
//! one at a time and 8 at once.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use entity::{channel, member, message};
use futures_util::future::join_all;
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectOptions, ConnectionTrait, Database, EntityTrait, QueryFilter, Set,
    Statement, TransactionTrait,
};
use tokio::time::Instant;
use uuid::Uuid;

use crate::room::Room;
use crate::stats::{Latency, new_histogram};

#[derive(Debug, Clone)]
pub struct Outcome {
    pub messages: usize,
    pub one_at_a_time: Latency,
    pub eight_at_once: Latency,
    pub pages_per_second: f64,
    /// `SELECT 1` per second through SeaORM's pool on the same database, 8 at once on one core:
    /// what the database driver alone allows, whatever the server does around its queries.
    pub driver_queries_per_second: f64,
}

const PAGE: &str = "50";
const SINGLE_PAGES: usize = 1000;
const CONCURRENT_FOR: Duration = Duration::from_secs(5);
const BATCH: usize = 1000;

/// Seeds a new channel of `size` messages and pages through it.
pub async fn run(room: &Room, database_url: &str, size: usize) -> anyhow::Result<Outcome> {
    let created = room
        .api
        .call(
            &room.owner,
            "create_channel",
            &[
                ("server_id", &room.server.to_string()),
                ("name", &format!("history-{size}")),
                ("kind", "TEXT"),
            ],
        )
        .await?;
    let channel: Uuid = created["id"].as_str().context("no channel id")?.parse()?;
    let ids = seed(database_url, room, channel, size).await?;

    let one = new_histogram_mutex();
    for _ in 0..SINGLE_PAGES {
        page(room, channel, &ids, &one).await?;
    }
    let eight = new_histogram_mutex();
    let until = Instant::now() + CONCURRENT_FOR;
    let started = Instant::now();
    let workers = (0..8).map(|_| async {
        let mut pages = 0u64;
        while Instant::now() < until {
            page(room, channel, &ids, &eight).await?;
            pages += 1;
        }
        anyhow::Ok(pages)
    });
    let mut pages = 0;
    for w in join_all(workers).await {
        pages += w?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let driver_queries_per_second = driver_floor(database_url).await?;
    Ok(Outcome {
        messages: size,
        one_at_a_time: Latency::of(&lock(&one)),
        eight_at_once: Latency::of(&lock(&eight)),
        pages_per_second: pages as f64 / elapsed,
        driver_queries_per_second,
    })
}

/// `SELECT 1`, 8 at once for a few seconds, through a SeaORM pool of 8 on the server's database
/// (from this process, which runs on one core).
async fn driver_floor(database_url: &str) -> anyhow::Result<f64> {
    let mut options = ConnectOptions::new(database_url);
    options.max_connections(8).sqlx_logging(false);
    let db = Database::connect(options).await?;
    let until = Instant::now() + CONCURRENT_FOR;
    let started = Instant::now();
    let workers = (0..8).map(|_| async {
        let mut queries = 0u64;
        while Instant::now() < until {
            let one = Statement::from_string(db.get_database_backend(), "SELECT 1");
            db.query_one_raw(one).await?;
            queries += 1;
        }
        anyhow::Ok(queries)
    });
    let mut queries = 0;
    for w in join_all(workers).await {
        queries += w?;
    }
    let per_second = queries as f64 / started.elapsed().as_secs_f64();
    db.close().await?;
    Ok(per_second)
}

fn new_histogram_mutex() -> Arc<Mutex<hdrhistogram::Histogram<u64>>> {
    Arc::new(Mutex::new(new_histogram()))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One page of 50 before a random message (with at least 50 older ones).
async fn page(
    room: &Room,
    channel: Uuid,
    ids: &[Uuid],
    latencies: &Mutex<hdrhistogram::Histogram<u64>>,
) -> anyhow::Result<()> {
    let at = rand::rng().random_range(50.min(ids.len() - 1)..ids.len());
    let (channel, before) = (channel.to_string(), ids[at].to_string());
    let started = Instant::now();
    let answer = room
        .api
        .call(
            &room.owner,
            "channel_history",
            &[
                ("channel_id", &channel),
                ("before", &before),
                ("limit", PAGE),
            ],
        )
        .await?;
    let took = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    lock(latencies).saturating_record(took.max(1));
    anyhow::ensure!(answer["messages"].is_array(), "not a page: {answer}");
    Ok(())
}

/// Bulk-inserts `size` 128-byte messages by the owner, oldest first; their ids in order.
async fn seed(
    database_url: &str,
    room: &Room,
    channel: Uuid,
    size: usize,
) -> anyhow::Result<Vec<Uuid>> {
    let db = Database::connect(database_url).await?;
    let author = member::Entity::find()
        .filter(member::Column::ServerId.eq(room.server.0))
        .filter(member::Column::Role.eq(member::Role::Admin))
        .one(&db)
        .await?
        .context("the owner is not a member")?
        .id;
    let now = Utc::now();
    let content = "x".repeat(128);
    let mut ids = Vec::with_capacity(size);
    let mut seq = 0i64;
    while ids.len() < size {
        let txn = db.begin().await?;
        for _ in 0..20 {
            let n = BATCH.min(size - ids.len());
            if n == 0 {
                break;
            }
            let rows: Vec<message::ActiveModel> = (0..n)
                .map(|_| {
                    seq += 1;
                    let id = Uuid::now_v7();
                    ids.push(id);
                    message::ActiveModel {
                        id: Set(id),
                        content: Set(content.clone()),
                        file_url: Set(None),
                        deleted: Set(false),
                        edited_at: Set(None),
                        member_id: Set(author),
                        channel_id: Set(channel),
                        seq: Set(seq),
                        created_seq: Set(seq),
                        nonce: Set(Uuid::new_v4()),
                        created_at: Set(now),
                        updated_at: Set(now),
                        call: Set(None),
                        call_seconds: Set(None),
                        mentions_everyone: Set(false),
                        reply_to: Set(None),
                        pinned_at: Set(None),
                    }
                })
                .collect();
            message::Entity::insert_many(rows).exec(&txn).await?;
        }
        txn.commit().await?;
    }
    channel::Entity::update_many()
        .col_expr(channel::Column::LastSeq, Expr::value(seq))
        .filter(channel::Column::Id.eq(channel))
        .exec(&db)
        .await?;
    db.close().await?;
    Ok(ids)
}
