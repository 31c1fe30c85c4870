//! One live connection: follows the topics the client asks for (after checking access), forwards
//! their events, answers pings, and drops the client when it is dead or too slow, when its
//! session ends, or when it floods. Generic over the transport so it is tested over channels; no
//! business logic beyond asking the domain.

use std::collections::HashSet;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll, Waker, ready};
use std::time::Duration;

use domain::hub::Frame;
use domain::limits::CommandBudget;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use shared::calls::{CallRoom, MediaState, Signal};
use shared::ids::{ProfileId, ServerId};
use shared::live::{ClientCommand, ServerEvent, Thread, Topic};
use shared::presence::Status;
use tokio::time::{Instant, Sleep, sleep, sleep_until};
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use uuid::Uuid;

use super::follows::{CLIENT, Followed, Follows, STOP, TIMER};

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
pub use shared::live::CLOSE_SIGNED_OUT;
pub const CLOSE_GOING_AWAY: u16 = 1001;
pub const CLOSE_POLICY: u16 = 1008;

/// At most this many waiting frames go out in one write.
const WRITE_AT_MOST: usize = 32;

/// How often one connection may say its person is typing in one thread.
const TYPING_EVERY: Duration = Duration::from_secs(2);

/// What a session needs from the rest of the server.
pub trait Gate: Send + Sync {
    /// Checks that the person may follow `topic`; the server it belongs to, or a reason.
    fn authorize(&self, topic: Topic) -> impl Future<Output = Result<ServerId, String>> + Send;
    fn follow(&self, topic: Topic) -> tokio::sync::broadcast::Receiver<Frame>;
    /// Carries out a call command for this connection: the reply for the client, if any, or
    /// why not.
    fn call(
        &self,
        command: CallCommand,
    ) -> impl Future<Output = Result<Option<ServerEvent>, String>> + Send;
    /// The person is writing in `thread`: tell its followers.
    fn typing(&self, thread: Thread);
    /// This connection is open and in use (`Online`), open and unused for a while (`Idle`), or
    /// closed (`Offline`).
    fn presence(&self, status: Status);
    /// The connection has ended: the call seat it held is freed (after a grace period in which
    /// a reconnecting client takes it back).
    fn gone(&self);
}

/// The client's call commands, for the gate.
#[derive(Debug)]
pub enum CallCommand {
    Join {
        room: CallRoom,
        media: MediaState,
    },
    Leave {
        room: CallRoom,
    },
    SetMedia {
        room: CallRoom,
        media: MediaState,
    },
    Decline {
        room: CallRoom,
    },
    Signal {
        room: CallRoom,
        to: ProfileId,
        signal: Signal,
    },
}

#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// How often the server pings.
    pub heartbeat: Duration,
    /// Silence longer than this ends the connection.
    pub timeout: Duration,
    /// A client that takes longer than this to accept one frame is not reading: it is dropped.
    pub send_timeout: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            heartbeat: Duration::from_secs(20),
            timeout: Duration::from_secs(60),
            send_timeout: Duration::from_secs(10),
        }
    }
}

/// Whose connection it is, and until when.
#[derive(Debug, Clone)]
pub struct Identity {
    pub me: ProfileId,
    /// This socket, among the person's: call signalling is addressed to it.
    pub connection: Uuid,
    /// The session's stored id: a `SessionEnded` for it closes the connection.
    pub session: String,
    /// When the session expires; the connection closes then.
    pub expires: Instant,
}

/// What one connection may do.
pub struct Allowance {
    /// Commands per second, with a burst.
    pub commands: CommandBudget,
    /// Topics followed at once.
    pub max_follows: usize,
}

