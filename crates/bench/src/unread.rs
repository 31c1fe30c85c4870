//! Unread counts at scale: a reader in 100 servers of 20 channels each (2,000 channels), with
//! `size` messages spread over them by someone else (bulk-inserted straight into the server's
//! database), read up to a random point in each channel, mentioned in some messages by name and
//! in some as everyone; then all their counts through `POST /api/load_unread`, one at a time and
//! 8 at once.

use std::sync::Mutex;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use domain::read_state::latest::LatestCopy;
use entity::{channel, channel_read, member, message, message_mention, server};
use futures_util::future::join_all;
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};
use shared::ids::ProfileId;
use shared::unread::Unread;
use tokio::time::Instant;
use uuid::Uuid;

use crate::room::Room;
use crate::stats::{Latency, new_histogram};

pub const SERVERS: usize = 100;
pub const CHANNELS_PER_SERVER: usize = 20;
/// One message in this many mentions the reader by name; one in `EVERYONE_EVERY` mentions all.
const MENTION_EVERY: usize = 50;
const EVERYONE_EVERY: usize = 200;
const _: () = assert!(EVERYONE_EVERY.is_multiple_of(MENTION_EVERY));
const SINGLE_LOADS: usize = 1000;
const WARM_UP: usize = 20;
const CONCURRENT_FOR: Duration = Duration::from_secs(5);
const BATCH: usize = 1000;

#[derive(Debug, Clone)]
pub struct Outcome {
    pub messages: usize,
    pub channels: usize,
    /// Channels the answer listed (those with something unread).
    pub listed: usize,
    /// The query alone, one at a time.
    pub query: Latency,
    pub one_at_a_time: Latency,
    pub eight_at_once: Latency,
    pub loads_per_second: f64,
    /// The same reader, with nine channels in ten read.
    pub most_read: MostRead,
}

#[derive(Debug, Clone)]
pub struct MostRead {
    pub listed: usize,
    pub query: Latency,
    pub one_at_a_time: Latency,
}

/// Seeds the servers, channels and `size` messages, and loads the reader's counts.
pub async fn run(room: &Room, database_url: &str, size: usize) -> anyhow::Result<Outcome> {
    let reader = room.senders.first().context("the room has no reader")?;
    let (channels, reader_profile) = seed(database_url, room, size).await?;
    let answer: Unread = room.api.call_for(reader, "load_unread", &[]).await?;
    let listed = answer.servers.iter().map(|s| s.channels.len()).sum();
    anyhow::ensure!(listed > channels / 2, "only {listed} channels unread");

    let one = Mutex::new(new_histogram());
    for _ in 0..SINGLE_LOADS {
        load(room, reader, &answer, &one).await?;
    }
    let eight = Mutex::new(new_histogram());
    let until = Instant::now() + CONCURRENT_FOR;
    let started = Instant::now();
    let workers = (0..8).map(|_| async {
        let mut loads = 0u64;
        while Instant::now() < until {
            load(room, reader, &answer, &eight).await?;
            loads += 1;
        }
        anyhow::Ok(loads)
    });
    let mut loads = 0;
    for w in join_all(workers).await {
        loads += w?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let reader_profile = ProfileId(reader_profile);
    let query = query_alone(database_url, reader_profile, &answer).await?;

    // The same reader having read nine channels in ten.
    read_most(database_url, reader_profile).await?;
    let fewer: Unread = room.api.call_for(reader, "load_unread", &[]).await?;
    let fewer_listed = fewer.servers.iter().map(|s| s.channels.len()).sum();
    anyhow::ensure!(
        fewer_listed <= channels / 10,
        "{fewer_listed} channels still unread"
    );
    let fewer_one = Mutex::new(new_histogram());
    for _ in 0..SINGLE_LOADS {
        load(room, reader, &fewer, &fewer_one).await?;
    }
    let most_read = MostRead {
        listed: fewer_listed,
        query: query_alone(database_url, reader_profile, &fewer).await?,
        one_at_a_time: Latency::of(&lock(&fewer_one)),
    };
    Ok(Outcome {
        messages: size,
        channels,
        listed,
        query,
        one_at_a_time: Latency::of(&lock(&one)),
        eight_at_once: Latency::of(&lock(&eight)),
        loads_per_second: loads as f64 / elapsed,
        most_read,
    })
}

/// Marks nine in ten of the reader's channels (all but every tenth, in id order) read to their
/// latest message, as reading them would.
async fn read_most(database_url: &str, reader: ProfileId) -> anyhow::Result<()> {
    let db = Database::connect(database_url).await?;
    let rows = channel_read::Entity::find()
        .filter(channel_read::Column::ProfileId.eq(reader.0))
        .order_by_asc(channel_read::Column::ChannelId)
        .all(&db)
        .await?;
    let read = rows
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 10 != 0)
        .map(|(_, r)| r.channel_id);
    channel_read::Entity::update_many()
        .col_expr(
            channel_read::Column::LastReadSeq,
            Expr::cust(
                "(SELECT c.last_message_seq FROM channel c WHERE c.id = channel_read.channel_id)",
            ),
        )
        .col_expr(channel_read::Column::Mentions, Expr::value(0))
        .filter(channel_read::Column::ProfileId.eq(reader.0))
        .filter(channel_read::Column::ChannelId.is_in(read))
        .exec(&db)
        .await?;
    db.close().await?;
    Ok(())
}

