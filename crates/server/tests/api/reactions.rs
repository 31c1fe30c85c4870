//! Reactions: one per person per emoji (a second is no change), seen live and in history and
//! changes, taken back by the same call, gone with a deleted message; only those who can read
//! the thread react, with one real emoji, at most twenty different ones per message.

use serde_json::{Value, json};

use crate::communities::Community;
use crate::helpers::{Engine, Session};
use crate::live::{channel, connect, event, post, subscribe};
use crate::on_both_engines;

on_both_engines!(
    a_reaction_is_once_per_person_live_and_taken_back,
    only_those_who_read_the_thread_react_with_an_emoji,
    a_message_holds_at_most_twenty_different_reactions,
    direct_messages_take_reactions_from_their_two_people,
);

fn id(message: &Value) -> &str {
    message["id"].as_str().unwrap()
}

fn on(yes: bool) -> &'static str {
    if yes { "true" } else { "false" }
}

/// Reacts to a channel message; the message as answered.
async fn react(c: &Community, who: &Session, message: &Value, emoji: &str, yes: bool) -> Value {
    c.app
        .ok(
            who,
            "react_message",
            &[
                ("message_id", id(message)),
                ("emoji", emoji),
                ("on", on(yes)),
            ],
        )
        .await
}

async fn a_reaction_is_once_per_person_live_and_taken_back(engine: Engine) {
    let c = Community::new(engine).await;
    let mut watcher = connect(&c.app, Some(&c.owner)).await.unwrap();
    subscribe(&mut watcher, channel(&c.general)).await;
    let message = post(&c, &c.owner, &c.general, "react to this").await;
    assert_eq!(event(&mut watcher).await["type"], "MessageCreated");
    assert!(message.get("reactions").is_none(), "none yet: {message}");

    let first = react(&c, &c.guest, &message, "👍", true).await;
    let thumbs = json!([{ "emoji": "👍", "members": [c.guest_member] }]);
    assert_eq!(first["reactions"], thumbs);
    assert!(first["seq"].as_i64() > message["seq"].as_i64());
    let live = event(&mut watcher).await;
    assert_eq!(live["type"], "MessageUpdated");
    assert_eq!(live["data"]["message"]["reactions"], thumbs);
    assert_eq!(live["data"]["message"]["seq"], first["seq"]);
    assert!(
        live["data"]["message"].get("edited").is_none(),
        "a reaction is no edit"
    );

    // The same again changes nothing and says nothing.
    let again = react(&c, &c.guest, &message, "👍", true).await;
    assert_eq!(again, first);
    react(&c, &c.moderator, &message, "👍", true).await;
    let both = react(&c, &c.owner, &message, "🎉", true).await;
    let expected = json!([
        { "emoji": "👍", "members": [c.guest_member, c.moderator_member] },
        { "emoji": "🎉", "members": [c.owner_member] },
    ]);
    assert_eq!(both["reactions"], expected);
    // One update per change, in order: had the repeat published, the second would be the
    // moderator's.
    event(&mut watcher).await;
    assert_eq!(
        event(&mut watcher).await["data"]["message"]["seq"],
        both["seq"]
    );

    // History and changes carry them.
    let page = c
        .app
        .ok(&c.guest, "channel_history", &[("channel_id", &c.general)])
        .await;
    assert_eq!(page["messages"][0]["reactions"], expected);
    let since = message["seq"].as_i64().unwrap().to_string();
    let changes = c
        .app
        .ok(
            &c.guest,
            "channel_changes",
            &[("channel_id", &c.general), ("since", &since)],
        )
        .await;
    assert_eq!(changes["messages"][0]["reactions"], expected);

    // Taken back by the same call; twice is no change.
    let back = react(&c, &c.guest, &message, "👍", false).await;
    assert_eq!(back["reactions"][0]["members"], json!([c.moderator_member]));
    assert_eq!(react(&c, &c.guest, &message, "👍", false).await, back);
    assert_eq!(
        event(&mut watcher).await["data"]["message"]["reactions"],
        back["reactions"]
    );

    // A deleted message keeps none.
    let deleted = c
        .app
        .ok(&c.owner, "delete_message", &[("message_id", id(&message))])
        .await;
    assert!(deleted.get("reactions").is_none(), "{deleted}");
    assert_eq!(c.app.count("message_reaction").await, 0);
}

