//! Message search at scale: the room's server grown to 20 channels and a direct conversation
//! between its two people, holding `size` messages of ordinary-looking text (8–24 words each,
//! drawn by Zipf's law from a 5,000-word vocabulary, so a few words are in most messages and
//! most words in few), one in a hundred a direct message, by both people in turn. They are
//! bulk-inserted straight into the server's database; the database's own triggers (SQLite) or
//! generated column (PostgreSQL) index them as the write path would. Then the first page of
//! each kind of search, one at a time, after ten untimed ones: the query alone (the server's
//! code on a connection of the benchmark's) and `POST /api/search_messages`.

use std::collections::HashSet;

use anyhow::Context;
use chrono::{Duration as Span, Utc};
use entity::{channel, conversation, direct_message, member, message, server};
use rand::Rng;
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, EntityTrait,
    QueryFilter, Set, TransactionTrait,
};
use shared::ids::ProfileId;
use shared::search::SearchPage;
use tokio::time::Instant;
use uuid::Uuid;

use crate::room::Room;
use crate::stats::{Latency, new_histogram};

pub const CHANNELS: usize = 20;
pub const VOCABULARY: usize = 5000;
/// One message in this many is a direct message.
const DIRECT_EVERY: usize = 100;
const SEARCHES: usize = 300;
/// Searches run before each kind is timed: the first after seeding read cold pages.
const WARM_UP: usize = 10;
const BATCH: usize = 1000;

#[derive(Debug, Clone)]
pub struct Outcome {
    pub messages: usize,
    pub cases: Vec<Case>,
}

/// One kind of search: what was typed, in how many messages its words are, how many hits the
/// first page held, and its latencies.
#[derive(Debug, Clone)]
pub struct Case {
    pub kind: &'static str,
    pub query: String,
    /// Messages holding the word searched for (or the rarest of them), of all.
    pub share: f64,
    pub hits: usize,
    pub query_alone: Latency,
    pub over_http: Latency,
}

/// Seeds the messages and times each kind of search.
pub async fn run(room: &Room, database_url: &str, size: usize) -> anyhow::Result<Outcome> {
    let searcher = room.senders.first().context("the room has no searcher")?;
    let words = vocabulary();
    let seeded = seed(database_url, room, &words, size).await?;
    let share = |rank: usize| seeded.frequency[rank] as f64 / size as f64;
    // The word nearest to being in `target` of the messages.
    let near = |target: f64| {
        (0..VOCABULARY)
            .min_by(|&a, &b| {
                (share(a) - target)
                    .abs()
                    .total_cmp(&(share(b) - target).abs())
            })
            .unwrap_or(0)
    };
    let (common, some, few, rare) = (0, near(0.02), near(0.001), near(0.0001));
    let cases: Vec<(&'static str, String, f64)> = vec![
        (
            "a word in most messages",
            words[common].clone(),
            share(common),
        ),
        ("a word in 1 in 50", words[some].clone(), share(some)),
        ("a word in 1 in 1,000", words[few].clone(), share(few)),
        ("a word in 1 in 10,000", words[rare].clone(), share(rare)),
        (
            "two words, each in about 1 in 50",
            format!("{} {}", words[some], words[some + 1]),
            share(some + 1).min(share(some)),
        ),
        (
            "a word in 1 in 50, from one person",
            format!("{} from:sender", words[some]),
            share(some),
        ),
        ("a word never written", "qqqqq".to_owned(), 0.0),
    ];

    let db = domain::db::connect(database_url).await?;
    let mut outcome = Outcome {
        messages: size,
        cases: Vec::new(),
    };
    let over_http = async |query: &str| -> anyhow::Result<SearchPage> {
        room.api
            .call_for(
                searcher,
                "search_messages",
                &[("query", query), ("utc_offset_minutes", "0")],
            )
            .await
    };
    for (kind, query, share) in cases {
        let expected = over_http(&query).await?;
        anyhow::ensure!(
            share == 0.0 || !expected.hits.is_empty(),
            "{kind}: nothing found"
        );
        for _ in 0..WARM_UP {
            domain::search::search_on(&db, seeded.searcher, &query, 0, None).await?;
        }
        let mut alone = new_histogram();
        for _ in 0..SEARCHES {
            let started = Instant::now();
            let page = domain::search::search_on(&db, seeded.searcher, &query, 0, None).await?;
            record(&mut alone, started);
            anyhow::ensure!(
                page == expected,
                "{kind}: the query and the endpoint disagree"
            );
        }
        let mut http = new_histogram();
        for _ in 0..SEARCHES {
            let started = Instant::now();
            let page = over_http(&query).await?;
            record(&mut http, started);
            anyhow::ensure!(
                page.hits.len() == expected.hits.len(),
                "{kind}: answers vary"
            );
        }
        eprintln!("search {kind}: {:?}", Latency::of(&alone));
        outcome.cases.push(Case {
            kind,
            query,
            share,
            hits: expected.hits.len(),
            query_alone: Latency::of(&alone),
            over_http: Latency::of(&http),
        });
    }
    db.close().await?;
    Ok(outcome)
}

