//! One live connection: follows the topics the client asks for (after checking access), forwards
//! their events, answers pings, and drops the client when it is dead or too slow. Generic over
//! the transport so it is tested over channels; no business logic beyond asking the domain.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use domain::hub::Frame;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use shared::ids::{ProfileId, ServerId};
use shared::live::{ClientCommand, ServerEvent, Topic};
use tokio::time::{Instant, MissedTickBehavior, interval};
use tokio_stream::StreamMap;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

/// What arrives from the client.
#[derive(Debug)]
pub enum Inbound {
    Text(String),
    /// Binary frames are not part of the protocol.
    Binary,
    /// Any sign of life (a pong or a ping).
    Alive,
    Close,
    /// The transport refused a frame (too large, malformed); the reason goes back in the close.
    Broken(String),
}

/// What goes to the client.
#[derive(Debug, Clone, PartialEq)]
pub enum Outbound {
    Text(Frame),
    Ping,
    Close { code: u16, reason: String },
}

/// Close codes (4000-4999 are the application's).
pub const CLOSE_TOO_SLOW: u16 = 4008;
pub const CLOSE_DEAD: u16 = 4009;
pub const CLOSE_GOING_AWAY: u16 = 1001;
pub const CLOSE_POLICY: u16 = 1008;

/// What a session needs from the rest of the server.
pub trait Gate: Send + Sync {
    /// Checks that the person may follow `topic`; the server it belongs to, or a reason.
    fn authorize(&self, topic: Topic) -> impl Future<Output = Result<ServerId, String>> + Send;
    fn follow(&self, topic: Topic) -> tokio::sync::broadcast::Receiver<Frame>;
}

#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// How often the server pings.
    pub heartbeat: Duration,
    /// Silence longer than this ends the connection.
    pub timeout: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            heartbeat: Duration::from_secs(20),
            timeout: Duration::from_secs(60),
        }
    }
}

/// What the connection follows: topics the client asked for, and for each server those belong
/// to, a hidden follow of the server topic to hear of removals.
struct Follows {
    me: ProfileId,
    streams: StreamMap<Topic, BroadcastStream<Frame>>,
    /// Topics the client asked for, with their server.
    asked: HashMap<Topic, ServerId>,
}

impl Follows {
    fn add<G: Gate>(&mut self, gate: &G, topic: Topic, server_id: ServerId) {
        self.asked.insert(topic, server_id);
        for t in [topic, Topic::Server(server_id)] {
            if !self.streams.contains_key(&t) {
                self.streams.insert(t, BroadcastStream::new(gate.follow(t)));
            }
        }
    }

    fn remove(&mut self, topic: Topic) {
        if let Some(server_id) = self.asked.remove(&topic) {
            let server_topic = Topic::Server(server_id);
            let still_needed = self.asked.values().any(|s| *s == server_id)
                || self.asked.contains_key(&server_topic);
            if topic != server_topic {
                self.streams.remove(&topic);
            }
            if !still_needed {
                self.streams.remove(&server_topic);
            }
        }
    }

    /// Ends every follow under a server this person no longer belongs to; the topics dropped.
    fn lose_server(&mut self, server_id: ServerId) -> Vec<Topic> {
        let gone: Vec<Topic> = self
            .asked
            .iter()
            .filter(|(_, s)| **s == server_id)
            .map(|(t, _)| *t)
            .collect();
        for t in &gone {
            self.remove(*t);
        }
        self.streams.remove(&Topic::Server(server_id));
        gone
    }

    /// Whether this frame of `topic` ends access to its server for this person.
    fn removes_me(&self, topic: Topic, frame: &str) -> Option<ServerId> {
        let Topic::Server(_) = topic else {
            return None;
        };
        // Only server-topic frames are parsed, and those are rare (membership changes).
        let event: ServerEvent = serde_json::from_str(frame).ok()?;
        match event.removed_profile()? {
            (server_id, Some(profile)) if profile == self.me => Some(server_id),
            (server_id, None) => Some(server_id),
            _ => None,
        }
    }
}

