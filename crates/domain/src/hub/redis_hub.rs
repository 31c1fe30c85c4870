//! Sharing live events between nodes through Redis pub/sub. Every event is delivered to this
//! node's followers at once (so a Redis outage never silences a node for its own clients) and
//! published to Redis for the others; each node ignores what it published itself. A lost
//! connection is retried with capped exponential backoff; clients fill gaps by sequence number.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use shared::live::{ServerEvent, Topic};
use tokio::sync::{broadcast, mpsc};
use uuid::Uuid;

use super::{Frame, Hub, LocalHub, destinations, serialize};

/// The Redis channel all nodes share.
const CHANNEL: &str = "chatterhub:events";
/// Events waiting to go to Redis; past this they are dropped (and logged), never queued forever.
const OUTBOX: usize = 4096;

pub struct RedisHub {
    local: Arc<LocalHub>,
    node: Uuid,
    outbox: mpsc::Sender<Vec<u8>>,
}

impl RedisHub {
    /// Starts the publisher and subscriber tasks. Fails only on a malformed URL: an unreachable
    /// Redis is retried in the background.
    pub fn start(url: &str, local: Arc<LocalHub>) -> anyhow::Result<Arc<Self>> {
        let client = redis::Client::open(url)?;
        let node = Uuid::new_v4();
        let (outbox, pending) = mpsc::channel(OUTBOX);
        tokio::spawn(publish_loop(client.clone(), pending));
        tokio::spawn(subscribe_loop(client, node, local.clone()));
        Ok(Arc::new(Self {
            local,
            node,
            outbox,
        }))
    }
}

impl Hub for RedisHub {
    fn publish(&self, event: &ServerEvent) {
        let mut topics = destinations(event).peekable();
        if topics.peek().is_none() {
            return;
        }
        let frame = serialize(event);
        for topic in topics {
            if let Some(envelope) = encode(self.node, topic, &frame)
                && self.outbox.try_send(envelope).is_err()
            {
                tracing::warn!("Redis outbox full: an event reaches this node only");
            }
            self.local.deliver(topic, frame.clone());
        }
    }

    fn follow(&self, topic: Topic) -> broadcast::Receiver<Frame> {
        self.local.follow(topic)
    }
}

/// `node \n topic-json \n frame`: JSON never contains a raw newline, so this splits cleanly.
fn encode(node: Uuid, topic: Topic, frame: &[u8]) -> Option<Vec<u8>> {
    let topic = serde_json::to_string(&topic).ok()?;
    let mut envelope = format!("{node}\n{topic}\n").into_bytes();
    envelope.extend_from_slice(frame);
    Some(envelope)
}

fn decode(envelope: &str) -> Option<(Uuid, Topic, Frame)> {
    let mut parts = envelope.splitn(3, '\n');
    let node = Uuid::parse_str(parts.next()?).ok()?;
    let topic = serde_json::from_str(parts.next()?).ok()?;
    Some((
        node,
        topic,
        Frame::copy_from_slice(parts.next()?.as_bytes()),
    ))
}

async fn publish_loop(client: redis::Client, mut pending: mpsc::Receiver<Vec<u8>>) {
    let mut backoff = Backoff::default();
    let mut conn = None;
    while let Some(message) = pending.recv().await {
        loop {
            if conn.is_none() {
                match client.get_multiplexed_async_connection().await {
                    Ok(c) => conn = Some(c),
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot reach Redis to publish; retrying");
                        backoff.wait().await;
                        continue;
                    }
                }
            }
            let Some(c) = conn.as_mut() else { continue };
            let sent = redis::cmd("PUBLISH")
                .arg(CHANNEL)
                .arg(&message)
                .query_async::<()>(c)
                .await;
            match sent {
                Ok(()) => {
                    backoff.reset();
                    break;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "publishing to Redis failed; retrying");
                    conn = None;
                    backoff.wait().await;
                }
            }
        }
    }
}

async fn subscribe_loop(client: redis::Client, node: Uuid, local: Arc<LocalHub>) {
    let mut backoff = Backoff::default();
    loop {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => match pubsub.subscribe(CHANNEL).await {
                Ok(()) => {
                    tracing::info!("following live events from Redis");
                    backoff.reset();
                    let mut messages = pubsub.on_message();
                    while let Some(message) = messages.next().await {
                        let Ok(envelope) = message.get_payload::<String>() else {
                            continue;
                        };
                        match decode(&envelope) {
                            Some((from, topic, frame)) if from != node => {
                                local.deliver(topic, frame)
                            }
                            Some(_) => {}
                            None => tracing::warn!("ignored a malformed event from Redis"),
                        }
                    }
                    tracing::warn!("the Redis subscription ended; reconnecting");
                }
                Err(e) => tracing::warn!(error = %e, "subscribing in Redis failed"),
            },
            Err(e) => tracing::warn!(error = %e, "cannot reach Redis"),
        }
        backoff.wait().await;
    }
}

/// 100 ms doubling to 10 s.
struct Backoff(Duration);

impl Default for Backoff {
    fn default() -> Self {
        Self(Duration::from_millis(100))
    }
}

impl Backoff {
    async fn wait(&mut self) {
        tokio::time::sleep(self.0).await;
        self.0 = (self.0 * 2).min(Duration::from_secs(10));
    }

    fn reset(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ids::ServerId;

    #[test]
    fn envelopes_round_trip_and_garbage_is_refused() {
        let node = Uuid::new_v4();
        let topic = Topic::Server(ServerId(Uuid::new_v4()));
        let frame = r#"{"type":"Pong"}"#;
        let envelope = encode(node, topic, frame.as_bytes()).unwrap();
        let (n, t, f) = decode(std::str::from_utf8(&envelope).unwrap()).unwrap();
        assert_eq!((n, t, f.as_ref()), (node, topic, frame.as_bytes()));
        assert!(decode("garbage").is_none());
        assert!(decode(&format!("{node}\nnot-json\n{{}}")).is_none());
    }
}
