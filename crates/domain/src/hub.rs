//! Who follows what, on this node. An event is serialized once when published; every follower
//! gets the same bytes. Knows nothing of sockets.

pub mod redis_hub;

use std::collections::HashMap;
use std::sync::Mutex;

use shared::live::{ServerEvent, Topic};
use tokio::sync::broadcast;

/// One serialized event (JSON text), shared by every follower: a clone shares the bytes.
pub type Frame = bytes::Bytes;

/// Publishing and following topics. The in-process hub serves one node; the Redis hub shares
/// events between nodes and delivers through a local hub on each.
pub trait Hub: Send + Sync + 'static {
    /// Sends `event` to every follower of its topic.
    fn publish(&self, event: &ServerEvent);
    /// Follows `topic` on this node. The receiver's buffer is bounded: a follower that falls
    /// behind sees `Lagged` and is expected to drop and catch up by sequence number.
    fn follow(&self, topic: Topic) -> broadcast::Receiver<Frame>;
}

/// The in-process hub.
pub struct LocalHub {
    topics: Mutex<Topics>,
    capacity: usize,
}

/// The topics of a node. A topic whose last follower left is freed by the next event on it, or
/// by the sweep that runs whenever the map has doubled since the last one (amortized O(1)).
struct Topics {
    senders: HashMap<Topic, broadcast::Sender<Frame>>,
    sweep_at: usize,
}

impl Topics {
    const FIRST_SWEEP: usize = 64;

    fn sweep_if_grown(&mut self) {
        if self.senders.len() >= self.sweep_at {
            self.senders.retain(|_, s| s.receiver_count() > 0);
            self.sweep_at = (self.senders.len() * 2).max(Self::FIRST_SWEEP);
        }
    }
}

impl LocalHub {
    /// How many events a follower may fall behind before it is cut off.
    pub const DEFAULT_CAPACITY: usize = 256;

    pub fn new(capacity: usize) -> Self {
        Self {
            topics: Mutex::new(Topics {
                senders: HashMap::new(),
                sweep_at: Topics::FIRST_SWEEP,
            }),
            capacity,
        }
    }

    /// Hands an already serialized event to this node's followers of `topic`.
    pub fn deliver(&self, topic: Topic, frame: Frame) {
        let mut topics = self
            .topics
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(sender) = topics.senders.get(&topic)
            && sender.send(frame).is_err()
        {
            // Nobody follows it any more.
            topics.senders.remove(&topic);
        }
    }

    /// Topics with at least one follower (for tests and metrics).
    pub fn followed_topics(&self) -> usize {
        let topics = self
            .topics
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        topics
            .senders
            .values()
            .filter(|s| s.receiver_count() > 0)
            .count()
    }

    /// Topics held in memory, followed or not (for tests of freeing).
    pub fn held_topics(&self) -> usize {
        let topics = self
            .topics
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        topics.senders.len()
    }
}

impl Default for LocalHub {
    fn default() -> Self {
        Self::new(Self::DEFAULT_CAPACITY)
    }
}

impl Hub for LocalHub {
    fn publish(&self, event: &ServerEvent) {
        let mut topics = destinations(event).peekable();
        if topics.peek().is_some() {
            let frame = serialize(event);
            for topic in topics {
                self.deliver(topic, frame.clone());
            }
        }
    }

    fn follow(&self, topic: Topic) -> broadcast::Receiver<Frame> {
        let mut topics = self
            .topics
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        topics.sweep_if_grown();
        topics
            .senders
            .entry(topic)
            .or_insert_with(|| broadcast::channel(self.capacity).0)
            .subscribe()
    }
}

/// The topics `event` goes to: its own, and the server's `Access` topic when it ends someone's
/// access (the same bytes to both).
fn destinations(event: &ServerEvent) -> impl Iterator<Item = Topic> {
    event.topic().into_iter().chain(event.access_topic())
}

