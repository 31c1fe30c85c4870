//! `/ws`: the live feed's transport. Authenticates by the session cookie before the upgrade,
//! holds one of the account's socket slots for the connection's life, then adapts the socket to
//! `session::run` on the live sockets' own runtime (`runtime.rs` says why). No business logic
//! here.

mod follows;
mod runtime;
pub mod session;
#[cfg(test)]
mod session_tests;
mod wakes;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use app::auth::session::CookiePolicy;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use domain::Domain;
use domain::hub::Frame;
use futures_channel::mpsc;
use futures_util::{FutureExt, SinkExt, Stream, StreamExt};
use shared::ids::{ProfileId, ServerId};
use shared::live::{ServerEvent, Thread, Topic};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use uuid::Uuid;

use crate::auth_gate::active_session;
use runtime::LiveRuntime;
use session::{Allowance, CallCommand, Gate, Identity, Inbound, Outbound, Timing};

/// The largest frame a client may send: commands are tiny.
const MAX_INBOUND_BYTES: usize = 16 * 1024;
/// The read buffer of a socket. Every read attempt zero-fills it (tungstenite), so the 128 KiB
/// default cost a 128 KiB memset each time the socket was polled for reading, and every socket
/// held that much. Commands are tiny; a larger frame (up to `MAX_INBOUND_BYTES`) grows the
/// buffer as it arrives.
const READ_BUFFER_BYTES: usize = 512;

/// Live connections, so shutdown can close each with a close frame, how many each account has
/// open, and the runtime they run on.
#[derive(Clone)]
pub struct Connections {
    pub stop: CancellationToken,
    pub tracker: TaskTracker,
    open: Arc<Mutex<HashMap<ProfileId, usize>>>,
    runtime: LiveRuntime,
}

impl Connections {
    /// Starts the live sockets' runtime.
    pub fn start() -> std::io::Result<Self> {
        Ok(Self {
            stop: CancellationToken::new(),
            tracker: TaskTracker::new(),
            open: Arc::default(),
            runtime: LiveRuntime::start()?,
        })
    }

    /// One of `me`'s `max` socket slots, or `None` when all are taken.
    fn take_slot(&self, me: ProfileId, max: usize) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let count = open.entry(me).or_default();
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(Slot {
            open: self.open.clone(),
            me,
        })
    }
}

/// An open socket's place in its account's count; given back when dropped.
struct Slot {
    open: Arc<Mutex<HashMap<ProfileId, usize>>>,
    me: ProfileId,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = open.get_mut(&self.me) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.me);
            }
        }
    }
}

pub async fn upgrade(
    State(domain): State<Domain>,
    State(connections): State<Connections>,
    State(cookies): State<CookiePolicy>,
    jar: CookieJar,
    ws: WebSocketUpgrade,
) -> Response {
    let session = match active_session(&domain, cookies, &jar).await {
        Ok(Some(session)) => session,
        Ok(None) => return (StatusCode::UNAUTHORIZED, "Sign in first.").into_response(),
        Err(unavailable) => return unavailable,
    };
    let me = session.user.id;
    let limits = domain.limits.settings();
    let Some(slot) = connections.take_slot(me, limits.sockets_per_account) else {
        let message = format!(
            "Too many open connections: at most {} per account. Close a tab and try again.",
            limits.sockets_per_account
        );
        return (StatusCode::TOO_MANY_REQUESTS, message).into_response();
    };
    let identity = Identity {
        me,
        connection: Uuid::new_v4(),
        expires: tokio::time::Instant::now() + session.time_left(),
        session: session.id,
    };
    let accepted = Box::new(Accepted {
        domain,
        identity,
        connections,
        slot,
    });
    // Small buffers: most connections are idle, and there may be many.
    ws.read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(8 * 1024)
        .max_write_buffer_size(256 * 1024)
        .max_message_size(MAX_INBOUND_BYTES)
        .max_frame_size(MAX_INBOUND_BYTES)
        .on_upgrade(move |socket| {
            let live = accepted.connections.runtime.handle().clone();
            live.spawn(serve(socket, accepted));
            std::future::ready(())
        })
}

/// What a connection is made from once its socket is upgraded. Boxed: axum keeps the upgrade
/// callback, with what it captured, in the connection's task for the connection's whole life.
struct Accepted {
    domain: Domain,
    identity: Identity,
    connections: Connections,
    slot: Slot,
}