/// The query `load_unread` runs, alone: the server's own code on a connection of the
/// benchmark's to the same database, set up as the server sets up its own, one at a time
/// after `WARM_UP` untimed runs.
async fn query_alone(
    database_url: &str,
    reader: ProfileId,
    expected: &Unread,
) -> anyhow::Result<Latency> {
    let db = domain::db::connect(database_url).await?;
    // A new connection prepares the statement, and PostgreSQL plans it anew for each of its
    // first few runs; the first run also fills the copy of the servers' channels: not timed,
    // as a running server is past that.
    let copy = LatestCopy::default();
    for _ in 0..WARM_UP {
        domain::read_state::unread_on(&db, &copy, reader).await?;
    }
    let mut latencies = new_histogram();
    for _ in 0..SINGLE_LOADS {
        let started = Instant::now();
        let answer = domain::read_state::unread_on(&db, &copy, reader).await?;
        let took = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        latencies.saturating_record(took.max(1));
        anyhow::ensure!(answer == *expected, "the query and load_unread disagree");
    }
    db.close().await?;
    Ok(Latency::of(&latencies))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn load(
    room: &Room,
    reader: &str,
    expected: &Unread,
    latencies: &Mutex<hdrhistogram::Histogram<u64>>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let answer: Unread = room.api.call_for(reader, "load_unread", &[]).await?;
    let took = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    lock(latencies).saturating_record(took.max(1));
    anyhow::ensure!(
        answer == *expected,
        "the counts changed with nothing written"
    );
    Ok(())
}

/// The room's server and 99 more, each with 20 text channels, the owner and the reader in all;
/// `size` messages by the owner spread evenly; the reader's read point in each channel at
/// random. How many channels there are, and who the reader is.
async fn seed(database_url: &str, room: &Room, size: usize) -> anyhow::Result<(usize, Uuid)> {
    let db = Database::connect(database_url).await?;
    let home = server::Entity::find_by_id(room.server.0)
        .one(&db)
        .await?
        .context("no room server")?;
    let reader = member::Entity::find()
        .filter(member::Column::ServerId.eq(home.id))
        .filter(member::Column::ProfileId.ne(home.owner_id))
        .one(&db)
        .await?
        .context("no reader")?
        .profile_id;
    let now = Utc::now();
    // (server, the owner's member id there, the reader's member id there)
    let mut servers = Vec::new();
    let txn = db.begin().await?;
    let home_members = member::Entity::find()
        .filter(member::Column::ServerId.eq(home.id))
        .all(&txn)
        .await?;
    let member_of = |profile: Uuid| {
        home_members
            .iter()
            .find(|m| m.profile_id == profile)
            .map(|m| m.id)
    };
    servers.push((
        home.id,
        member_of(home.owner_id).context("owner")?,
        member_of(reader).context("reader")?,
    ));
    for i in 1..SERVERS {
        let id = Uuid::new_v4();
        server::Entity::insert(server::ActiveModel {
            id: Set(id),
            name: Set(format!("Bench {i}")),
            image_url: Set(None),
            invite_code: Set(Uuid::new_v4().simple().to_string()),
            owner_id: Set(home.owner_id),
            created_at: Set(now),
            updated_at: Set(now),
            channels_version: Set(0),
        })
        .exec(&txn)
        .await?;
        let mut ids = [Uuid::nil(); 2];
        for (slot, (profile, role)) in [
            (home.owner_id, member::Role::Admin),
            (reader, member::Role::Guest),
        ]
        .into_iter()
        .enumerate()
        {
            ids[slot] = Uuid::new_v4();
            member::Entity::insert(member::ActiveModel {
                id: Set(ids[slot]),
                role: Set(role),
                profile_id: Set(profile),
                server_id: Set(id),
                created_at: Set(now),
                updated_at: Set(now),
                left_at: Set(None),
            })
            .exec(&txn)
            .await?;
        }
        servers.push((id, ids[0], ids[1]));
    }
    // Every server gets to 20 text channels (the room's has its #general already).
    let existing = channel::Entity::find()
        .filter(channel::Column::ServerId.eq(home.id))
        .all(&txn)
        .await?;
    let mut channels: Vec<(Uuid, Uuid, Uuid)> = existing
        .iter()
        .map(|c| (c.id, servers[0].1, servers[0].2))
        .collect();
    for (server_id, owner, reader_member) in &servers {
        let have = if *server_id == home.id {
            existing.len()
        } else {
            0
        };
        let new: Vec<channel::ActiveModel> = (have..CHANNELS_PER_SERVER)
            .map(|n| {
                let id = Uuid::new_v4();
                channels.push((id, *owner, *reader_member));
                channel::ActiveModel {
                    id: Set(id),
                    name: Set(format!("channel-{n}")),
                    kind: Set(channel::ChannelKind::Text),
                    creator_id: Set(Some(home.owner_id)),
                    server_id: Set(*server_id),
                    last_seq: Set(0),
                    last_message_seq: Set(0),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
            })
            .collect();
        channel::Entity::insert_many(new).exec(&txn).await?;
    }
    txn.commit().await?;
    seed_messages(&db, &channels, reader, size).await?;
    // As the write path does with each message: a server's copies of its channels are out of
    // date.
    db.execute_unprepared("UPDATE server SET channels_version = channels_version + 1")
        .await?;
    if db.get_database_backend() == DatabaseBackend::Postgres {
        // What autovacuum does after a million inserts (the planner's statistics, the
        // visibility map), done before timing instead of while timing.
        db.execute_unprepared("VACUUM (ANALYZE)").await?;
    }
    db.close().await?;
    Ok((channels.len(), reader))
}

/// `size` messages spread over `channels` (channel, the owner's member, the reader's member),
/// the reader's mention rows, each channel's counters, and the reader's read points with their
/// mention counts.
async fn seed_messages(
    db: &DatabaseConnection,
    channels: &[(Uuid, Uuid, Uuid)],
    reader: Uuid,
    size: usize,
) -> anyhow::Result<()> {
    let per_channel = size.div_ceil(channels.len());
    let content = "x".repeat(128);
    let now = Utc::now();
    let mut left = size;
    for chunk in channels.chunks(BATCH.div_ceil(per_channel).max(1)) {
        let txn = db.begin().await?;
        let mut rows = Vec::new();
        let mut mentions = Vec::new();
        let mut reads = Vec::new();
        for (channel_id, owner, reader_member) in chunk {
            let n = per_channel.min(left);
            left -= n;
            for seq in 1..=n {
                let id = Uuid::now_v7();
                let everyone = seq % EVERYONE_EVERY == 0;
                if seq % MENTION_EVERY == 0 && !everyone {
                    mentions.push(message_mention::ActiveModel {
                        message_id: Set(id),
                        member_id: Set(*reader_member),
                        channel_id: Set(*channel_id),
                        created_seq: Set(seq as i64),
                    });
                }
                rows.push(message::ActiveModel {
                    id: Set(id),
                    content: Set(content.clone()),
                    file_url: Set(None),
                    deleted: Set(false),
                    edited_at: Set(None),
                    member_id: Set(*owner),
                    channel_id: Set(*channel_id),
                    seq: Set(seq as i64),
                    created_seq: Set(seq as i64),
                    nonce: Set(Uuid::new_v4()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    call: Set(None),
                    call_seconds: Set(None),
                    mentions_everyone: Set(everyone),
                    reply_to: Set(None),
                    pinned_at: Set(None),
                });
            }
            channel::Entity::update(channel::ActiveModel {
                id: Set(*channel_id),
                last_seq: Set(n as i64),
                last_message_seq: Set(n as i64),
                ..Default::default()
            })
            .exec(&txn)
            .await?;
            let read = rand::rng().random_range(0..=n);
            // What the write path keeps: the mentions after the point read (every
            // `EVERYONE_EVERY`th message is also a `MENTION_EVERY`th).
            let mentions = n / MENTION_EVERY - read / MENTION_EVERY;
            reads.push(channel_read::ActiveModel {
                profile_id: Set(reader),
                channel_id: Set(*channel_id),
                last_read_seq: Set(read as i64),
                mentions: Set(mentions as i64),
                updated_at: Set(now),
            });
        }
        for part in rows.chunks(BATCH) {
            message::Entity::insert_many(part.to_vec())
                .exec(&txn)
                .await?;
        }
        if !mentions.is_empty() {
            message_mention::Entity::insert_many(mentions)
                .exec(&txn)
                .await?;
        }
        channel_read::Entity::insert_many(reads).exec(&txn).await?;
        txn.commit().await?;
    }
    Ok(())
}