/// The wire form of an event.
pub fn serialize(event: &ServerEvent) -> Frame {
    match serde_json::to_vec(event) {
        Ok(json) => Frame::from(json),
        // A derive(Serialize) of plain data cannot fail; say so loudly if it ever does.
        Err(e) => {
            tracing::error!(error = %e, "event serialization failed");
            Frame::from_static(br#"{"type":"Error","data":{"message":"event lost"}}"#)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ids::{ChannelId, ServerId};
    use uuid::Uuid;

    #[tokio::test]
    async fn followers_of_a_topic_get_the_same_bytes_and_others_nothing() {
        let hub = LocalHub::new(8);
        let server_id = ServerId(Uuid::new_v4());
        let mut a = hub.follow(Topic::Server(server_id));
        let mut b = hub.follow(Topic::Server(server_id));
        let mut other = hub.follow(Topic::Channel(ChannelId(Uuid::new_v4())));
        hub.publish(&ServerEvent::ServerDeleted { server_id });
        let (fa, fb) = (a.recv().await.unwrap(), b.recv().await.unwrap());
        assert_eq!(fa.as_ptr(), fb.as_ptr(), "serialized once, shared");
        assert!(std::str::from_utf8(&fa).unwrap().contains("ServerDeleted"));
        assert!(other.try_recv().is_err());
    }

    #[tokio::test]
    async fn removals_also_reach_the_access_topic_and_nothing_else_does() {
        let hub = LocalHub::new(8);
        let server_id = ServerId(Uuid::new_v4());
        let mut server = hub.follow(Topic::Server(server_id));
        let mut access = hub.follow(Topic::Access(server_id));
        hub.publish(&ServerEvent::ChannelDeleted {
            server_id,
            channel_id: ChannelId(Uuid::new_v4()),
        });
        hub.publish(&ServerEvent::ServerDeleted { server_id });
        let deleted_channel = server.recv().await.unwrap();
        assert!(
            std::str::from_utf8(&deleted_channel)
                .unwrap()
                .contains("ChannelDeleted")
        );
        let (on_server, on_access) = (server.recv().await.unwrap(), access.recv().await.unwrap());
        assert_eq!(on_server.as_ptr(), on_access.as_ptr(), "the same bytes");
        assert!(
            std::str::from_utf8(&on_access)
                .unwrap()
                .contains("ServerDeleted")
        );
        assert!(
            access.try_recv().is_err(),
            "only the removal went to Access"
        );
    }

    #[tokio::test]
    async fn a_slow_follower_lags_instead_of_growing_memory() {
        let hub = LocalHub::new(2);
        let server_id = ServerId(Uuid::new_v4());
        let mut slow = hub.follow(Topic::Server(server_id));
        for _ in 0..5 {
            hub.publish(&ServerEvent::ServerDeleted { server_id });
        }
        assert!(matches!(
            slow.recv().await,
            Err(broadcast::error::RecvError::Lagged(3))
        ));
    }

    #[test]
    fn topics_without_followers_are_dropped() {
        let hub = LocalHub::new(2);
        let server_id = ServerId(Uuid::new_v4());
        drop(hub.follow(Topic::Server(server_id)));
        hub.publish(&ServerEvent::ServerDeleted { server_id });
        assert_eq!(hub.followed_topics(), 0);
        assert_eq!(hub.held_topics(), 0);
    }

    #[test]
    fn topics_left_without_followers_and_events_are_swept() {
        let hub = LocalHub::new(2);
        for _ in 0..1_000 {
            drop(hub.follow(Topic::Channel(ChannelId(Uuid::new_v4()))));
        }
        let kept = hub.follow(Topic::Channel(ChannelId(Uuid::new_v4())));
        assert!(
            hub.held_topics() < Topics::FIRST_SWEEP,
            "{}",
            hub.held_topics()
        );
        assert_eq!(hub.followed_topics(), 1);
        drop(kept);
    }
}
