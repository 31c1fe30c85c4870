//! What each person has read: unread counts exact across sends, edits and deletes, in channels
//! and direct conversations, across leaving and coming back; marking read only forward, and
//! "mark as unread" back to a message; read state private, and told to the person's other
//! sockets at once.

use serde_json::{Value, json};

use crate::calls::watching;
use crate::communities::Community;
use crate::helpers::{Engine, Session, TestApp};
use crate::live::{connect, event, post, send};
use crate::on_both_engines;

on_both_engines!(
    unread_counts_follow_sends_edits_deletes_and_reading,
    direct_messages_are_unread_for_the_other_person_only,
    read_state_is_private_and_reaches_the_persons_other_sockets,
    leaving_and_coming_back_keeps_the_place_read,
    a_newcomer_finds_the_history_already_read,
    a_whole_server_is_marked_read_at_once,
    new_messages_are_announced_to_those_who_can_read_them,
);

/// `who`'s unread count in the thread `id` (0 when it is not listed).
async fn unread_in(c: &Community, who: &Session, id: &str) -> u64 {
    counts_in(c, who, id).await.0
}

/// `who`'s unread and mention counts in the thread `id` (0 when it is not listed; a channel
/// listed is unread, and says no more).
pub async fn counts_in(c: &Community, who: &Session, id: &str) -> (u64, u64) {
    let all = c.app.ok(who, "load_unread", &[]).await;
    let channel = all["servers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["channels"].as_array().unwrap())
        .find(|t| t["id"] == id)
        .map(|t| (1, t["mentions"].as_u64().unwrap_or(0)));
    let conversation = all["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .map(|t| (t["unread"].as_u64().unwrap(), 0));
    channel.or(conversation).unwrap_or((0, 0))
}

/// What `load_unread` says when nothing is unread.
fn nothing() -> Value {
    json!({ "servers": [], "conversations": [] })
}

async fn mark_read(c: &Community, who: &Session, field: &str, id: &str, seq: i64) -> (u16, Value) {
    c.app
        .call(who, "mark_read", &[(field, id), ("seq", &seq.to_string())])
        .await
}

fn seq(message: &Value) -> i64 {
    message["seq"].as_i64().unwrap()
}

async fn unread_counts_follow_sends_edits_deletes_and_reading(engine: Engine) {
    let c = Community::new(engine).await;
    let general = c.general.clone();
    let sent = [
        post(&c, &c.owner, &general, "one").await,
        post(&c, &c.owner, &general, "two").await,
        post(&c, &c.owner, &general, "three").await,
    ];
    // A channel says whether anything is unread (its mentions are counted: mentions.rs).
    assert_eq!(unread_in(&c, &c.guest, &general).await, 1);
    assert_eq!(unread_in(&c, &c.owner, &general).await, 0, "one's own");
    let listed = c.app.ok(&c.guest, "load_unread", &[]).await;
    assert_eq!(
        listed,
        json!({
            "servers": [{ "server_id": c.server, "channels": [{ "id": general }] }],
            "conversations": [],
        })
    );

    // An edit moves nothing; a deleted unread message stops counting.
    let id = sent[0]["id"].as_str().unwrap();
    c.app
        .ok(
            &c.owner,
            "edit_message",
            &[("message_id", id), ("content", "one, edited")],
        )
        .await;
    assert_eq!(unread_in(&c, &c.guest, &general).await, 1);
    let id = sent[1]["id"].as_str().unwrap();
    let deleted = c
        .app
        .ok(&c.owner, "delete_message", &[("message_id", id)])
        .await;
    assert_eq!(unread_in(&c, &c.guest, &general).await, 1);

    // Read up to the latest: nothing unread; a new message makes one.
    let (status, at) = mark_read(&c, &c.guest, "channel_id", &general, seq(&deleted)).await;
    assert_eq!(status, 200, "{at}");
    assert_eq!(at, seq(&deleted));
    assert_eq!(unread_in(&c, &c.guest, &general).await, 0);
    let four = post(&c, &c.owner, &general, "four").await;
    assert_eq!(unread_in(&c, &c.guest, &general).await, 1);

    // Never back (a late request from another device), never past the end.
    let (_, at) = mark_read(&c, &c.guest, "channel_id", &general, 1).await;
    assert_eq!(at, seq(&deleted));
    let (_, at) = mark_read(&c, &c.guest, "channel_id", &general, 1_000_000).await;
    assert_eq!(at, seq(&four));
    assert_eq!(unread_in(&c, &c.guest, &general).await, 0);

    // Unread from the third message on: it and the fourth (the deleted one stays out).
    let third = sent[2]["id"].as_str().unwrap();
    let (status, at) = c
        .app
        .call(
            &c.guest,
            "mark_unread",
            &[("channel_id", &general), ("message_id", third)],
        )
        .await;
    assert_eq!(status, 200, "{at}");
    assert_eq!(at, seq(&sent[2]) - 1);
    assert_eq!(unread_in(&c, &c.guest, &general).await, 1);
    mark_read(&c, &c.guest, "channel_id", &general, 1_000_000).await;

    // A message deleted before it was read is no news.
    let oops = post(&c, &c.owner, &general, "oops").await;
    assert_eq!(unread_in(&c, &c.guest, &general).await, 1);
    c.app
        .ok(
            &c.owner,
            "delete_message",
            &[("message_id", oops["id"].as_str().unwrap())],
        )
        .await;
    assert_eq!(unread_in(&c, &c.guest, &general).await, 0);

    // Bad input changes nothing: both or neither thread, a negative point.
    let both = [
        ("channel_id", general.as_str()),
        ("conversation_id", general.as_str()),
        ("seq", "1"),
    ];
    assert_eq!(c.app.call(&c.guest, "mark_read", &both).await.0, 422);
    assert_eq!(
        c.app.call(&c.guest, "mark_read", &[("seq", "1")]).await.0,
        422
    );
    let (_, before) = mark_read(&c, &c.guest, "channel_id", &general, 0).await;
    let (_, at) = mark_read(&c, &c.guest, "channel_id", &general, -5).await;
    assert_eq!(at, before, "a point behind changes nothing");
}

async fn direct_messages_are_unread_for_the_other_person_only(engine: Engine) {
    let c = Community::new(engine).await;
    let dm = c.open_dm(&c.moderator, &c.guest_member).await;
    c.dm(&c.moderator, &dm, "hello").await;
    let last = c.dm(&c.moderator, &dm, "are you there?").await;
    assert_eq!(unread_in(&c, &c.guest, &dm).await, 2);
    assert_eq!(unread_in(&c, &c.moderator, &dm).await, 0);
    let listed = c.app.ok(&c.guest, "load_unread", &[]).await;
    assert_eq!(
        listed["conversations"],
        json!([{ "id": dm, "server_id": c.server, "unread": 2 }])
    );

    // Someone else's conversation cannot be marked (nor learnt of).
    assert_eq!(
        mark_read(&c, &c.owner, "conversation_id", &dm, seq(&last))
            .await
            .0,
        404
    );
    assert_eq!(
        mark_read(&c, &c.outsider, "conversation_id", &dm, seq(&last))
            .await
            .0,
        404
    );
    let (status, _) = mark_read(&c, &c.guest, "conversation_id", &dm, seq(&last)).await;
    assert_eq!(status, 200);
    assert_eq!(unread_in(&c, &c.guest, &dm).await, 0);

    // Answering reads the conversation; the answer is news to the other person.
    c.dm(&c.moderator, &dm, "one more thing").await;
    assert_eq!(unread_in(&c, &c.guest, &dm).await, 1);
    let answer = c.dm(&c.guest, &dm, "yes?").await;
    assert_eq!(unread_in(&c, &c.guest, &dm).await, 0);
    assert_eq!(unread_in(&c, &c.moderator, &dm).await, 1);
    // Deleted before it was read, it is no news.
    c.app
        .ok(
            &c.guest,
            "delete_direct_message",
            &[("message_id", answer["id"].as_str().unwrap())],
        )
        .await;
    assert_eq!(unread_in(&c, &c.moderator, &dm).await, 0);
}

async fn read_state_is_private_and_reaches_the_persons_other_sockets(engine: Engine) {
    let c = Community::new(engine).await;
    let general = c.general.clone();
    let last = post(&c, &c.owner, &general, "news").await;
    let mut guest_elsewhere = connect(&c.app, Some(&c.guest)).await.unwrap();
    let mut moderator = connect(&c.app, Some(&c.moderator)).await.unwrap();

    let (status, _) = mark_read(&c, &c.guest, "channel_id", &general, seq(&last)).await;
    assert_eq!(status, 200);
    let told = event(&mut guest_elsewhere).await;
    assert_eq!(told["type"], "ReadUpTo", "{told}");
    assert_eq!(told["data"]["thread"]["id"], general.as_str());
    assert_eq!(told["data"]["last_read_seq"], seq(&last));
    // The moderator's socket heard nothing, and their own count is theirs.
    send(&mut moderator, json!({"type": "Ping"})).await;
    assert_eq!(event(&mut moderator).await["type"], "Pong");
    assert_eq!(unread_in(&c, &c.moderator, &general).await, 1);
    // Marking again where it stands tells nobody anything new.
    mark_read(&c, &c.guest, "channel_id", &general, seq(&last)).await;
    send(&mut guest_elsewhere, json!({"type": "Ping"})).await;
    assert_eq!(event(&mut guest_elsewhere).await["type"], "Pong");

    // Outsiders and anonymous callers are refused; a message of another thread is not found.
    assert_eq!(
        mark_read(&c, &c.outsider, "channel_id", &general, 1)
            .await
            .0,
        404
    );
    let anonymous = c
        .app
        .call_anonymously("mark_read", &[("channel_id", &general), ("seq", "1")])
        .await;
    assert_eq!(anonymous.0, 401);
    for (endpoint, form) in [
        ("load_unread", vec![]),
        ("mark_server_read", vec![("server_id", c.server.as_str())]),
    ] {
        let (status, _) = c.app.call_anonymously(endpoint, &form).await;
        assert_eq!(status, 401, "{endpoint}");
    }
    let elsewhere = c.new_channel(&c.owner, "random", "TEXT").await;
    let other = post(&c, &c.owner, &elsewhere, "elsewhere").await;
    let (status, _) = c
        .app
        .call(
            &c.guest,
            "mark_unread",
            &[
                ("channel_id", &general),
                ("message_id", other["id"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(status, 404);
}

async fn leaving_and_coming_back_keeps_the_place_read(engine: Engine) {
    let c = Community::new(engine).await;
    let general = c.general.clone();
    let read = post(&c, &c.owner, &general, "before").await;
    mark_read(&c, &c.guest, "channel_id", &general, seq(&read)).await;
    c.app
        .ok(&c.guest, "leave_server", &[("server_id", &c.server)])
        .await;
    post(&c, &c.owner, &general, "while away").await;
    let all = c.app.ok(&c.guest, "load_unread", &[]).await;
    assert_eq!(all, nothing(), "a former member counts nothing");
    let code = c.invite_code().await;
    c.app.ok(&c.guest, "join_server", &[("code", &code)]).await;
    post(&c, &c.owner, &general, "after").await;
    assert_eq!(
        unread_in(&c, &c.guest, &general).await,
        1,
        "what came after the point read"
    );
}

async fn a_whole_server_is_marked_read_at_once(engine: Engine) {
    let c = Community::new(engine).await;
    let random = c.new_channel(&c.owner, "random", "TEXT").await;
    post(&c, &c.owner, &c.general, "one").await;
    post(&c, &c.owner, &random, "two").await;
    assert_eq!(unread_in(&c, &c.guest, &random).await, 1);
    assert_eq!(
        c.app
            .call(&c.outsider, "mark_server_read", &[("server_id", &c.server)])
            .await
            .0,
        404
    );
    c.app
        .ok(&c.guest, "mark_server_read", &[("server_id", &c.server)])
        .await;
    assert_eq!(c.app.ok(&c.guest, "load_unread", &[]).await, nothing());
    assert_eq!(
        unread_in(&c, &c.moderator, &random).await,
        1,
        "the guest's only"
    );
}

/// Members hear of a new message in any channel of their server (for unread marks) without
/// following the channel; the other person of a conversation hears of a direct message on every
/// page they have open; nobody else hears of either.
async fn new_messages_are_announced_to_those_who_can_read_them(engine: Engine) {
    let c = Community::new(engine).await;
    let random = c.new_channel(&c.owner, "random", "TEXT").await;
    let mut guest = watching(&c, &c.guest).await;
    let sent = post(&c, &c.owner, &random, "news").await;
    let heard = event(&mut guest).await;
    assert_eq!(heard["type"], "ChannelActivity", "{heard}");
    assert_eq!(heard["data"]["channel_id"], random.as_str());
    assert_eq!(heard["data"]["server_id"], c.server.as_str());
    assert_eq!(heard["data"]["created_seq"], sent["seq"]);
    assert_eq!(
        heard["data"]["author"],
        c.app.me(Some(&c.owner)).await["id"]
    );

    let dm = c.open_dm(&c.moderator, &c.guest_member).await;
    let mut guest_page = connect(&c.app, Some(&c.guest)).await.unwrap();
    let mut moderator_page = connect(&c.app, Some(&c.moderator)).await.unwrap();
    let mut owner_page = connect(&c.app, Some(&c.owner)).await.unwrap();
    let written = c.dm(&c.moderator, &dm, "psst").await;
    let heard = event(&mut guest_page).await;
    assert_eq!(heard["type"], "DirectActivity", "{heard}");
    assert_eq!(heard["data"]["conversation_id"], dm.as_str());
    assert_eq!(heard["data"]["created_seq"], written["seq"]);
    for socket in [&mut moderator_page, &mut owner_page] {
        send(socket, json!({"type": "Ping"})).await;
        assert_eq!(event(socket).await["type"], "Pong", "nothing for them");
    }
}

/// Joining a server with a history: none of it is news; what is written after is.
async fn a_newcomer_finds_the_history_already_read(engine: Engine) {
    let c = Community::new(engine).await;
    let random = c.new_channel(&c.owner, "random", "TEXT").await;
    for text in ["one", "two"] {
        post(&c, &c.owner, &c.general, text).await;
    }
    post(&c, &c.owner, &random, "three").await;
    let newcomer = c.newcomer("Nina Newcomer").await;
    let all = c.app.ok(&newcomer, "load_unread", &[]).await;
    assert_eq!(all, nothing());
    let after = post(&c, &c.owner, &random, "four").await;
    assert_eq!(unread_in(&c, &newcomer, &random).await, 1);
    let opened = c
        .app
        .ok(&newcomer, "open_thread", &[("channel_id", random.as_str())])
        .await;
    assert_eq!(opened["first_unread"], after["id"]);
}

/// The channels `load_unread` lists for `who` through `node`.
async fn listed_through(node: &TestApp, who: &Session) -> Vec<String> {
    let all = node.ok(who, "load_unread", &[]).await;
    all["servers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["channels"].as_array().unwrap())
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Each node keeps a copy of the servers' channels for unread marks: what is written or deleted
/// through one node shows at once in the marks read through another, and a deleted channel is
/// no longer listed.
#[tokio::test]
async fn unread_marks_through_another_node_follow_every_change() {
    let Some(engine) = Engine::shared() else {
        return;
    };
    let c = Community::new(engine).await;
    let node_b = c.app.another_node().await;
    let random = c.new_channel(&c.owner, "random", "TEXT").await;
    // Node B has read the marks (and kept its copy) before anything is written.
    assert_eq!(
        listed_through(&node_b, &c.guest).await,
        Vec::<String>::new()
    );

    let first = post(&c, &c.owner, &random, "through A").await;
    assert_eq!(
        listed_through(&node_b, &c.guest).await,
        vec![random.clone()]
    );

    // The only message deleted through A: nothing is left unread there.
    let id = first["id"].as_str().unwrap();
    c.app
        .ok(&c.owner, "delete_message", &[("message_id", id)])
        .await;
    assert_eq!(
        listed_through(&node_b, &c.guest).await,
        Vec::<String>::new()
    );

    post(&c, &c.owner, &random, "again").await;
    post(&c, &c.owner, &c.general, "in general").await;
    let mut both = listed_through(&node_b, &c.guest).await;
    both.sort();
    let mut expected = [random.clone(), c.general.clone()];
    expected.sort();
    assert_eq!(both, expected);

    // The channel deleted through A: B lists the one that is left.
    c.app
        .ok(&c.owner, "delete_channel", &[("channel_id", &random)])
        .await;
    assert_eq!(
        listed_through(&node_b, &c.guest).await,
        vec![c.general.clone()]
    );
}
