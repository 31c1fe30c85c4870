//! Several nodes behind one database and one Redis: a follower on node B gets, in order and
//! exactly once, what is posted through node A; a client that was away catches up by sequence;
//! a node whose Redis is unreachable still serves its own clients; a call spans nodes, and a
//! node that dies takes its participants with it, and its people go offline.

use std::time::Duration;

use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::calls::{call_dm, conversation, events, join, media, offer, profile_id, watching};
use crate::communities::Community;
use crate::helpers::{Engine, spawn_app_with};
use crate::live::{Socket, channel, connect, event, post, send, subscribe};

#[tokio::test]
async fn messages_cross_nodes_in_order_exactly_once_and_missed_ones_are_caught_up() {
    let Some(engine) = Engine::shared() else {
        return;
    };
    let c = Community::new(engine).await;
    let node_b = c.app.another_node().await;

    // The session made on node A works on node B (shared database).
    let mut on_b = connect(&node_b, Some(&c.guest)).await.unwrap();
    assert_eq!(
        subscribe(&mut on_b, channel(&c.general)).await["type"],
        "Subscribed"
    );
    until_heard(&c, &mut on_b).await;

    let mut sent = Vec::new();
    for i in 0..5 {
        sent.push(post(&c, &c.owner, &c.general, &format!("via A {i}")).await);
    }
    for expected in &sent {
        let got = event(&mut on_b).await;
        assert_eq!(got["type"], "MessageCreated");
        assert_eq!(got["data"]["message"]["id"], expected["id"], "in order");
    }
    send(&mut on_b, json!({"type": "Ping"})).await;
    assert_eq!(
        event(&mut on_b).await["type"],
        "Pong",
        "exactly once: nothing more arrived"
    );

    // A client of node A goes away, misses messages posted on B, and catches up exactly.
    let seen = sent.last().unwrap()["seq"].as_i64().unwrap();
    let mut missed = Vec::new();
    for i in 0..3 {
        missed.push(post(&c, &c.moderator, &c.general, &format!("via B {i}")).await);
    }
    let since = seen.to_string();
    let changes = c
        .app
        .ok(
            &c.guest,
            "channel_changes",
            &[("channel_id", &c.general), ("since", &since)],
        )
        .await;
    let got: Vec<_> = changes["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].clone())
        .collect();
    let want: Vec<_> = missed.iter().map(|m| m["id"].clone()).collect();
    assert_eq!(got, want, "nothing missing, nothing extra");
}

#[tokio::test]
async fn a_node_keeps_serving_its_own_clients_when_redis_is_unreachable() {
    // Nothing listens on port 1: the node starts, logs, retries in the background.
    let c = Community::on(spawn_app_with(Engine::Sqlite, Some("redis://127.0.0.1:1")).await).await;
    let mut socket = connect(&c.app, Some(&c.guest)).await.unwrap();
    subscribe(&mut socket, channel(&c.general)).await;
    let sent = post(&c, &c.owner, &c.general, "still here").await;
    let got = event(&mut socket).await;
    assert_eq!(got["data"]["message"]["id"], sent["id"]);
}

/// Waits until a follower `socket` of the general channel on another node hears what node A
/// publishes (Redis subscriptions are asynchronous), then skips the warm-up still in flight (the
/// Pong marks where it ends).
async fn until_heard(c: &Community, socket: &mut Socket) {
    let mut warmup = 0;
    loop {
        post(c, &c.owner, &c.general, &format!("warm-up {warmup}")).await;
        match tokio::time::timeout(Duration::from_millis(500), event(socket)).await {
            Ok(e) if e["type"] == "MessageCreated" => break,
            _ => warmup += 1,
        }
        assert!(warmup < 20, "the node never heard node A");
    }
    send(socket, json!({"type": "Ping"})).await;
    while event(socket).await["type"] != "Pong" {}
}

/// The next event of `socket` that `wanted` accepts, within `limit` (however long the quiet
/// before it).
async fn next_such(socket: &mut Socket, limit: Duration, wanted: impl Fn(&Value) -> bool) -> Value {
    use futures_util::StreamExt;
    tokio::time::timeout(limit, async {
        loop {
            let message = socket.next().await.expect("the socket is open").unwrap();
            if let Message::Text(text) = message {
                let e: Value = serde_json::from_str(&text).unwrap();
                if wanted(&e) {
                    return e;
                }
            }
        }
    })
    .await
    .expect("the awaited event did not come")
}

#[tokio::test]
async fn a_call_spans_nodes_and_a_dead_node_takes_its_participants_with_it() {
    let Some(engine) = Engine::shared() else {
        return;
    };
    let c = Community::new(engine).await;
    let voice = c.new_channel(&c.owner, "Lounge", "AUDIO").await;
    let node_b = c.app.another_node().await;
    let mut on_b = connect(&node_b, Some(&c.moderator)).await.unwrap();
    subscribe(&mut on_b, channel(&c.general)).await;
    until_heard(&c, &mut on_b).await;
    let mut watcher = watching(&c, &c.owner).await;
    let (guest_id, moderator_id) = (
        profile_id(&c, &c.guest).await,
        profile_id(&c, &c.moderator).await,
    );

    // The guest enters through node A, the moderator through node B: each learns of the other.
    let mut guest = connect(&c.app, Some(&c.guest)).await.unwrap();
    assert_eq!(
        join(&mut guest, &voice, false).await["data"]["others"],
        json!([])
    );
    let mut moderator = connect(&node_b, Some(&c.moderator)).await.unwrap();
    let entered = join(&mut moderator, &voice, false).await;
    assert_eq!(entered["type"], "CallEntered", "{entered}");
    assert_eq!(entered["data"]["others"][0]["name"], "Gus Guest");
    // Signalling crosses nodes, both ways, to the socket in the call.
    send(&mut moderator, offer(&voice, &guest_id)).await;
    let got = event(&mut guest).await;
    assert_eq!(got["type"], "CallSignal", "{got}");
    assert_eq!(got["data"]["from"], moderator_id.as_str());
    send(&mut guest, offer(&voice, &moderator_id)).await;
    let got = event(&mut moderator).await;
    assert_eq!(got["type"], "CallSignal", "{got}");
    assert_eq!(got["data"]["from"], guest_id.as_str());
    // Either node's server view lists both.
    let people = |details: Value| {
        details["calls"][0]["participants"]
            .as_array()
            .unwrap()
            .len()
    };
    let on_node_b = node_b
        .ok(&c.owner, "load_server", &[("server_id", &c.server)])
        .await;
    assert_eq!(people(on_node_b), 2);

    // Someone enters through a third node, which then dies: once its presence lapses, the
    // others are told and the seat is free; the room's cap counts every node's seats.
    let newcomers = [
        c.newcomer("Fay Fourth").await,
        c.newcomer("Fin Fifth").await,
    ];
    let mut owner = connect(&node_b, Some(&c.owner)).await.unwrap();
    assert_eq!(join(&mut owner, &voice, false).await["type"], "CallEntered");
    let doomed = c.app.mortal_node().await;
    let mut fay = connect(&doomed.app, Some(&newcomers[0])).await.unwrap();
    assert_eq!(
        join(&mut fay, &voice, false).await["data"]["others"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let mut fin = connect(&c.app, Some(&newcomers[1])).await.unwrap();
    assert_eq!(
        join(&mut fin, &voice, false).await["type"],
        "CallRefused",
        "four across nodes"
    );
    let fay_id = profile_id(&c, &newcomers[0]).await;
    doomed.kill();
    let left = next_such(&mut watcher, Duration::from_secs(40), |e| {
        e["type"] == "CallLeft" && e["data"]["profile_id"] == fay_id.as_str()
    })
    .await;
    assert_eq!(left["data"]["room"]["id"], voice.as_str());
    assert_eq!(join(&mut fin, &voice, false).await["type"], "CallEntered");
    assert_eq!(people(c.details(&c.owner).await), 4);
}

#[tokio::test]
async fn a_direct_call_rings_and_is_answered_across_nodes() {
    let Some(engine) = Engine::shared() else {
        return;
    };
    let c = Community::new(engine).await;
    let dm = c.open_dm(&c.moderator, &c.guest_member).await;
    let node_b = c.app.another_node().await;
    let mut callee = connect(&node_b, Some(&c.guest)).await.unwrap();
    subscribe(&mut callee, channel(&c.general)).await;
    until_heard(&c, &mut callee).await;

    let mut caller = connect(&c.app, Some(&c.moderator)).await.unwrap();
    assert_eq!(call_dm(&mut caller, &dm).await["type"], "CallEntered");
    let ringing = event(&mut callee).await;
    assert_eq!(ringing["type"], "CallRinging", "{ringing}");
    assert_eq!(ringing["data"]["caller"]["name"], "Max Moderator");
    // Answered on node B: the ringing started on node A ends there, once, as answered.
    send(
        &mut callee,
        json!({"type": "JoinCall", "data": {"room": conversation(&dm), "media": media(true, false)}}),
    )
    .await;
    let got = events(&mut callee, 2).await;
    assert_eq!(got[0]["type"], "CallEntered", "{got:?}");
    assert_eq!(got[0]["data"]["others"][0]["name"], "Max Moderator");
    assert_eq!(got[1]["data"]["outcome"], "Answered");
    assert_eq!(event(&mut caller).await["data"]["outcome"], "Answered");
}

#[tokio::test]
async fn presence_spans_nodes_and_a_dead_nodes_people_go_offline() {
    let Some(engine) = Engine::shared() else {
        return;
    };
    let c = Community::new(engine).await;
    let guest_id = c.app.me(Some(&c.guest)).await["id"].clone();
    let mut owner = connect(&c.app, Some(&c.owner)).await.unwrap();
    subscribe(&mut owner, json!({ "kind": "Server", "id": c.server })).await;
    let presence_of_guest =
        |e: &Value| e["type"] == "PresenceChanged" && e["data"]["profile_id"] == guest_id;

    // Online through another node: heard on this one, and listed here.
    let doomed = c.app.mortal_node().await;
    let _guest = connect(&doomed.app, Some(&c.guest)).await.unwrap();
    let online = next_such(&mut owner, Duration::from_secs(10), presence_of_guest).await;
    assert_eq!(online["data"]["status"], "Online");
    let here = c
        .app
        .ok(&c.owner, "load_presence", &[("server_id", &c.server)])
        .await;
    assert!(
        here.as_array()
            .unwrap()
            .iter()
            .any(|h| h["profile_id"] == guest_id),
        "{here}"
    );

    // That node dies with the socket open: once its entries lapse, the others say so.
    doomed.kill();
    let offline = next_such(&mut owner, Duration::from_secs(40), presence_of_guest).await;
    assert_eq!(offline["data"]["status"], "Offline");
    let here = c
        .app
        .ok(&c.owner, "load_presence", &[("server_id", &c.server)])
        .await;
    assert!(
        !here
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["profile_id"] == guest_id),
        "{here}"
    );
}
