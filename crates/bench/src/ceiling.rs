//! The ceiling: a bare broadcast server with no database, no accounts and no checks, speaking
//! enough of ChatterHub's protocol for the same load to run against it. Each report carries its
//! figures, this machine's upper bound, and ChatterHub's ratio to it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::Router;
use axum::body::Bytes;
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Json};
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use chrono::Utc;
use futures_util::{SinkExt, StreamExt};
use shared::ids::{ChannelId, MemberId, MessageId, ProfileId};
use shared::live::{ServerEvent, Thread};
use shared::messages::{Author, Message as ChatMessage};
use shared::permissions::Role;
use tokio::sync::broadcast;
use uuid::Uuid;

/// At most this many waiting frames go out in one write (as in ChatterHub's sessions).
const WRITE_AT_MOST: usize = 32;

#[derive(Clone)]
struct Bare {
    events: broadcast::Sender<Bytes>,
    seq: Arc<AtomicI64>,
}

/// Serves until killed.
pub async fn serve(bind: SocketAddr) -> anyhow::Result<()> {
    let (events, _) = broadcast::channel(1024);
    let state = Bare {
        events,
        seq: Arc::new(AtomicI64::new(0)),
    };
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/send_message", post(send))
        .route("/ws", get(upgrade))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(bind).await?.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).await?;
    Ok(())
}

/// Stamps the next number on the message and broadcasts it, serialized once, as ChatterHub's
/// own `MessageCreated` event (the same shape and size on the wire).
async fn send(
    State(bare): State<Bare>,
    Form(form): Form<HashMap<String, String>>,
) -> impl IntoResponse {
    let message = ChatMessage {
        id: MessageId(Uuid::now_v7()),
        seq: bare.seq.fetch_add(1, Ordering::Relaxed) + 1,
        content: form.get("content").cloned().unwrap_or_default(),
        file_url: None,
        deleted: false,
        edited: false,
        created_at: Utc::now(),
        author: Author {
            member_id: MemberId(Uuid::nil()),
            profile_id: ProfileId(Uuid::nil()),
            name: "Sender".into(),
            image_url: Some(format!("/avatars/{}.svg?v=00000000", Uuid::nil())),
            role: Role::Guest,
        },
        nonce: Uuid::new_v4(),
        call: None,
        reactions: Vec::new(),
        reply: None,
        pinned: false,
    };
    let event = ServerEvent::MessageCreated {
        thread: Thread::Channel(ChannelId(Uuid::nil())),
        message: message.clone(),
    };
    if let Ok(frame) = serde_json::to_vec(&event) {
        let _ = bare.events.send(Bytes::from(frame));
    }
    Json(message)
}

async fn upgrade(State(bare): State<Bare>, ws: WebSocketUpgrade) -> impl IntoResponse {
    // A small read buffer, as ChatterHub's (tungstenite zero-fills it on every read attempt).
    ws.read_buffer_size(512)
        .on_upgrade(move |socket| relay(socket, bare.events.subscribe()))
}

/// Answers the subscribe, then forwards every broadcast frame until either side stops. The
/// client's frames are read in a task of their own, as ChatterHub's are.
async fn relay(socket: WebSocket, mut events: broadcast::Receiver<Bytes>) {
    let (mut sink, mut stream) = socket.split();
    let (asked, mut asks) = tokio::sync::mpsc::channel::<()>(4);
    let reader = tokio::spawn(async move {
        while let Some(Ok(message)) = stream.next().await {
            if matches!(message, Message::Text(_)) && asked.send(()).await.is_err() {
                break;
            }
        }
    });
    'relay: loop {
        tokio::select! {
            ask = asks.recv() => {
                let reply = Utf8Bytes::from_static(r#"{"type":"Subscribed","data":{}}"#);
                if ask.is_none() || sink.send(Message::Text(reply)).await.is_err() {
                    break;
                }
            }
            frame = events.recv() => match frame {
                // Like ChatterHub, what is already waiting goes out in the same write.
                Ok(frame) => {
                    let mut next = Ok(frame);
                    let mut taken = 0;
                    while let Ok(frame) = next {
                        let Ok(text) = Utf8Bytes::try_from(frame) else { break };
                        if sink.feed(Message::Text(text)).await.is_err() {
                            break 'relay;
                        }
                        taken += 1;
                        if taken == WRITE_AT_MOST {
                            break;
                        }
                        next = events.try_recv();
                    }
                    if sink.flush().await.is_err() {
                        break;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => break,
            },
        }
    }
    reader.abort();
}
