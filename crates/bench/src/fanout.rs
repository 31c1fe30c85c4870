//! Fan-out under an open-loop load: `subscribers` sockets follow one channel while `senders`
//! post 128-byte messages through `POST /api/send_message` on a fixed schedule. Each message
//! carries its scheduled send time, so a slow server cannot slow the sender and hide its queue
//! (latency counts from when the message was due, not from when it went out).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::join_all;
use hdrhistogram::Histogram;
use memchr::memmem;
use shared::live::Topic;
use tokio::time::{Instant, sleep_until, timeout_at};
use uuid::Uuid;

use crate::process::Process;
use crate::room::Room;
use crate::stats::{Latency, new_histogram};
use crate::wire::Listener;

#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub subscribers: usize,
    /// Messages per second, all senders together.
    pub rate: u32,
    pub senders: usize,
    pub warmup: Duration,
    pub measure: Duration,
}

impl Load {
    pub fn label(&self) -> String {
        format!("{} × {} msg/s", self.subscribers, self.rate)
    }
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub load: Load,
    /// Deliveries seen in the measured window, and how many were due (acknowledged sends ×
    /// subscribers).
    pub delivered: u64,
    pub expected: u64,
    /// Deliveries that came twice or out of sequence order.
    pub misordered: u64,
    /// Sockets the server closed before the end (a follower too far behind is cut off, to
    /// catch up by sequence number).
    pub cut_off: u64,
    pub failed_sends: u64,
    pub receive: Latency,
    pub send: Latency,
    pub cpu_percent: f64,
    pub rss_mib: f64,
}

impl Outcome {
    pub fn delivered_percent(&self) -> f64 {
        if self.expected == 0 {
            0.0
        } else {
            100.0 * self.delivered as f64 / self.expected as f64
        }
    }
}

const MESSAGE_BYTES: usize = 128;
/// How long after the last send the sockets keep listening for late deliveries.
const DRAIN: Duration = Duration::from_secs(5);

/// Runs `load` against the server in `room`.
pub async fn run(server: &Process, room: &Room, load: Load) -> anyhow::Result<Outcome> {
    let sockets = connect_all(room, load.subscribers).await?;
    let start = Instant::now() + Duration::from_millis(500);
    let window = (start + load.warmup, start + load.warmup + load.measure);
    let receive = Arc::new(Mutex::new(new_histogram()));
    let send = Arc::new(Mutex::new(new_histogram()));
    let acknowledged = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));

    let listeners: Vec<_> = sockets
        .into_iter()
        .map(|socket| {
            tokio::spawn(listen(
                socket,
                start,
                window,
                window.1 + DRAIN,
                receive.clone(),
            ))
        })
        .collect();
    let senders: Vec<_> = room
        .senders
        .iter()
        .enumerate()
        .map(|(k, cookie)| {
            let plan = Plan {
                start,
                window,
                k,
                load,
            };
            tokio::spawn(send_on_schedule(
                room.api.clone(),
                cookie.clone(),
                room.channel.to_string(),
                plan,
                Arc::clone(&send),
                Arc::clone(&acknowledged),
                Arc::clone(&failed),
            ))
        })
        .collect();

    let spinner = tokio::spawn(keep_awake(window.1 + DRAIN));
    sleep_until(window.0).await;
    let before = server.usage()?;
    sleep_until(window.1).await;
    let after = server.usage()?;
    spinner.await?;
    for s in join_all(senders).await {
        s??;
    }
    let (mut delivered, mut misordered, mut cut_off) = (0, 0, 0);
    for l in join_all(listeners).await {
        let heard = l?;
        delivered += heard.in_window;
        misordered += heard.misordered;
        cut_off += u64::from(heard.cut_off);
    }
    let subscribers = u64::try_from(load.subscribers)?;
    let receive = Latency::of(&lock(&receive));
    let send = Latency::of(&lock(&send));
    Ok(Outcome {
        load,
        delivered,
        expected: acknowledged.load(Ordering::Relaxed) * subscribers,
        misordered,
        cut_off,
        failed_sends: failed.load(Ordering::Relaxed),
        receive,
        send,
        cpu_percent: before.cpu_percent(after, load.measure),
        rss_mib: after.rss_kib as f64 / 1024.0,
    })
}

