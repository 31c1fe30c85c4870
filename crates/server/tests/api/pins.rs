//! Pins: moderators and admins pin in a channel, either person in a direct conversation; every
//! reader sees the list, the latest pinned first; a pin travels live as an update; a deleted
//! message leaves the list and takes no pin; at most fifty pins a thread.

use serde_json::{Value, json};

use crate::communities::Community;
use crate::helpers::{Engine, Session, spawn_app_configured};
use crate::live::{channel, connect, event, post, subscribe};
use crate::on_both_engines;

on_both_engines!(
    staff_pin_in_a_channel_and_every_member_sees_the_list,
    either_person_pins_in_a_direct_conversation,
    a_thread_holds_at_most_fifty_pins,
);

fn id(message: &Value) -> &str {
    message["id"].as_str().unwrap()
}

async fn pin(c: &Community, who: &Session, message: &Value, on: bool) -> Value {
    let on = if on { "true" } else { "false" };
    c.app
        .ok(
            who,
            "pin_message",
            &[("message_id", id(message)), ("on", on)],
        )
        .await
}

/// The ids of a channel's pins, as `who` reads them.
async fn pins(c: &Community, who: &Session, channel_id: &str) -> Vec<String> {
    let list = c
        .app
        .ok(who, "pinned_messages", &[("channel_id", channel_id)])
        .await;
    list.as_array()
        .unwrap()
        .iter()
        .map(|m| id(m).to_owned())
        .collect()
}

const PINNED: &str = "message WHERE pinned_at IS NOT NULL";

async fn staff_pin_in_a_channel_and_every_member_sees_the_list(engine: Engine) {
    let c = Community::new(engine).await;
    let first = post(&c, &c.guest, &c.general, "the rules").await;
    let second = post(&c, &c.guest, &c.general, "the schedule").await;
    let mut watcher = connect(&c.app, Some(&c.guest)).await.unwrap();
    subscribe(&mut watcher, channel(&c.general)).await;

    // A guest may not pin; an outsider does not find the message; neither changes anything.
    let form = [("message_id", id(&first)), ("on", "true")];
    c.refused(&c.guest, "pin_message", &form, 403).await;
    c.refused(&c.outsider, "pin_message", &form, 404).await;
    c.refused(&c.guest, "pin_direct_message", &form, 404).await;
    assert_eq!(c.app.count(PINNED).await, 0);

    let pinned = pin(&c, &c.moderator, &first, true).await;
    assert_eq!(pinned["pinned"], true);
    assert!(pinned["seq"].as_i64() > second["seq"].as_i64());
    let live = event(&mut watcher).await;
    assert_eq!(live["type"], "MessageUpdated");
    assert_eq!(live["data"]["message"]["pinned"], true);
    assert!(live["data"]["message"].get("edited").is_none(), "no edit");
    // Again is no change and no event: the next event is the owner's pin.
    assert_eq!(pin(&c, &c.moderator, &first, true).await, pinned);
    pin(&c, &c.owner, &second, true).await;
    assert_eq!(
        event(&mut watcher).await["data"]["message"]["id"],
        second["id"]
    );

    // Every member reads the list, the latest pinned first; an outsider reads nothing.
    assert_eq!(
        pins(&c, &c.guest, &c.general).await,
        [id(&second), id(&first)]
    );
    c.refused(
        &c.outsider,
        "pinned_messages",
        &[("channel_id", &c.general)],
        404,
    )
    .await;
    // History and changes carry the flag.
    let page = c
        .app
        .ok(&c.guest, "channel_history", &[("channel_id", &c.general)])
        .await;
    assert_eq!(page["messages"][1]["pinned"], true);
    let since = second["seq"].as_i64().unwrap().to_string();
    let changes = c
        .app
        .ok(
            &c.guest,
            "channel_changes",
            &[("channel_id", &c.general), ("since", &since)],
        )
        .await;
    assert_eq!(changes["messages"][0]["pinned"], true);

    // Unpinned by any staff member; a deleted message leaves the list and takes no pin.
    let unpinned = pin(&c, &c.owner, &first, false).await;
    assert!(unpinned.get("pinned").is_none(), "{unpinned}");
    c.app
        .ok(&c.guest, "delete_message", &[("message_id", id(&second))])
        .await;
    assert!(pins(&c, &c.moderator, &c.general).await.is_empty());
    let (status, body) = c
        .app
        .call(
            &c.moderator,
            "pin_message",
            &[("message_id", id(&second)), ("on", "true")],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["message"], "A deleted message cannot be pinned.");
    assert_eq!(c.app.count(PINNED).await, 0);
    // A member who is kicked reads the list no more.
    pin(&c, &c.owner, &first, true).await;
    c.kick(&c.guest_member).await;
    c.refused(
        &c.guest,
        "pinned_messages",
        &[("channel_id", &c.general)],
        404,
    )
    .await;
}

async fn either_person_pins_in_a_direct_conversation(engine: Engine) {
    let c = Community::new(engine).await;
    let dm = c.open_dm(&c.owner, &c.guest_member).await;
    let message = c.dm(&c.owner, &dm, "our plan").await;
    let mut owner = connect(&c.app, Some(&c.owner)).await.unwrap();
    subscribe(&mut owner, json!({"kind": "Conversation", "id": dm})).await;
    let form = [("message_id", id(&message)), ("on", "true")];
    // Staff have no say in someone else's conversation; the channel endpoint finds nothing.
    c.refused(&c.moderator, "pin_direct_message", &form, 404)
        .await;
    c.refused(&c.guest, "pin_message", &form, 404).await;

    let pinned = c.app.ok(&c.guest, "pin_direct_message", &form).await;
    assert_eq!(pinned["pinned"], true);
    assert_eq!(event(&mut owner).await["data"]["message"]["pinned"], true);
    for who in [&c.owner, &c.guest] {
        let list = c
            .app
            .ok(who, "pinned_messages", &[("conversation_id", &dm)])
            .await;
        assert_eq!(list[0]["id"], message["id"]);
    }
    c.refused(
        &c.moderator,
        "pinned_messages",
        &[("conversation_id", &dm)],
        404,
    )
    .await;
    // One thread at a time.
    c.refused(
        &c.owner,
        "pinned_messages",
        &[("conversation_id", &dm), ("channel_id", &c.general)],
        422,
    )
    .await;
}

async fn a_thread_holds_at_most_fifty_pins(engine: Engine) {
    let app = spawn_app_configured(engine, |s| {
        s.rate_limits.push("edit=100/s:100".into());
        s.rate_limits.push("send=100/s:100".into());
    })
    .await;
    let c = Community::on(app).await;
    for n in 0..50 {
        let message = post(&c, &c.guest, &c.general, &format!("pin {n}")).await;
        pin(&c, &c.moderator, &message, true).await;
    }
    let one_more = post(&c, &c.guest, &c.general, "one more").await;
    let (status, body) = c
        .app
        .call(
            &c.owner,
            "pin_message",
            &[("message_id", id(&one_more)), ("on", "true")],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["message"],
        "This channel already has 50 pinned messages: unpin one first."
    );
    assert_eq!(c.app.count(PINNED).await, 50);
    assert_eq!(pins(&c, &c.guest, &c.general).await.len(), 50);
}
