//! The Direct Messages inbox: every conversation with messages, across the person's servers,
//! newest first, with the other person, the server and the latest message's first line (as
//! read: mentions by name); only the person's own, only while they are in the server.

use serde_json::Value;

use crate::communities::Community;
use crate::helpers::{Engine, Session};
use crate::on_both_engines;

on_both_engines!(the_inbox_lists_ones_own_conversations_newest_first);

async fn inbox(c: &Community, who: &Session) -> Vec<Value> {
    let listed = c.app.ok(who, "load_inbox", &[]).await;
    listed.as_array().unwrap().clone()
}

async fn the_inbox_lists_ones_own_conversations_newest_first(engine: Engine) {
    let c = Community::new(engine).await;
    // Opened but never written in: not listed.
    let with_moderator = c.open_dm(&c.guest, &c.moderator_member).await;
    assert!(inbox(&c, &c.guest).await.is_empty());

    let hello = format!("hello <@{}>\nsecond line", c.guest_member);
    c.dm(&c.moderator, &with_moderator, &hello).await;
    let listed = inbox(&c, &c.guest).await;
    assert_eq!(listed.len(), 1);
    let entry = &listed[0];
    assert_eq!(entry["conversation"]["id"], with_moderator.as_str());
    assert_eq!(entry["conversation"]["server_id"], c.server.as_str());
    assert_eq!(entry["conversation"]["other"]["name"], "Max Moderator");
    assert_eq!(entry["server_name"], "Rustaceans");
    assert_eq!(
        entry["last"]["line"], "hello @Gus Guest",
        "first line, by name"
    );
    assert_eq!(entry["last"]["mine"], false);
    let theirs = inbox(&c, &c.moderator).await;
    assert_eq!(theirs[0]["last"]["mine"], true);
    assert_eq!(theirs[0]["conversation"]["other"]["name"], "Gus Guest");

    // A conversation in another server, newer: first.
    let other = c
        .app
        .ok(&c.outsider, "create_server", &[("name", "Elsewhere")])
        .await;
    let other_id = other["id"].as_str().unwrap();
    let details = c
        .app
        .ok(&c.outsider, "load_server", &[("server_id", other_id)])
        .await;
    let code = details["invite_code"].as_str().unwrap();
    c.app.ok(&c.guest, "join_server", &[("code", code)]).await;
    let details = c
        .app
        .ok(&c.guest, "load_server", &[("server_id", other_id)])
        .await;
    let guest_there = details["me"]["id"].as_str().unwrap();
    let opened = c
        .app
        .ok(
            &c.outsider,
            "open_conversation",
            &[("server_id", other_id), ("member_id", guest_there)],
        )
        .await;
    let with_outsider = opened["id"].as_str().unwrap().to_owned();
    let last = c.dm(&c.outsider, &with_outsider, "over here").await;
    let listed = inbox(&c, &c.guest).await;
    let names: Vec<&str> = listed
        .iter()
        .map(|e| e["conversation"]["other"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Otto Outsider", "Max Moderator"]);
    assert_eq!(listed[0]["server_name"], "Elsewhere");

    // A deleted latest message says so.
    c.app
        .ok(
            &c.outsider,
            "delete_direct_message",
            &[("message_id", last["id"].as_str().unwrap())],
        )
        .await;
    assert_eq!(
        inbox(&c, &c.guest).await[0]["last"]["line"],
        "This message has been deleted."
    );

    // Nobody else sees them; leaving a server takes its conversations out; anonymous: refused.
    assert!(inbox(&c, &c.owner).await.is_empty());
    c.app
        .ok(
            &c.guest,
            "leave_server",
            &[("server_id", c.server.as_str())],
        )
        .await;
    let listed = inbox(&c, &c.guest).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["server_name"], "Elsewhere");
    let (status, _) = c.app.call_anonymously("load_inbox", &[]).await;
    assert_eq!(status, 401);
}