/// Keeps the driver's thread from sleeping until `until`: it has a core of its own, and a
/// driver that sleeps between frames makes the server pay for waking it on every frame.
async fn keep_awake(until: Instant) {
    while Instant::now() < until {
        tokio::task::yield_now().await;
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Opens `n` sockets, 64 at a time, all following the room's channel.
pub async fn connect_all(room: &Room, n: usize) -> anyhow::Result<Vec<Listener>> {
    let topic = Topic::Channel(room.channel);
    let mut sockets = Vec::with_capacity(n);
    let mut remaining = n;
    while remaining > 0 {
        let batch = remaining.min(64);
        let opened =
            join_all((0..batch).map(|_| Listener::open(&room.api.base, &room.owner, topic))).await;
        for s in opened {
            sockets.push(s?);
        }
        remaining -= batch;
    }
    Ok(sockets)
}

struct Plan {
    start: Instant,
    window: (Instant, Instant),
    k: usize,
    load: Load,
}

/// Sender `k` of `load.senders`: every `senders / rate` seconds from `start + k / rate`, until the
/// window closes; each send in its own task, so the schedule never waits for an answer.
async fn send_on_schedule(
    api: crate::client::Api,
    cookie: String,
    channel: String,
    plan: Plan,
    latencies: Arc<Mutex<Histogram<u64>>>,
    acknowledged: Arc<AtomicU64>,
    failed: Arc<AtomicU64>,
) -> anyhow::Result<()> {
    let every = Duration::from_secs_f64(plan.load.senders as f64 / f64::from(plan.load.rate));
    let first = plan.start + Duration::from_secs_f64(plan.k as f64 / f64::from(plan.load.rate));
    let count = ((plan.window.1 - first).as_secs_f64() / every.as_secs_f64()).ceil() as u32;
    let mut inflight = Vec::with_capacity(usize::try_from(count)?);
    for i in 0..count {
        let due = first + every * i;
        sleep_until(due).await;
        let content = stamped(due - plan.start);
        let nonce = Uuid::new_v4().to_string();
        let (api, cookie, channel) = (api.clone(), cookie.clone(), channel.clone());
        let (latencies, acknowledged, failed) = (
            Arc::clone(&latencies),
            Arc::clone(&acknowledged),
            Arc::clone(&failed),
        );
        let measured = due >= plan.window.0;
        inflight.push(tokio::spawn(async move {
            let form = [
                ("channel_id", channel.as_str()),
                ("content", content.as_str()),
                ("nonce", nonce.as_str()),
            ];
            let ok = matches!(
                api.post(&cookie, "send_message", &form).await,
                Ok(r) if r.status().is_success()
            );
            if measured {
                if ok {
                    acknowledged.fetch_add(1, Ordering::Relaxed);
                    record(&latencies, due.elapsed());
                } else {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for sent in join_all(inflight).await {
        sent?;
    }
    Ok(())
}

/// A 128-byte message whose first 20 characters are its due time in nanoseconds.
fn stamped(since_start: Duration) -> String {
    let mut text = format!("{:020}", since_start.as_nanos());
    text.extend(std::iter::repeat_n('x', MESSAGE_BYTES - text.len()));
    text
}

struct Heard {
    in_window: u64,
    misordered: u64,
    cut_off: bool,
}

/// Reads one socket until `until`, timing every message due inside `window`.
async fn listen(
    mut socket: Listener,
    start: Instant,
    window: (Instant, Instant),
    until: Instant,
    latencies: Arc<Mutex<Histogram<u64>>>,
) -> Heard {
    let mut heard = Heard {
        in_window: 0,
        misordered: 0,
        cut_off: false,
    };
    let mut last_seq = 0;
    let mut on_text = |text: &[u8]| {
        let Some((seq, due)) = parse_created(text) else {
            return;
        };
        if seq <= last_seq {
            heard.misordered += 1;
        }
        last_seq = last_seq.max(seq);
        let due = start + due;
        if due >= window.0 && due < window.1 {
            heard.in_window += 1;
            record(&latencies, due.elapsed());
        }
    };
    let ended = loop {
        match timeout_at(until, socket.read_some(&mut on_text)).await {
            Ok(Ok(true)) => {}
            Ok(Ok(false) | Err(_)) => break true,
            Err(_) => break false,
        }
    };
    heard.cut_off = ended;
    heard
}

fn record(h: &Mutex<Histogram<u64>>, latency: Duration) {
    let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
    lock(h).saturating_record(micros.max(1));
}

/// The sequence number and due time of a `MessageCreated` frame; `None` for any other frame.
fn parse_created(frame: &[u8]) -> Option<(i64, Duration)> {
    memmem::find(frame, b"\"MessageCreated\"")?;
    let seq = number_after(frame, b"\"seq\":")?;
    let nanos = number_after(frame, b"\"content\":\"")?;
    Some((i64::try_from(seq).ok()?, Duration::from_nanos(nanos)))
}

fn number_after(frame: &[u8], key: &[u8]) -> Option<u64> {
    let at = memmem::find(frame, key)? + key.len();
    let digits = frame[at..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    std::str::from_utf8(&frame[at..at + digits])
        .ok()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_frames_give_their_sequence_and_due_time() {
        let content = stamped(Duration::from_nanos(1_234_567));
        assert_eq!(content.len(), MESSAGE_BYTES);
        let frame = format!(
            r#"{{"type":"MessageCreated","data":{{"thread":{{"kind":"Channel","id":"x"}},"message":{{"id":"y","seq":42,"content":"{content}"}}}}}}"#
        );
        assert_eq!(
            parse_created(frame.as_bytes()),
            Some((42, Duration::from_nanos(1_234_567)))
        );
        assert_eq!(parse_created(br#"{"type":"Pong"}"#), None);
    }
}