/// Runs the connection until the client leaves, goes silent, falls behind or stops reading,
/// its session ends, or `stop` fires (server shutdown: the client gets a close frame and
/// reconnects elsewhere).
///
/// Everything the connection keeps is built here and held once, in place, by the future
/// returned: an idle connection's memory is mostly that future, and an `async fn` would keep
/// its arguments beside the values made from them. Rare steps (commands, pings, closing) run
/// boxed, so only the step that forwards events sizes the future.
pub fn run<G, S, R>(
    gate: G,
    identity: Identity,
    sink: S,
    stream: R,
    (timing, allowance): (Timing, Allowance),
    stop: impl Future<Output = ()>,
) -> impl Future<Output = ()>
where
    G: Gate,
    S: Sink<Outbound> + Unpin,
    R: Stream<Item = Inbound> + Unpin,
{
    let mut follows = Follows::new(identity.me);
    // The person's own topic: it says when this session ends.
    follows.follow(&gate, Topic::Account(identity.me), false);
    let wakers = [CLIENT, STOP, TIMER].map(|bit| follows.wakes.waker(bit));
    let mut session = Session {
        out: Out::new(sink, timing.send_timeout),
        timer: Box::pin(sleep_until(next_wake(timing.heartbeat, &identity))),
        gate,
        identity,
        follows,
        allowance,
        stream,
        heartbeat: timing.heartbeat,
        silence: timing.timeout,
        last_heard: Instant::now(),
        wakers,
    };
    let mut stop = Box::pin(stop);
    async move {
        let s = &mut session;
        s.gate.presence(Status::Online);
        // Which comes first when several are ready: what was followed, or the rest. Taking
        // turns keeps a flood of either from starving the other.
        let mut followed_first = false;
        loop {
            followed_first = !followed_first;
            let step = poll_fn(|cx| s.poll_step(cx, stop.as_mut(), followed_first)).await;
            let open = match step {
                Step::Followed(followed) => s.forward(followed).await,
                Step::Other(wake) => Box::pin(s.rare(wake)).await,
            };
            if !open {
                break;
            }
        }
        s.gate.presence(Status::Offline);
        s.gate.gone();
    }
}

/// When the connection's timer fires next: at the next ping, or at the session's expiry if that
/// comes first.
fn next_wake(heartbeat: Duration, identity: &Identity) -> Instant {
    Ord::min(Instant::now() + heartbeat, identity.expires)
}

/// What woke the connection.
enum Step {
    /// A frame of a followed topic (or its receiver fell behind).
    Followed(Followed),
    Other(Wake),
}

/// Anything else that wakes a connection: rare.
enum Wake {
    /// A frame from the client, or its end.
    Heard(Option<Inbound>),
    Stopped,
    Expired,
    Beat,
}

/// A connection's state, for its whole life.
struct Session<G, S, R> {
    gate: G,
    identity: Identity,
    out: Out<S>,
    follows: Follows,
    allowance: Allowance,
    stream: R,
    /// One timer for the next ping and the session's expiry, whichever comes first.
    timer: Pin<Box<Sleep>>,
    /// How often the server pings.
    heartbeat: Duration,
    /// Silence longer than this ends the connection.
    silence: Duration,
    last_heard: Instant,
    /// The wakers of the client's frames, the shutdown and the timer (`wakes.rs`).
    wakers: [Waker; 3],
}