fn record(h: &mut hdrhistogram::Histogram<u64>, started: Instant) {
    let took = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    h.saturating_record(took.max(1));
}

/// Made-up words of three syllables, each different (and none the beginning of another, so a
/// search finds its own word only), the most frequent first.
fn vocabulary() -> Vec<String> {
    const SYLLABLES: [&str; 24] = [
        "ka", "lo", "mi", "nu", "ta", "re", "so", "vi", "pa", "de", "fu", "go", "ha", "je", "ki",
        "ly", "mo", "ne", "ri", "su", "te", "wa", "xo", "zu",
    ];
    const _: () = assert!(SYLLABLES.len().pow(3) >= VOCABULARY);
    let n = SYLLABLES.len();
    (0..VOCABULARY)
        .map(|i| {
            (0..3)
                .map(|place| SYLLABLES[i / n.pow(place) % n])
                .collect()
        })
        .collect()
}

struct Seeded {
    searcher: ProfileId,
    /// In how many messages each word (by rank) is.
    frequency: Vec<usize>,
}

/// Draws word ranks by Zipf's law (rank r with weight 1/(r+1)).
struct Zipf(Vec<f64>);

impl Zipf {
    fn new(n: usize) -> Self {
        let mut total = 0.0;
        Zipf(
            (0..n)
                .map(|r| {
                    total += 1.0 / (r + 1) as f64;
                    total
                })
                .collect(),
        )
    }

    fn draw(&self, rng: &mut impl Rng) -> usize {
        let at = rng.random::<f64>() * self.0.last().copied().unwrap_or(0.0);
        self.0.partition_point(|&c| c < at).min(self.0.len() - 1)
    }
}

