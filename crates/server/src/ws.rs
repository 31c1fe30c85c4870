//! `/ws`: the live feed's transport. Authenticates by the session cookie before the upgrade,
//! then adapts the socket to `session::run`. No business logic here.

pub mod session;
#[cfg(test)]
mod session_tests;

use app::auth::session::CookiePolicy;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use domain::Domain;
use domain::hub::Frame;
use futures_util::{SinkExt, StreamExt};
use shared::ids::{ProfileId, ServerId};
use shared::live::Topic;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::auth_gate::signed_in_user;
use session::{Gate, Inbound, Outbound, Timing};

/// The largest frame a client may send: commands are tiny.
const MAX_INBOUND_BYTES: usize = 16 * 1024;

/// Live connections, so shutdown can close each with a close frame.
#[derive(Clone, Default)]
pub struct Connections {
    pub stop: CancellationToken,
    pub tracker: TaskTracker,
}

pub async fn upgrade(
    State(domain): State<Domain>,
    State(connections): State<Connections>,
    State(cookies): State<CookiePolicy>,
    jar: CookieJar,
    ws: WebSocketUpgrade,
) -> Response {
    let me = match signed_in_user(&domain, cookies, &jar).await {
        Ok(Some(user)) => user.id,
        Ok(None) => return (StatusCode::UNAUTHORIZED, "Sign in first.").into_response(),
        Err(unavailable) => return unavailable,
    };
    // Small buffers: most connections are idle, and there may be many.
    ws.read_buffer_size(4 * 1024)
        .write_buffer_size(8 * 1024)
        .max_write_buffer_size(256 * 1024)
        .max_message_size(MAX_INBOUND_BYTES)
        .max_frame_size(MAX_INBOUND_BYTES)
        .on_upgrade(move |socket| {
            let tracker = connections.tracker.clone();
            tracker.track_future(serve(socket, domain, me, connections.stop))
        })
}

async fn serve(socket: WebSocket, domain: Domain, me: ProfileId, stop: CancellationToken) {
    let (sink, stream) = socket.split();
    let sink = sink.with(|out: Outbound| async move {
        Ok::<_, axum::Error>(match out {
            Outbound::Text(frame) => Message::Text(Utf8Bytes::from(frame.as_ref())),
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
    let gate = DomainGate { domain, me };
    session::run(
        gate,
        me,
        Box::pin(sink),
        stream,
        Timing::default(),
        stop.cancelled_owned(),
    )
    .await;
}

struct DomainGate {
    domain: Domain,
    me: ProfileId,
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
}
