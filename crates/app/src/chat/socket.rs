//! The browser side of `/ws` (gloo-net): opens the socket, drives the connection state machine,
//! hands events to the chat state and sends its commands, pings an idle socket and gives up on a
//! silent one, and reconnects with backoff.

use std::sync::Arc;
use std::time::Duration;

use futures::channel::{mpsc, oneshot};
use futures::future::{self, Either};
use futures::stream::{self, SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, WebSocketError};
use leptos::prelude::set_timeout;
use leptos::task::spawn_local;
use shared::live::{CLOSE_SIGNED_OUT, ClientCommand, ServerEvent};

use super::connection::{Connection, Step};
use super::store::Chat;

pub fn start(chat: Chat) {
    spawn_local(run(chat));
}

/// Connects, pumps, reconnects; ends once the signed-in app is gone (after signing out), or
/// the server says this session ended (signed out in another tab, or expired): then the page
/// goes to sign in and comes back here after.
async fn run(chat: Chat) {
    let mut connection = Connection::default();
    while chat.is_alive() {
        if let Some((sink, stream)) = within(CONNECT_TIMEOUT, connect()).await.flatten() {
            // Opening means: subscribe every followed topic again and catch up (in `pump`).
            connection.opened();
            chat.set_state(connection.state());
            let ended = pump(chat, sink, stream).await;
            chat.disconnected();
            if ended == Ended::SessionOver {
                go_to_sign_in();
                return;
            }
        }
        let step = connection.closed(js_sys::Math::random());
        chat.set_state(connection.state());
        if let Step::ReconnectAfter(delay) = step {
            sleep(delay).await;
        }
    }
}

/// How long opening a socket (until the server answers a ping) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How often an idle socket sends a ping, and how long without any frame means it is dead (a
/// network that vanished without closing anything).
const HEARTBEAT: Duration = Duration::from_secs(15);
const SILENCE_LIMIT_MS: f64 = 45_000.0;

type Sink = SplitSink<WebSocket, Message>;
type Source = SplitStream<WebSocket>;

/// Opens the socket and waits for the server to answer a ping: only then is it live.
async fn connect() -> Option<(Sink, Source)> {
    let socket = WebSocket::open(&url()?).ok()?;
    let (mut sink, mut source) = socket.split();
    {
        // gloo-net wakes a send waiting for the socket to open on "open" or "error" but not on
        // a close before opening, so the close is watched for at the same time.
        let ping = sink.send(encode(&ClientCommand::Ping)?);
        let first = source.next();
        futures::pin_mut!(ping, first);
        match future::select(ping, first).await {
            Either::Left((Ok(()), _)) => {}
            Either::Left((Err(_), _)) | Either::Right(_) => return None,
        }
    }
    loop {
        match source.next().await? {
            Ok(Message::Text(text)) => {
                if let Ok(ServerEvent::Pong) = serde_json::from_str(&text) {
                    return Some((sink, source));
                }
            }
            Ok(Message::Bytes(_)) => {}
            Err(_) => return None,
        }
    }
}

/// Why a live socket stopped.
#[derive(PartialEq, Eq)]
enum Ended {
    /// Closed, dropped or silent: reconnect.
    Lost,
    /// The server ended it because the session is over.
    SessionOver,
}

/// A full page load of the sign-in page, asking to come back to where the person was.
fn go_to_sign_in() {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return;
    };
    let here = location.pathname().unwrap_or_default();
    let _ = location.assign(&shared::account::sign_in_path(&here));
}

enum Input {
    Frame(Option<Result<Message, WebSocketError>>),
    Command(ClientCommand),
    /// The chat state dropped its end of the queue: the app is gone.
    Stop,
    Heartbeat,
}

/// Moves events in and commands out until the socket closes (or the app is gone; dropping the
/// socket closes it).
async fn pump(chat: Chat, mut sink: Sink, source: Source) -> Ended {
    let (commands, queued) = mpsc::unbounded::<ClientCommand>();
    let frames = source
        .map(|frame| Input::Frame(Some(frame)))
        .chain(stream::iter([Input::Frame(None)]));
    let commands_then_stop = queued
        .map(Input::Command)
        .chain(stream::iter([Input::Stop]));
    let heartbeats = stream::unfold((), |()| async {
        sleep(HEARTBEAT).await;
        Some((Input::Heartbeat, ()))
    });
    let mut inputs = stream::select(
        stream::select(frames, commands_then_stop),
        Box::pin(heartbeats),
    );
    let mut last_frame = js_sys::Date::now();
    chat.connected(Arc::new(move |command| {
        let _ = commands.unbounded_send(command);
    }));
    while let Some(input) = inputs.next().await {
        if let Input::Frame(Some(Ok(_))) = &input {
            last_frame = js_sys::Date::now();
        }
        match input {
            Input::Frame(Some(Ok(Message::Text(text)))) => match serde_json::from_str(&text) {
                Ok(event) => chat.receive(event),
                Err(e) => leptos::logging::warn!("live feed sent an unknown event: {e}"),
            },
            Input::Frame(Some(Ok(Message::Bytes(_)))) => {}
            Input::Frame(Some(Err(WebSocketError::ConnectionClose(close))))
                if close.code == CLOSE_SIGNED_OUT =>
            {
                return Ended::SessionOver;
            }
            Input::Frame(_) | Input::Stop => return Ended::Lost,
            Input::Heartbeat if js_sys::Date::now() - last_frame > SILENCE_LIMIT_MS => {
                return Ended::Lost;
            }
            Input::Heartbeat => {
                let Some(ping) = encode(&ClientCommand::Ping) else {
                    continue;
                };
                if sink.send(ping).await.is_err() {
                    return Ended::Lost;
                }
            }
            Input::Command(command) => {
                let Some(frame) = encode(&command) else {
                    continue;
                };
                if sink.send(frame).await.is_err() {
                    return Ended::Lost;
                }
            }
        }
    }
    Ended::Lost
}

fn encode(command: &ClientCommand) -> Option<Message> {
    serde_json::to_string(command).ok().map(Message::Text)
}

/// `ws://` or `wss://` and this page's host, `/ws`.
fn url() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}/ws", location.host().ok()?))
}

/// `work`'s result, or `None` if it takes longer than `limit`.
async fn within<T>(limit: Duration, work: impl Future<Output = T>) -> Option<T> {
    let work = std::pin::pin!(work);
    let timer = std::pin::pin!(sleep(limit));
    match future::select(work, timer).await {
        Either::Left((done, _)) => Some(done),
        Either::Right(_) => None,
    }
}

async fn sleep(delay: Duration) {
    let (done, wait) = oneshot::channel::<()>();
    set_timeout(
        move || {
            let _ = done.send(());
        },
        delay,
    );
    let _ = wait.await;
}
