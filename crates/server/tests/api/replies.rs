//! Replies: a message answers one of its own thread, quotes it as it is now (its edits, its
//! deletion) in history, live and in catch-up; a reply to anything else is refused and stores
//! nothing.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::communities::Community;
use crate::helpers::{Engine, Session};
use crate::live::{channel, connect, event, post, subscribe};
use crate::on_both_engines;

on_both_engines!(
    a_reply_quotes_the_message_it_answers_as_it_is_now,
    a_reply_answers_only_its_own_thread,
);

fn id(message: &Value) -> &str {
    message["id"].as_str().unwrap()
}

/// `who` answers `original` in the channel; the status and the answer.
async fn reply(
    c: &Community,
    who: &Session,
    channel_id: &str,
    original: &str,
    text: &str,
) -> (u16, Value) {
    let nonce = Uuid::new_v4().to_string();
    c.app
        .call(
            who,
            "send_message",
            &[
                ("channel_id", channel_id),
                ("content", text),
                ("reply_to", original),
                ("nonce", &nonce),
            ],
        )
        .await
}

async fn history(c: &Community, who: &Session) -> Value {
    c.app
        .ok(who, "channel_history", &[("channel_id", &c.general)])
        .await
}

async fn a_reply_quotes_the_message_it_answers_as_it_is_now(engine: Engine) {
    let c = Community::new(engine).await;
    let original = post(&c, &c.owner, &c.general, "**Lunch** at noon?\nsecond line").await;
    let mut watcher = connect(&c.app, Some(&c.moderator)).await.unwrap();
    subscribe(&mut watcher, channel(&c.general)).await;

    let (status, answer) = reply(&c, &c.guest, &c.general, id(&original), "yes!").await;
    assert_eq!(status, 200, "{answer}");
    let quote = json!({
        "id": original["id"],
        "author": c.owner_member,
        "author_name": "Olivia Owner",
        "text": "**Lunch** at noon?\nsecond line",
    });
    assert_eq!(answer["reply"], quote);
    let live = event(&mut watcher).await;
    assert_eq!(live["data"]["message"]["reply"], quote);

    // The quote follows the original: edited, then deleted.
    c.app
        .ok(
            &c.owner,
            "edit_message",
            &[("message_id", id(&original)), ("content", "Dinner instead")],
        )
        .await;
    let page = history(&c, &c.guest).await;
    assert_eq!(page["messages"][0]["reply"]["text"], "Dinner instead");
    c.app
        .ok(&c.owner, "delete_message", &[("message_id", id(&original))])
        .await;
    let page = history(&c, &c.moderator).await;
    assert_eq!(
        page["messages"][0]["reply"],
        json!({
            "id": original["id"],
            "author": c.owner_member,
            "author_name": "Olivia Owner",
            "text": "",
            "deleted": true,
        })
    );
    // Catch-up carries the reply too.
    let changes = c
        .app
        .ok(
            &c.guest,
            "channel_changes",
            &[("channel_id", &c.general), ("since", "0")],
        )
        .await;
    let replied = changes["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == answer["id"])
        .unwrap();
    assert_eq!(replied["reply"]["id"], original["id"]);
}

async fn a_reply_answers_only_its_own_thread(engine: Engine) {
    let c = Community::new(engine).await;
    let random = c.new_channel(&c.owner, "random", "TEXT").await;
    let elsewhere = post(&c, &c.owner, &random, "in random").await;
    let dm = c.open_dm(&c.owner, &c.guest_member).await;
    let private = c.dm(&c.owner, &dm, "just us").await;
    let before = c.app.count("message").await;
    let missing = Uuid::new_v4().to_string();
    for original in [id(&elsewhere), id(&private), missing.as_str(), "not-an-id"] {
        let (status, body) = reply(&c, &c.guest, &c.general, original, "hm").await;
        let expected = if original == "not-an-id" { 400 } else { 422 };
        assert_eq!(status, expected, "{original}: {body}");
    }
    assert_eq!(c.app.count("message").await, before, "nothing stored");

    // In a conversation, its own messages can be answered.
    let nonce = Uuid::new_v4().to_string();
    let answered = c
        .app
        .ok(
            &c.guest,
            "send_direct_message",
            &[
                ("conversation_id", &dm),
                ("content", "sure"),
                ("reply_to", id(&private)),
                ("nonce", &nonce),
            ],
        )
        .await;
    assert_eq!(answered["reply"]["id"], private["id"]);
    assert_eq!(answered["reply"]["author_name"], "Olivia Owner");
}
