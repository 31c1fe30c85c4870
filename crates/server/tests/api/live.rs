//! The live feed over a real WebSocket: authentication before the upgrade, membership on every
//! subscribe, events to exactly the followers of a topic, removal on kick, bad frames refused.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::header::{COOKIE, ORIGIN};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};
use uuid::Uuid;

use crate::communities::Community;
use crate::helpers::{Engine, Session, TestApp};
use crate::on_both_engines;

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub async fn connect(app: &TestApp, session: Option<&Session>) -> Result<Socket, WsError> {
    let url = app.address.replace("http://", "ws://") + "/ws";
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert(ORIGIN, app.address.parse().unwrap());
    if let Some(s) = session {
        request
            .headers_mut()
            .insert(COOKIE, s.cookie().parse().unwrap());
    }
    connect_async(request).await.map(|(socket, _)| socket)
}

pub async fn send(socket: &mut Socket, command: Value) {
    socket
        .send(Message::Text(command.to_string().into()))
        .await
        .unwrap();
}

/// The next JSON event, skipping pings and presence (which comes whenever someone of a followed
/// server connects or leaves; `presence.rs` reads it with `any_event`).
pub async fn event(socket: &mut Socket) -> Value {
    loop {
        let e = any_event(socket).await;
        if e["type"] != "PresenceChanged" {
            return e;
        }
    }
}

/// The next JSON event, skipping pings.
pub async fn any_event(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("an event in time")
            .expect("the socket is open")
            .unwrap();
        match message {
            Message::Text(text) => return serde_json::from_str(&text).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// The code of the close frame that ends the socket (skipping anything before it), or `None`
/// when it ends without one.
pub async fn close_code(socket: &mut Socket) -> Option<u16> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("the socket closes in time");
        match message {
            Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            None | Some(Err(_)) => return None,
        }
    }
}

pub async fn subscribe(socket: &mut Socket, topic: Value) -> Value {
    send(
        socket,
        json!({"type": "Subscribe", "data": {"topic": topic}}),
    )
    .await;
    event(socket).await
}

pub fn channel(id: &str) -> Value {
    json!({"kind": "Channel", "id": id})
}

pub async fn post(c: &Community, who: &Session, channel_id: &str, text: &str) -> Value {
    let nonce = Uuid::new_v4().to_string();
    c.app
        .ok(
            who,
            "send_message",
            &[
                ("channel_id", channel_id),
                ("content", text),
                ("nonce", &nonce),
            ],
        )
        .await
}

on_both_engines!(
    the_socket_needs_a_session_before_the_upgrade,
    members_receive_messages_of_their_channels_and_nothing_else,
    non_members_cannot_follow_a_channel,
    server_side_topics_are_refused_even_to_members,
    kicked_members_are_unsubscribed_and_told,
    bad_and_oversized_frames_are_refused,
);

async fn the_socket_needs_a_session_before_the_upgrade(engine: Engine) {
    let c = Community::new(engine).await;
    match connect(&c.app, None).await {
        Err(WsError::Http(response)) => assert_eq!(response.status(), 401),
        other => panic!("expected 401, got {other:?}"),
    }
    let forged = Session {
        token: "forged".into(),
    };
    assert!(
        matches!(connect(&c.app, Some(&forged)).await, Err(WsError::Http(r)) if r.status() == 401)
    );
}

async fn members_receive_messages_of_their_channels_and_nothing_else(engine: Engine) {
    let c = Community::new(engine).await;
    let mut guest = connect(&c.app, Some(&c.guest)).await.unwrap();
    let subscribed = subscribe(&mut guest, channel(&c.general)).await;
    assert_eq!(subscribed["type"], "Subscribed");

    // A follower of another channel hears nothing of general.
    let other = c
        .app
        .ok(
            &c.owner,
            "create_channel",
            &[
                ("server_id", &c.server),
                ("name", "elsewhere"),
                ("kind", "TEXT"),
            ],
        )
        .await;
    let mut moderator = connect(&c.app, Some(&c.moderator)).await.unwrap();
    subscribe(&mut moderator, channel(other["id"].as_str().unwrap())).await;

    let sent = post(&c, &c.owner, &c.general, "hello live").await;
    let got = event(&mut guest).await;
    assert_eq!(got["type"], "MessageCreated");
    assert_eq!(got["data"]["message"]["id"], sent["id"]);
    assert_eq!(got["data"]["message"]["seq"], sent["seq"]);
    // The sender's key travels with the event, so the sender's page can match it to its
    // pending row whichever comes first.
    assert_eq!(got["data"]["message"]["nonce"], sent["nonce"]);
    assert!(sent["nonce"].as_str().is_some_and(|n| n.len() == 36));

    let edited = c
        .app
        .ok(
            &c.owner,
            "edit_message",
            &[
                ("message_id", sent["id"].as_str().unwrap()),
                ("content", "hello again"),
            ],
        )
        .await;
    let got = event(&mut guest).await;
    assert_eq!(got["type"], "MessageUpdated");
    assert_eq!(got["data"]["message"]["seq"], edited["seq"]);
    c.app
        .ok(
            &c.owner,
            "delete_message",
            &[("message_id", sent["id"].as_str().unwrap())],
        )
        .await;
    assert_eq!(event(&mut guest).await["type"], "MessageDeleted");

    send(&mut moderator, json!({"type": "Ping"})).await;
    assert_eq!(
        event(&mut moderator).await["type"],
        "Pong",
        "no general events reached the other channel"
    );
}