async fn only_those_who_read_the_thread_react_with_an_emoji(engine: Engine) {
    let c = Community::new(engine).await;
    let message = post(&c, &c.owner, &c.general, "members only").await;
    let form = |emoji: &'static str| {
        vec![
            ("message_id", id(&message).to_owned()),
            ("emoji", emoji.to_owned()),
            ("on", "true".to_owned()),
        ]
    };
    for (who, emoji, status) in [
        (&c.outsider, "👍", 404),
        (&c.guest, "", 422),
        (&c.guest, "abc", 422),
        (&c.guest, "👍👍", 422),
        (&c.guest, "<script>alert(1)</script>", 422),
    ] {
        let form = form(emoji);
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        c.refused(who, "react_message", &form, status).await;
    }
    // Someone who left reads nothing and reacts to nothing.
    c.kick(&c.guest_member).await;
    let (status, _) = c
        .app
        .call(
            &c.guest,
            "react_message",
            &[
                ("message_id", id(&message)),
                ("emoji", "👍"),
                ("on", "true"),
            ],
        )
        .await;
    assert_eq!(status, 404);
    // A deleted message takes none.
    c.app
        .ok(&c.owner, "delete_message", &[("message_id", id(&message))])
        .await;
    let (status, body) = c
        .app
        .call(
            &c.moderator,
            "react_message",
            &[
                ("message_id", id(&message)),
                ("emoji", "👍"),
                ("on", "true"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(c.app.count("message_reaction").await, 0);
    // A skin tone is kept as chosen.
    let other = post(&c, &c.owner, &c.general, "wave").await;
    let waved = react(&c, &c.moderator, &other, "👋🏽", true).await;
    assert_eq!(waved["reactions"][0]["emoji"], "👋🏽");
}

async fn a_message_holds_at_most_twenty_different_reactions(engine: Engine) {
    let c = Community::new(engine).await;
    let message = post(&c, &c.owner, &c.general, "so many").await;
    let emojis = [
        "😀", "😃", "😄", "😁", "😆", "😅", "🤣", "😂", "🙂", "🙃", "😉", "😊", "😇", "🥰", "😍",
        "🤩", "😘", "😗", "😚", "😙",
    ];
    for (i, emoji) in emojis.iter().enumerate() {
        let who = if i % 2 == 0 { &c.owner } else { &c.moderator };
        react(&c, who, &message, emoji, true).await;
    }
    let (status, body) = c
        .app
        .call(
            &c.guest,
            "react_message",
            &[
                ("message_id", id(&message)),
                ("emoji", "🥲"),
                ("on", "true"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["message"],
        "A message can have at most 20 different reactions."
    );
    // One already there can still be joined.
    let joined = react(&c, &c.guest, &message, "😀", true).await;
    assert_eq!(joined["reactions"].as_array().unwrap().len(), 20);
    assert_eq!(
        joined["reactions"][0]["members"],
        json!([c.owner_member, c.guest_member])
    );
}

async fn direct_messages_take_reactions_from_their_two_people(engine: Engine) {
    let c = Community::new(engine).await;
    let dm = c.open_dm(&c.owner, &c.guest_member).await;
    let message = c.dm(&c.owner, &dm, "just us").await;
    let mut guest = connect(&c.app, Some(&c.guest)).await.unwrap();
    subscribe(&mut guest, json!({"kind": "Conversation", "id": dm})).await;
    let form = [
        ("message_id", id(&message)),
        ("emoji", "❤️"),
        ("on", "true"),
    ];
    let reacted = c.app.ok(&c.guest, "react_direct_message", &form).await;
    assert_eq!(
        reacted["reactions"],
        json!([{ "emoji": "❤️", "members": [c.guest_member] }])
    );
    let live = event(&mut guest).await;
    assert_eq!(live["type"], "MessageUpdated");
    assert_eq!(live["data"]["message"]["reactions"], reacted["reactions"]);
    // A third member of the server, or the channel endpoint, finds nothing.
    c.refused(&c.moderator, "react_direct_message", &form, 404)
        .await;
    c.refused(&c.guest, "react_message", &form, 404).await;
}