impl<G, S, R> Session<G, S, R>
where
    G: Gate,
    S: Sink<Outbound> + Unpin,
    R: Stream<Item = Inbound> + Unpin,
{
    /// What woke the connection. Polled by hand rather than with `select!`: this runs for every
    /// frame forwarded, and its state is part of every idle connection's. Only the sources
    /// whose wakers fired since the last step are polled (`wakes.rs`).
    fn poll_step(
        &mut self,
        cx: &mut Context<'_>,
        mut stop: Pin<&mut impl Future<Output = ()>>,
        followed_first: bool,
    ) -> Poll<Step> {
        self.follows.wakes.collect(cx);
        if followed_first && let Poll::Ready(followed) = self.follows.poll_due() {
            return Poll::Ready(Step::Followed(followed));
        }
        let [client, stopping, timer] = &self.wakers;
        let wakes = &mut self.follows.wakes;
        let wake = if let Poll::Ready(inbound) =
            wakes.poll(CLIENT, client, |cx| self.stream.poll_next_unpin(cx))
        {
            Wake::Heard(inbound)
        } else if wakes
            .poll(STOP, stopping, |cx| stop.as_mut().poll(cx))
            .is_ready()
        {
            Wake::Stopped
        } else if wakes
            .poll(TIMER, timer, |cx| self.timer.as_mut().poll(cx))
            .is_ready()
        {
            if Instant::now() >= self.identity.expires {
                Wake::Expired
            } else {
                Wake::Beat
            }
        } else if !followed_first && let Poll::Ready(followed) = self.follows.poll_due() {
            return Poll::Ready(Step::Followed(followed));
        } else {
            return Poll::Pending;
        };
        Poll::Ready(Step::Other(wake))
    }

    /// Passes on a followed frame and whatever else is already waiting, in one write: a socket
    /// that fell behind catches up in fewer, larger writes instead of one each. Whether the
    /// connection lives on.
    async fn forward(&mut self, followed: Followed) -> bool {
        let mut next = Some(followed);
        let mut taken = 0;
        while let Some(followed) = next.take() {
            // The rare outcomes run boxed, so they do not size every connection's future.
            let open = match route(&self.follows, &self.identity, followed) {
                Route::Drop => true,
                Route::Pass(frame) => self.out.feed(Outbound::Text(frame)).await,
                Route::Lost(frame, server_id) => Box::pin(self.lose(frame, server_id)).await,
                Route::Close(code, reason) => {
                    Box::pin(self.out.close(code, reason)).await;
                    false
                }
            };
            taken += 1;
            if !open {
                return false;
            }
            if taken == WRITE_AT_MOST {
                break;
            }
            next = match self.follows.poll_due() {
                Poll::Ready(followed) => Some(followed),
                Poll::Pending => None,
            };
        }
        self.out.flush().await
    }

    /// The person lost `server_id`: its removal goes to the client if it asked for the topic,
    /// then every follow of the server ends and the client is told. Whether the connection
    /// lives on.
    async fn lose(&mut self, frame: Option<Frame>, server_id: ServerId) -> bool {
        if let Some(frame) = frame
            && !self.out.feed(Outbound::Text(frame)).await
        {
            return false;
        }
        tell_removed(&mut self.out, self.follows.lose_server(server_id)).await
    }

    /// Everything but forwarding: a client's frame, shutdown, expiry, the heartbeat. Whether
    /// the connection lives on.
    async fn rare(&mut self, wake: Wake) -> bool {
        let out = &mut self.out;
        match wake {
            Wake::Heard(inbound) => {
                self.last_heard = Instant::now();
                let reply = match inbound {
                    None | Some(Inbound::Close) => return false,
                    Some(Inbound::Broken(reason)) => {
                        out.close(CLOSE_POLICY, &reason).await;
                        return false;
                    }
                    Some(Inbound::Alive) => return true,
                    Some(Inbound::Binary) => Some(error("Binary frames are not supported.")),
                    Some(Inbound::Text(text)) => match self.allowance.commands.check() {
                        // Boxed: a command's checks are a deep future.
                        Ok(()) => {
                            Box::pin(command(
                                &self.gate,
                                &mut self.follows,
                                &self.allowance,
                                &text,
                            ))
                            .await
                        }
                        Err(limited) => Some(error(&shared::AppError::from(limited).to_string())),
                    },
                };
                match reply {
                    Some(event) => {
                        out.send(Outbound::Text(domain::hub::serialize(&event)))
                            .await
                    }
                    None => true,
                }
            }
            Wake::Stopped => {
                out.close(CLOSE_GOING_AWAY, "The server is restarting.")
                    .await;
                false
            }
            Wake::Expired => {
                out.close(CLOSE_SIGNED_OUT, "Your session has expired: sign in again.")
                    .await;
                false
            }
            Wake::Beat => {
                if self.last_heard.elapsed() > self.silence {
                    out.close(CLOSE_DEAD, "No answer to pings.").await;
                    return false;
                }
                self.timer
                    .as_mut()
                    .reset(next_wake(self.heartbeat, &self.identity));
                out.send(Outbound::Ping).await
            }
        }
    }
}

/// The client's side of the connection, where every frame has `limit` to be taken: a client
/// that stops reading fills the socket's buffers, and its connection is dropped rather than
/// kept waiting for ever. One timer serves every write, made and armed only when the socket
/// cannot take a frame at once (nearly never): no timer is made for each frame.
struct Out<S> {
    sink: S,
    limit: Duration,
    /// Made the first time a write has to wait (most connections never do).
    deadline: Option<Pin<Box<Sleep>>>,
}