/// Runs the connection until the client leaves, goes silent or falls behind, or `stop` fires
/// (server shutdown: the client gets a close frame and reconnects elsewhere).
pub async fn run<G, S, R>(
    gate: G,
    me: ProfileId,
    mut sink: S,
    mut stream: R,
    timing: Timing,
    stop: impl Future<Output = ()>,
) where
    G: Gate,
    S: Sink<Outbound> + Unpin,
    R: Stream<Item = Inbound> + Unpin,
{
    tokio::pin!(stop);
    let mut follows = Follows {
        me,
        streams: StreamMap::new(),
        asked: HashMap::new(),
    };
    let mut heartbeat = interval(timing.heartbeat);
    heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut last_heard = Instant::now();
    loop {
        tokio::select! {
            inbound = stream.next() => {
                last_heard = Instant::now();
                let reply = match inbound {
                    None | Some(Inbound::Close) => break,
                    Some(Inbound::Broken(reason)) => {
                        let _ = sink.send(Outbound::Close { code: CLOSE_POLICY, reason }).await;
                        break;
                    }
                    Some(Inbound::Alive) => continue,
                    Some(Inbound::Binary) => Some(error("Binary frames are not supported.")),
                    Some(Inbound::Text(text)) => command(&gate, &mut follows, &text).await,
                };
                if let Some(event) = reply
                    && sink.send(Outbound::Text(domain::hub::serialize(&event))).await.is_err()
                {
                    break;
                }
            }
            Some((topic, frame)) = follows.streams.next() => {
                let frame = match frame {
                    Ok(frame) => frame,
                    Err(BroadcastStreamRecvError::Lagged(_)) => {
                        let reason = "Too slow: reconnect and catch up by sequence.".to_owned();
                        let _ = sink.send(Outbound::Close { code: CLOSE_TOO_SLOW, reason }).await;
                        break;
                    }
                };
                let removed = follows.removes_me(topic, &frame);
                let wanted = follows.asked.contains_key(&topic);
                if wanted && sink.send(Outbound::Text(frame)).await.is_err() {
                    break;
                }
                if let Some(server_id) = removed
                    && !tell_removed(&mut sink, follows.lose_server(server_id)).await
                {
                    break;
                }
            }
            () = &mut stop => {
                let reason = "The server is restarting.".to_owned();
                let _ = sink.send(Outbound::Close { code: CLOSE_GOING_AWAY, reason }).await;
                break;
            }
            _ = heartbeat.tick() => {
                if last_heard.elapsed() > timing.timeout {
                    let reason = "No answer to pings.".to_owned();
                    let _ = sink.send(Outbound::Close { code: CLOSE_DEAD, reason }).await;
                    break;
                }
                if sink.send(Outbound::Ping).await.is_err() {
                    break;
                }
            }
        }
    }
}

async fn command<G: Gate>(gate: &G, follows: &mut Follows, text: &str) -> Option<ServerEvent> {
    let command = match serde_json::from_str::<ClientCommand>(text) {
        Ok(c) => c,
        Err(e) => return Some(error(&format!("Unreadable command: {e}"))),
    };
    Some(match command {
        ClientCommand::Ping => ServerEvent::Pong,
        ClientCommand::Subscribe { topic } => match gate.authorize(topic).await {
            Ok(server_id) => {
                follows.add(gate, topic, server_id);
                ServerEvent::Subscribed { topic }
            }
            Err(reason) => error(&reason),
        },
        ClientCommand::Unsubscribe { topic } => {
            follows.remove(topic);
            ServerEvent::Unsubscribed {
                topic,
                reason: "You asked to stop following it.".into(),
            }
        }
    })
}

async fn tell_removed<S: Sink<Outbound> + Unpin>(sink: &mut S, topics: Vec<Topic>) -> bool {
    let unique: HashSet<Topic> = topics.into_iter().collect();
    for topic in unique {
        let event = ServerEvent::Unsubscribed {
            topic,
            reason: "You are no longer a member of this server.".into(),
        };
        if sink
            .send(Outbound::Text(domain::hub::serialize(&event)))
            .await
            .is_err()
        {
            return false;
        }
    }
    true
}

fn error(message: &str) -> ServerEvent {
    ServerEvent::Error {
        message: message.to_owned(),
    }
}