/// The connection's task: its session, then its slot given back. Made here, before the task
/// runs, so that what the session is built from is not kept beside it for the connection's life
/// (an `async fn` keeps its arguments in its state next to the futures it awaits).
fn serve(socket: WebSocket, accepted: Box<Accepted>) -> impl Future<Output = ()> + Send {
    let Accepted {
        domain,
        identity,
        connections,
        slot,
    } = *accepted;
    let (sink, stream) = socket.split();
    let sink = sink.with(|out: Outbound| async move {
        Ok::<_, axum::Error>(match out {
            // The hub's bytes themselves, shared by every follower (checked, not copied).
            Outbound::Text(frame) => {
                Message::Text(Utf8Bytes::try_from(frame).map_err(axum::Error::new)?)
            }
            Outbound::Ping => Message::Ping(Default::default()),
            Outbound::Close { code, reason } => Message::Close(Some(CloseFrame {
                code,
                reason: Utf8Bytes::from(reason),
            })),
        })
    });
    let stream = stream.map(|message| match message {
        Ok(Message::Text(text)) => Inbound::Text(text.to_string()),
        Ok(Message::Binary(_)) => Inbound::Binary,
        Ok(Message::Ping(_) | Message::Pong(_)) => Inbound::Alive,
        Ok(Message::Close(_)) => Inbound::Close,
        Err(e) => Inbound::Broken(e.to_string()),
    });
    let (inbound, reader) = read_apart(stream);
    let allowance = Allowance {
        commands: domain.limits.socket_commands(),
        max_follows: domain.limits.settings().subscriptions_per_socket,
    };
    let gate = DomainGate {
        domain,
        me: identity.me,
        connection: identity.connection,
    };
    let session = session::run(
        gate,
        identity,
        Box::pin(sink),
        inbound,
        (Timing::default(), allowance),
        connections.stop.clone().cancelled_owned(),
    );
    // Mapped, not awaited in an `async` block: that would hold the session's future twice.
    let session = session.map(move |()| {
        reader.abort();
        drop(slot);
    });
    connections.tracker.track_future(session)
}

/// Reads the client's frames in a task of their own and hands them over a small channel.
/// The session is woken by every event it forwards, and polling the socket for reading each
/// time would cost as much as the send (tungstenite zero-fills its read buffer on every
/// attempt); a channel's receiver costs nothing to poll. The channel is small, so a client that
/// floods commands is read no faster than the session answers them.
fn read_apart(
    mut stream: impl Stream<Item = Inbound> + Unpin + Send + 'static,
) -> (mpsc::Receiver<Inbound>, tokio::task::JoinHandle<()>) {
    // futures' channel allocates per message, not a block of slots up front: idle sockets
    // are many, and their channels are nearly always empty.
    let (mut tx, rx) = mpsc::channel(4);
    let reader = tokio::spawn(async move {
        while let Some(inbound) = stream.next().await {
            let last = matches!(inbound, Inbound::Close | Inbound::Broken(_));
            if tx.send(inbound).await.is_err() || last {
                break;
            }
        }
    });
    (rx, reader)
}

struct DomainGate {
    domain: Domain,
    me: ProfileId,
    connection: Uuid,
}

impl Gate for DomainGate {
    async fn authorize(&self, topic: Topic) -> Result<ServerId, String> {
        domain::live::authorize(&self.domain, self.me, topic)
            .await
            .map_err(|e| shared::AppError::from(e).to_string())
    }

    fn follow(&self, topic: Topic) -> tokio::sync::broadcast::Receiver<Frame> {
        self.domain.hub.follow(topic)
    }

    async fn call(&self, command: CallCommand) -> Result<Option<ServerEvent>, String> {
        use domain::calls;
        let (domain, me, connection) = (&self.domain, self.me, self.connection);
        let done = match command {
            CallCommand::Join { room, media } => {
                let event = match calls::join(domain, me, connection, room, media).await {
                    Ok(entered) => entered,
                    Err(e) => ServerEvent::CallRefused {
                        room,
                        message: shared::AppError::from(e).to_string(),
                    },
                };
                Ok(Some(event))
            }
            CallCommand::Leave { room } => calls::leave(domain, me, connection, room)
                .await
                .map(|()| None),
            CallCommand::SetMedia { room, media } => {
                calls::set_media(domain, me, connection, room, media)
                    .await
                    .map(|()| None)
            }
            CallCommand::Signal { room, to, signal } => {
                calls::relay(domain, me, connection, room, to, signal)
                    .await
                    .map(|()| None)
            }
            CallCommand::Decline { room } => calls::decline(domain, me, room).await.map(|()| None),
        };
        done.map_err(|e| shared::AppError::from(e).to_string())
    }

    fn typing(&self, thread: Thread) {
        let event = ServerEvent::Typing {
            thread,
            profile_id: self.me,
        };
        self.domain.hub.publish(&event);
    }

    fn presence(&self, status: shared::presence::Status) {
        let (domain, me, connection) = (self.domain.clone(), self.me, self.connection);
        tokio::spawn(async move {
            domain::presence::socket_says(&domain, me, connection, status).await;
        });
    }

    fn gone(&self) {
        domain::calls::socket_closed(&self.domain, self.me, self.connection);
    }
}