impl<S: Sink<Outbound> + Unpin> Out<S> {
    fn new(sink: S, limit: Duration) -> Self {
        Self {
            sink,
            limit,
            deadline: None,
        }
    }

    /// Whether the frame went out in time.
    async fn send(&mut self, frame: Outbound) -> bool {
        self.feed(frame).await && self.flush().await
    }

    /// Whether the frame was taken in time, to go out with the next flush (or sooner, when
    /// the buffer fills). Not an `async fn`: it runs for every frame forwarded, and its future
    /// is part of every connection's (an `async fn` would hold the frame twice).
    fn feed(&mut self, frame: Outbound) -> impl Future<Output = bool> {
        let mut frame = Some(frame);
        self.in_time(move |sink, cx| {
            ready!(sink.poll_ready_unpin(cx))?;
            match frame.take() {
                Some(frame) => Poll::Ready(sink.start_send_unpin(frame)),
                None => Poll::Ready(Ok(())),
            }
        })
    }

    /// Whether everything taken went out in time.
    fn flush(&mut self) -> impl Future<Output = bool> {
        self.in_time(|sink, cx| sink.poll_flush_unpin(cx))
    }

    /// Whether `step` finished within `limit` of when it first had to wait.
    fn in_time(
        &mut self,
        mut step: impl FnMut(&mut S, &mut Context<'_>) -> Poll<Result<(), S::Error>>,
    ) -> impl Future<Output = bool> {
        let mut armed = false;
        poll_fn(move |cx| {
            if let Poll::Ready(done) = step(&mut self.sink, cx) {
                return Poll::Ready(done.is_ok());
            }
            let limit = self.limit;
            let deadline = self.deadline.get_or_insert_with(|| Box::pin(sleep(limit)));
            if !armed {
                deadline.as_mut().reset(Instant::now() + limit);
                armed = true;
            }
            if deadline.as_mut().poll(cx).is_ready() {
                tracing::info!("dropping a live connection that stopped reading");
                return Poll::Ready(false);
            }
            Poll::Pending
        })
    }

    async fn close(&mut self, code: u16, reason: &str) {
        let reason = reason.to_owned();
        self.send(Outbound::Close { code, reason }).await;
    }
}

/// What to do with one followed frame.
enum Route {
    /// Not for this client (another socket's call signal, an event it did not ask for).
    Drop,
    /// To the client.
    Pass(Frame),
    /// To the client if it asked for the topic, then every follow of the server ends: the
    /// person lost it.
    Lost(Option<Frame>, ServerId),
    /// The connection ends with this close.
    Close(u16, &'static str),
}

/// Where one followed frame goes: to the client if it is theirs to see; a removal of the person
/// ends the follows of the server they lost.
fn route(follows: &Follows, identity: &Identity, followed: Followed) -> Route {
    let Followed {
        topic,
        asked,
        frame,
    } = followed;
    let frame = match frame {
        Ok(frame) => frame,
        Err(BroadcastStreamRecvError::Lagged(_)) => {
            return Route::Close(
                CLOSE_TOO_SLOW,
                "Too slow: reconnect and catch up by sequence.",
            );
        }
    };
    if topic == Topic::Account(identity.me) {
        return match for_this_socket(&frame, identity) {
            Some(AccountFrame::SessionEnded) => Route::Close(CLOSE_SIGNED_OUT, "You signed out."),
            Some(AccountFrame::ForClient) => Route::Pass(frame),
            None => Route::Drop,
        };
    }
    match (follows.removes_me(topic, &frame), asked) {
        (Some(server_id), asked) => Route::Lost(asked.then_some(frame), server_id),
        (None, true) => Route::Pass(frame),
        (None, false) => Route::Drop,
    }
}

/// What an account-topic frame means for this socket.
enum AccountFrame {
    /// This socket's session ended.
    SessionEnded,
    /// Call signalling addressed to this socket, a direct call ringing for (or no longer
    /// ringing for) the person, what they have read elsewhere, or a direct message to them: it
    /// goes to the client.
    ForClient,
}

fn for_this_socket(frame: &[u8], identity: &Identity) -> Option<AccountFrame> {
    match serde_json::from_slice::<ServerEvent>(frame).ok()? {
        ServerEvent::SessionEnded { session, .. } if session == identity.session => {
            Some(AccountFrame::SessionEnded)
        }
        ServerEvent::CallSignal { connection, .. } if connection == identity.connection => {
            Some(AccountFrame::ForClient)
        }
        ServerEvent::CallRinging { .. }
        | ServerEvent::CallRingEnded { .. }
        | ServerEvent::ReadUpTo { .. }
        | ServerEvent::NotifySettingsChanged { .. }
        | ServerEvent::DirectActivity { .. } => Some(AccountFrame::ForClient),
        _ => None,
    }
}

async fn command<G: Gate>(
    gate: &G,
    follows: &mut Follows,
    allowance: &Allowance,
    text: &str,
) -> Option<ServerEvent> {
    let command = match serde_json::from_str::<ClientCommand>(text) {
        Ok(c) => c,
        Err(e) => return Some(error(&format!("Unreadable command: {e}"))),
    };
    let call = match command {
        ClientCommand::JoinCall { room, media } => CallCommand::Join { room, media },
        ClientCommand::LeaveCall { room } => CallCommand::Leave { room },
        ClientCommand::SetCallMedia { room, media } => CallCommand::SetMedia { room, media },
        ClientCommand::CallSignal { room, to, signal } => CallCommand::Signal { room, to, signal },
        ClientCommand::DeclineCall { room } => CallCommand::Decline { room },
        ClientCommand::Ping => return Some(ServerEvent::Pong),
        ClientCommand::Subscribe { topic } => {
            return Some(subscribe(gate, follows, allowance, topic).await);
        }
        ClientCommand::Typing { thread } => return typing(gate, follows, thread),
        ClientCommand::Presence { idle } => {
            gate.presence(if idle { Status::Idle } else { Status::Online });
            return None;
        }
        ClientCommand::Unsubscribe { topic } => {
            follows.remove(topic);
            return Some(ServerEvent::Unsubscribed {
                topic,
                reason: "You asked to stop following it.".into(),
            });
        }
    };
    gate.call(call).await.unwrap_or_else(|e| Some(error(&e)))
}

/// Passes on that the person is typing in `thread`, a thread this connection follows (its
/// access checked then), at most once every `TYPING_EVERY`; more often is dropped quietly.
fn typing<G: Gate>(gate: &G, follows: &mut Follows, thread: Thread) -> Option<ServerEvent> {
    if !follows.asked.contains_key(&thread.topic()) {
        return Some(error(
            "Follow a conversation before saying you are typing in it.",
        ));
    }
    let now = Instant::now();
    let due = follows
        .typing_said
        .get(&thread)
        .is_none_or(|last| now.duration_since(*last) >= TYPING_EVERY);
    if due {
        follows.typing_said.insert(thread, now);
        gate.typing(thread);
    }
    None
}

/// Follows `topic` if the person may. The check runs again once the topic and its server's
/// topic are followed: a removal published while the first check ran would otherwise be missed
/// and leave a follow nobody may have; after the second, any removal arrives on the server topic.
async fn subscribe<G: Gate>(
    gate: &G,
    follows: &mut Follows,
    allowance: &Allowance,
    topic: Topic,
) -> ServerEvent {
    if !follows.asked.contains_key(&topic) && follows.asked.len() >= allowance.max_follows {
        return error(&format!(
            "You follow too many topics at once (at most {}).",
            allowance.max_follows
        ));
    }
    let server_id = match gate.authorize(topic).await {
        Ok(server_id) => server_id,
        Err(reason) => return error(&reason),
    };
    follows.add(gate, topic, server_id);
    match gate.authorize(topic).await {
        Ok(_) => ServerEvent::Subscribed { topic },
        Err(reason) => {
            follows.remove(topic);
            error(&reason)
        }
    }
}

async fn tell_removed<S: Sink<Outbound> + Unpin>(out: &mut Out<S>, topics: Vec<Topic>) -> bool {
    let unique: HashSet<Topic> = topics.into_iter().collect();
    for topic in unique {
        let event = ServerEvent::Unsubscribed {
            topic,
            reason: "You are no longer a member of this server.".into(),
        };
        if !out
            .send(Outbound::Text(domain::hub::serialize(&event)))
            .await
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
