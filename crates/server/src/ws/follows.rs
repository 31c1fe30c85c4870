//! What a connection follows: the topics the client asked for and, for each server those belong
//! to, a hidden follow of the server's `Access` topic to hear of removals (it carries nothing
//! else, so a socket is not woken by the server's every event to look for them). Each follow is
//! polled only when its own waker says it has something (`wakes.rs`).

use std::collections::HashMap;
use std::task::{Poll, Waker};

use domain::hub::Frame;
use futures_util::StreamExt;
use shared::ids::{ProfileId, ServerId};
use shared::live::{ServerEvent, Thread, Topic};
use tokio::time::Instant;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

use super::session::Gate;
use super::wakes::{Bits, Wakes};

/// The bits of the connection's other sources: the client, the shutdown, the timer.
pub const CLIENT: Bits = 1;
pub const STOP: Bits = 1 << 1;
pub const TIMER: Bits = 1 << 2;
/// Follows take the remaining bits in turn (several share a bit when there are more of them).
const FIRST_FOLLOW_BIT: u32 = 3;
const FOLLOW_BITS: Bits = !(CLIENT | STOP | TIMER);

/// One followed frame, or the news that the follow fell behind.
pub struct Followed {
    pub topic: Topic,
    /// Whether the client asked for the topic (else it is the person's own or a server's
    /// `Access` topic, followed for the connection's sake).
    pub asked: bool,
    pub frame: Result<Frame, BroadcastStreamRecvError>,
}

pub struct Follows {
    me: ProfileId,
    /// What the connection receives, in the order followed.
    streams: Vec<Follow>,
    /// Topics the client asked for, with their server.
    pub asked: HashMap<Topic, ServerId>,
    /// When this connection last passed on that its person is typing, per thread.
    pub typing_said: HashMap<Thread, Instant>,
    /// Which of the connection's sources are due to be polled.
    pub wakes: Wakes,
    /// Follows made so far (for their bits).
    made: u32,
    /// Where the next poll starts, so that a busy topic does not keep the others waiting.
    next: usize,
}

struct Follow {
    topic: Topic,
    asked: bool,
    stream: BroadcastStream<Frame>,
    waker: Waker,
    bit: Bits,
}

impl Follows {
    pub fn new(me: ProfileId) -> Self {
        Self {
            me,
            streams: Vec::new(),
            asked: HashMap::new(),
            typing_said: HashMap::new(),
            wakes: Wakes::new(),
            made: 0,
            next: 0,
        }
    }

    /// Follows `topic` (once, however often asked), for the client if `asked`.
    pub fn follow<G: Gate>(&mut self, gate: &G, topic: Topic, asked: bool) {
        if self.streams.iter().any(|f| f.topic == topic) {
            return;
        }
        let bit = 1 << (FIRST_FOLLOW_BIT + self.made % (Bits::BITS - FIRST_FOLLOW_BIT));
        self.made = self.made.wrapping_add(1);
        self.streams.push(Follow {
            topic,
            asked,
            stream: BroadcastStream::new(gate.follow(topic)),
            waker: self.wakes.waker(bit),
            bit,
        });
        // Polled at the next step, so that its waker is registered.
        self.wakes.mark(bit);
    }

    /// Follows `topic`, asked for by the client, and its server's `Access` topic.
    pub fn add<G: Gate>(&mut self, gate: &G, topic: Topic, server_id: ServerId) {
        self.asked.insert(topic, server_id);
        self.follow(gate, topic, true);
        self.follow(gate, Topic::Access(server_id), false);
    }

    pub fn remove(&mut self, topic: Topic) {
        self.typing_said.retain(|thread, _| thread.topic() != topic);
        if let Some(server_id) = self.asked.remove(&topic) {
            self.unfollow(topic);
            if !self.asked.values().any(|s| *s == server_id) {
                self.unfollow(Topic::Access(server_id));
            }
        }
    }

    fn unfollow(&mut self, topic: Topic) {
        self.streams.retain(|f| f.topic != topic);
    }

    /// Ends every follow under a server this person no longer belongs to; the topics dropped.
    pub fn lose_server(&mut self, server_id: ServerId) -> Vec<Topic> {
        let gone: Vec<Topic> = self
            .asked
            .iter()
            .filter(|(_, s)| **s == server_id)
            .map(|(t, _)| *t)
            .collect();
        for t in &gone {
            self.remove(*t);
        }
        self.unfollow(Topic::Access(server_id));
        gone
    }

    /// The next frame of a follow that is due, if one has any. Each is polled with its own
    /// waker; once none has anything, no follow is due until a waker says so.
    pub fn poll_due(&mut self) -> Poll<Followed> {
        if !self.wakes.is_due(FOLLOW_BITS) {
            return Poll::Pending;
        }
        let mut k = 0;
        while k < self.streams.len() {
            let i = (self.next + k) % self.streams.len();
            let follow = &mut self.streams[i];
            if self.wakes.is_due(follow.bit) {
                let mut cx = std::task::Context::from_waker(&follow.waker);
                match follow.stream.poll_next_unpin(&mut cx) {
                    Poll::Ready(Some(frame)) => {
                        self.next = i + 1;
                        return Poll::Ready(Followed {
                            topic: follow.topic,
                            asked: follow.asked,
                            frame,
                        });
                    }
                    // The topic's sender is gone (the hub never drops a followed one).
                    Poll::Ready(None) => {
                        self.streams.remove(i);
                        k = 0;
                        continue;
                    }
                    Poll::Pending => {}
                }
            }
            k += 1;
        }
        self.wakes.settle(FOLLOW_BITS);
        Poll::Pending
    }

    /// Whether this frame of `topic` ends access to its server for this person.
    pub fn removes_me(&self, topic: Topic, frame: &[u8]) -> Option<ServerId> {
        let Topic::Access(_) = topic else {
            return None;
        };
        // Only removals are published there, and those are rare.
        let event: ServerEvent = serde_json::from_slice(frame).ok()?;
        match event.removed_profile()? {
            (server_id, Some(profile)) if profile == self.me => Some(server_id),
            (server_id, None) => Some(server_id),
            _ => None,
        }
    }
}