async fn seed(
    database_url: &str,
    room: &Room,
    words: &[String],
    size: usize,
) -> anyhow::Result<Seeded> {
    let db = Database::connect(database_url).await?;
    let home = server::Entity::find_by_id(room.server.0)
        .one(&db)
        .await?
        .context("no room server")?;
    let members = member::Entity::find()
        .filter(member::Column::ServerId.eq(home.id))
        .all(&db)
        .await?;
    let owner = members
        .iter()
        .find(|m| m.profile_id == home.owner_id)
        .context("no owner")?;
    let searcher = members
        .iter()
        .find(|m| m.profile_id != home.owner_id)
        .context("no searcher")?;
    let now = Utc::now();
    let mut channels: Vec<Uuid> = channel::Entity::find()
        .filter(channel::Column::ServerId.eq(home.id))
        .all(&db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let new: Vec<channel::ActiveModel> = (channels.len()..CHANNELS)
        .map(|n| {
            let id = Uuid::new_v4();
            channels.push(id);
            channel::ActiveModel {
                id: Set(id),
                name: Set(format!("search-{n}")),
                kind: Set(channel::ChannelKind::Text),
                creator_id: Set(Some(home.owner_id)),
                server_id: Set(home.id),
                last_seq: Set(0),
                last_message_seq: Set(0),
                created_at: Set(now),
                updated_at: Set(now),
            }
        })
        .collect();
    channel::Entity::insert_many(new).exec(&db).await?;
    let conversation = Uuid::new_v4();
    let (one, two) = if owner.id < searcher.id {
        (owner.id, searcher.id)
    } else {
        (searcher.id, owner.id)
    };
    conversation::Entity::insert(conversation::ActiveModel {
        id: Set(conversation),
        member_one_id: Set(one),
        member_two_id: Set(two),
        last_seq: Set(0),
        last_message_seq: Set(0),
        created_at: Set(now),
    })
    .exec(&db)
    .await?;

    let zipf = Zipf::new(words.len());
    let mut rng = rand::rng();
    let mut frequency = vec![0; words.len()];
    let mut channel_seq = vec![0i64; channels.len()];
    let mut direct_seq = 0i64;
    let start = now - Span::milliseconds(size as i64);
    let mut written = 0;
    while written < size {
        let txn = db.begin().await?;
        let mut rows = Vec::new();
        let mut directs = Vec::new();
        for i in written..(written + BATCH).min(size) {
            let count = rng.random_range(8..=24);
            let mut used = HashSet::new();
            let text: Vec<&str> = (0..count)
                .map(|_| {
                    let rank = zipf.draw(&mut rng);
                    used.insert(rank);
                    words[rank].as_str()
                })
                .collect();
            for rank in used {
                frequency[rank] += 1;
            }
            let author = if i % 2 == 0 { owner.id } else { searcher.id };
            let at = start + Span::milliseconds(i as i64);
            let content = text.join(" ");
            if i % DIRECT_EVERY == 0 {
                direct_seq += 1;
                directs.push(direct_message::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    content: Set(content),
                    file_url: Set(None),
                    deleted: Set(false),
                    edited_at: Set(None),
                    member_id: Set(author),
                    conversation_id: Set(conversation),
                    seq: Set(direct_seq),
                    created_seq: Set(direct_seq),
                    nonce: Set(Uuid::new_v4()),
                    created_at: Set(at),
                    updated_at: Set(at),
                    call: Set(None),
                    call_seconds: Set(None),
                    mentions_everyone: Set(false),
                    reply_to: Set(None),
                    pinned_at: Set(None),
                });
            } else {
                let c = i % channels.len();
                channel_seq[c] += 1;
                rows.push(message::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    content: Set(content),
                    file_url: Set(None),
                    deleted: Set(false),
                    edited_at: Set(None),
                    member_id: Set(author),
                    channel_id: Set(channels[c]),
                    seq: Set(channel_seq[c]),
                    created_seq: Set(channel_seq[c]),
                    nonce: Set(Uuid::new_v4()),
                    created_at: Set(at),
                    updated_at: Set(at),
                    call: Set(None),
                    call_seconds: Set(None),
                    mentions_everyone: Set(false),
                    reply_to: Set(None),
                    pinned_at: Set(None),
                });
            }
        }
        written = (written + BATCH).min(size);
        if !rows.is_empty() {
            message::Entity::insert_many(rows).exec(&txn).await?;
        }
        if !directs.is_empty() {
            direct_message::Entity::insert_many(directs)
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
    }
    counters(&db, &channels, &channel_seq, conversation, direct_seq).await?;
    if db.get_database_backend() == DatabaseBackend::Postgres {
        // What autovacuum does after a million inserts, done before timing instead of while
        // timing: the planner's statistics (without them it takes a frequent word for a rare
        // one and sorts every message holding it) and the visibility map.
        db.execute_unprepared("VACUUM (ANALYZE)").await?;
    }
    db.close().await?;
    Ok(Seeded {
        searcher: ProfileId(searcher.profile_id),
        frequency,
    })
}

/// Each thread's sequence counters, as the write path would have left them.
async fn counters(
    db: &DatabaseConnection,
    channels: &[Uuid],
    seqs: &[i64],
    conversation: Uuid,
    direct_seq: i64,
) -> anyhow::Result<()> {
    for (id, seq) in channels.iter().zip(seqs) {
        channel::Entity::update(channel::ActiveModel {
            id: Set(*id),
            last_seq: Set(*seq),
            last_message_seq: Set(*seq),
            ..Default::default()
        })
        .exec(db)
        .await?;
    }
    conversation::Entity::update(conversation::ActiveModel {
        id: Set(conversation),
        last_seq: Set(direct_seq),
        last_message_seq: Set(direct_seq),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}
