//! Presence: a person with a socket open is online, idle when every socket of theirs says so,
//! offline once the last closes; heard live and read back by the members of their servers only,
//! on one node or across nodes through Redis (where a node that dies takes its people offline).

use serde_json::{Value, json};

use crate::communities::Community;
use crate::helpers::Engine;
use crate::live::{Socket, any_event, connect, send, subscribe};
use crate::on_every_setup;

on_every_setup!(presence_is_live_for_those_who_share_a_server_and_no_one_else);

fn server_topic(id: &str) -> Value {
    json!({ "kind": "Server", "id": id })
}

/// The status next announced for `profile`, skipping what concerns anyone else.
async fn heard(socket: &mut Socket, profile: &Value) -> String {
    loop {
        let e = any_event(socket).await;
        if e["type"] == "PresenceChanged" && e["data"]["profile_id"] == *profile {
            return e["data"]["status"].as_str().unwrap().to_owned();
        }
    }
}

/// `profile`'s status in the server's list, as `who` reads it.
async fn listed(c: &Community, who: &crate::helpers::Session, profile: &Value) -> String {
    let here = c
        .app
        .ok(who, "load_presence", &[("server_id", &c.server)])
        .await;
    here.as_array()
        .unwrap()
        .iter()
        .find(|h| h["profile_id"] == *profile)
        .map_or("Offline".to_owned(), |h| {
            h["status"].as_str().unwrap().to_owned()
        })
}

async fn presence_is_live_for_those_who_share_a_server_and_no_one_else(engine: Engine) {
    let c = Community::new(engine).await;
    let guest_id = c.app.me(Some(&c.guest)).await["id"].clone();
    let mut owner = connect(&c.app, Some(&c.owner)).await.unwrap();
    subscribe(&mut owner, server_topic(&c.server)).await;
    // Someone who shares no server with the guest follows a server of their own.
    let theirs = c
        .app
        .ok(&c.outsider, "create_server", &[("name", "Elsewhere")])
        .await;
    let mut outsider = connect(&c.app, Some(&c.outsider)).await.unwrap();
    subscribe(&mut outsider, server_topic(theirs["id"].as_str().unwrap())).await;
    assert_eq!(listed(&c, &c.owner, &guest_id).await, "Offline");

    let mut guest = connect(&c.app, Some(&c.guest)).await.unwrap();
    assert_eq!(heard(&mut owner, &guest_id).await, "Online");
    assert_eq!(listed(&c, &c.owner, &guest_id).await, "Online");

    // Idle once the tab says so; a second tab in use makes them online again, until it closes.
    send(
        &mut guest,
        json!({ "type": "Presence", "data": { "idle": true } }),
    )
    .await;
    assert_eq!(heard(&mut owner, &guest_id).await, "Idle");
    assert_eq!(listed(&c, &c.moderator, &guest_id).await, "Idle");
    let mut second = connect(&c.app, Some(&c.guest)).await.unwrap();
    assert_eq!(heard(&mut owner, &guest_id).await, "Online");
    second.close(None).await.unwrap();
    assert_eq!(heard(&mut owner, &guest_id).await, "Idle");
    guest.close(None).await.unwrap();
    assert_eq!(heard(&mut owner, &guest_id).await, "Offline");
    assert_eq!(listed(&c, &c.owner, &guest_id).await, "Offline");

    // The outsider heard none of it, and may not ask.
    send(&mut outsider, json!({ "type": "Ping" })).await;
    loop {
        let e = any_event(&mut outsider).await;
        assert_ne!(e["data"]["profile_id"], guest_id, "{e}");
        if e["type"] == "Pong" {
            break;
        }
    }
    c.refused(
        &c.outsider,
        "load_presence",
        &[("server_id", &c.server)],
        404,
    )
    .await;
    let (status, _) = c
        .app
        .call_anonymously("load_presence", &[("server_id", &c.server)])
        .await;
    assert_eq!(status, 401);
}