async fn non_members_cannot_follow_a_channel(engine: Engine) {
    let c = Community::new(engine).await;
    let mut outsider = connect(&c.app, Some(&c.outsider)).await.unwrap();
    let refused = subscribe(&mut outsider, channel(&c.general)).await;
    assert_eq!(refused["type"], "Error");
    let refused = subscribe(&mut outsider, json!({"kind": "Server", "id": c.server})).await;
    assert_eq!(refused["type"], "Error");
    post(&c, &c.owner, &c.general, "members only").await;
    send(&mut outsider, json!({"type": "Ping"})).await;
    assert_eq!(
        event(&mut outsider).await["type"],
        "Pong",
        "nothing leaked before the pong"
    );
}

/// A server's `Access` topic and a person's `Account` topic are followed by the server for each
/// socket; no client may ask for them, not even the server's owner for their own.
async fn server_side_topics_are_refused_even_to_members(engine: Engine) {
    let c = Community::new(engine).await;
    let me = crate::calls::profile_id(&c, &c.owner).await;
    let mut owner = connect(&c.app, Some(&c.owner)).await.unwrap();
    for topic in [
        json!({"kind": "Access", "id": c.server}),
        json!({"kind": "Account", "id": me}),
    ] {
        let refused = subscribe(&mut owner, topic.clone()).await;
        assert_eq!(refused["type"], "Error", "{topic}: {refused}");
    }
    c.kick(&c.guest_member).await;
    send(&mut owner, json!({"type": "Ping"})).await;
    assert_eq!(
        event(&mut owner).await["type"],
        "Pong",
        "the kick did not reach the owner through a refused topic"
    );
}

async fn kicked_members_are_unsubscribed_and_told(engine: Engine) {
    let c = Community::new(engine).await;
    let mut guest = connect(&c.app, Some(&c.guest)).await.unwrap();
    subscribe(&mut guest, channel(&c.general)).await;
    c.kick(&c.guest_member).await;
    let told = event(&mut guest).await;
    assert_eq!(told["type"], "Unsubscribed", "{told}");
    assert_eq!(told["data"]["topic"], channel(&c.general));
    post(&c, &c.owner, &c.general, "after the kick").await;
    send(&mut guest, json!({"type": "Ping"})).await;
    assert_eq!(event(&mut guest).await["type"], "Pong");
    let again = subscribe(&mut guest, channel(&c.general)).await;
    assert_eq!(again["type"], "Error", "and cannot follow it again");
}

async fn bad_and_oversized_frames_are_refused(engine: Engine) {
    let c = Community::new(engine).await;
    let mut socket = connect(&c.app, Some(&c.guest)).await.unwrap();
    socket
        .send(Message::Text("{\"type\":\"Launch\"}".into()))
        .await
        .unwrap();
    assert_eq!(event(&mut socket).await["type"], "Error");
    socket
        .send(Message::Binary(vec![1, 2, 3].into()))
        .await
        .unwrap();
    assert_eq!(event(&mut socket).await["type"], "Error");

    let huge = "x".repeat(64 * 1024);
    let _ = socket.send(Message::Text(huge.into())).await;
    let closed = loop {
        match tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("closed in time")
        {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => break None,
        }
    };
    if let Some(frame) = closed {
        assert_ne!(frame.code, CloseCode::Normal, "{frame:?}");
    }
    // The server is fine and stored nothing from the socket.
    assert_eq!(c.app.count("message").await, 0);
    let mut fresh = connect(&c.app, Some(&c.guest)).await.unwrap();
    send(&mut fresh, json!({"type": "Ping"})).await;
    assert_eq!(event(&mut fresh).await["type"], "Pong");
}
