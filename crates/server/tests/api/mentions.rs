//! Mentions: stored by member id, counted for the person mentioned until they read past them
//! (edits and deletes included), `@everyone` only from moderators and admins in channels, and
//! only members of the thread's server may be mentioned. Refusals change nothing.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::calls::watching;
use crate::communities::Community;
use crate::helpers::Engine;
use crate::live::{event, post};
use crate::on_both_engines;
use crate::read_state::counts_in;

on_both_engines!(
    mentions_count_for_the_person_named_until_they_read,
    mention_counts_follow_the_point_read_both_ways,
    everyone_is_for_moderators_and_admins_in_channels,
    only_members_of_the_server_can_be_mentioned,
    the_activity_of_a_message_names_those_it_mentions,
);

pub fn token(member: &str) -> String {
    format!("<@{member}>")
}

fn id(message: &Value) -> &str {
    message["id"].as_str().unwrap()
}

async fn edit(c: &Community, message: &Value, text: &str) {
    c.app
        .ok(
            &c.owner,
            "edit_message",
            &[("message_id", id(message)), ("content", text)],
        )
        .await;
}

async fn mentions_count_for_the_person_named_until_they_read(engine: Engine) {
    let c = Community::new(engine).await;
    let random = c.new_channel(&c.owner, "random", "TEXT").await;
    let hello = format!("hello {}", token(&c.guest_member));
    let first = post(&c, &c.owner, &random, &hello).await;
    assert_eq!(first["content"], hello.as_str(), "stored as written");
    post(&c, &c.owner, &random, "no one in particular").await;
    assert_eq!(counts_in(&c, &c.guest, &random).await, (1, 1));
    assert_eq!(counts_in(&c, &c.moderator, &random).await, (1, 0));

    // Twice in one message is one mention.
    let twice = format!("{0} and {0}", token(&c.guest_member));
    let second = post(&c, &c.owner, &random, &twice).await;
    assert_eq!(counts_in(&c, &c.guest, &random).await, (1, 2));

    // An edit that drops the mention stops it counting; one that adds a mention counts it;
    // a deleted message counts for nothing.
    edit(&c, &first, "hello all").await;
    assert_eq!(counts_in(&c, &c.guest, &random).await, (1, 1));
    edit(&c, &first, &format!("hello {}", token(&c.moderator_member))).await;
    assert_eq!(counts_in(&c, &c.moderator, &random).await, (1, 1));
    let deleted = c
        .app
        .ok(&c.owner, "delete_message", &[("message_id", id(&second))])
        .await;
    assert_eq!(counts_in(&c, &c.guest, &random).await, (1, 0));

    // Read: nothing counts any more.
    let seq = deleted["seq"].as_i64().unwrap().to_string();
    c.app
        .ok(
            &c.moderator,
            "mark_read",
            &[("channel_id", random.as_str()), ("seq", seq.as_str())],
        )
        .await;
    assert_eq!(counts_in(&c, &c.moderator, &random).await, (0, 0));

    // Writing in a channel reads it, and naming oneself is no news.
    post(&c, &c.owner, &random, &hello).await;
    assert_eq!(counts_in(&c, &c.guest, &random).await, (1, 1));
    post(&c, &c.guest, &random, &token(&c.guest_member)).await;
    assert_eq!(counts_in(&c, &c.guest, &random).await, (0, 0));
    assert_eq!(counts_in(&c, &c.owner, &random).await, (1, 0));
}

async fn mention_counts_follow_the_point_read_both_ways(engine: Engine) {
    let c = Community::new(engine).await;
    let random = c.new_channel(&c.owner, "random", "TEXT").await;
    let named = token(&c.guest_member);
    let first = post(&c, &c.owner, &random, &named).await;
    let plain = post(&c, &c.owner, &random, "plain").await;
    post(&c, &c.owner, &random, &named).await;
    let everyone = post(&c, &c.owner, &random, "@everyone").await;
    assert_eq!(counts_in(&c, &c.guest, &random).await, (1, 3));
    assert_eq!(counts_in(&c, &c.moderator, &random).await, (1, 1));

    // Read part of the way: only the mentions after the point count.
    let read_to = |message: &Value| message["seq"].as_i64().unwrap().to_string();
    let to_plain = read_to(&plain);
    c.app
        .ok(
            &c.guest,
            "mark_read",
            &[("channel_id", random.as_str()), ("seq", to_plain.as_str())],
        )
        .await;
    assert_eq!(counts_in(&c, &c.guest, &random).await, (1, 2));

    // Back to the first message: all three count again.
    c.app
        .ok(
            &c.guest,
            "mark_unread",
            &[("channel_id", random.as_str()), ("message_id", id(&first))],
        )
        .await;
    assert_eq!(counts_in(&c, &c.guest, &random).await, (1, 3));

    // The mention of everyone deleted: it counts for no one; the channel is still unread.
    c.app
        .ok(&c.owner, "delete_message", &[("message_id", id(&everyone))])
        .await;
    assert_eq!(counts_in(&c, &c.guest, &random).await, (1, 2));
    assert_eq!(counts_in(&c, &c.moderator, &random).await, (1, 0));

    // Mentioning everyone by an edit counts it for everyone who has not read that far.
    edit(&c, &plain, "@everyone, plainly").await;
    assert_eq!(counts_in(&c, &c.guest, &random).await, (1, 3));
    assert_eq!(counts_in(&c, &c.moderator, &random).await, (1, 1));
}

async fn everyone_is_for_moderators_and_admins_in_channels(engine: Engine) {
    let c = Community::new(engine).await;
    let general = c.general.clone();
    let send = |text: &'static str| {
        [
            ("channel_id", general.clone()),
            ("content", text.to_owned()),
            ("nonce", Uuid::new_v4().to_string()),
        ]
    };
    let form = send("hey @everyone");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = c.app.call(&c.guest, "send_message", &form).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["message"],
        "Only moderators and admins can mention @everyone."
    );
    c.refused(&c.guest, "send_message", &form, 422).await;

    // Nor by editing it in.
    let own = post(&c, &c.guest, &general, "hey").await;
    c.refused(
        &c.guest,
        "edit_message",
        &[("message_id", id(&own)), ("content", "hey @everyone")],
        422,
    )
    .await;

    // A moderator and the owner may: it counts as a mention for everyone else.
    post(&c, &c.moderator, &general, "@everyone meeting at noon").await;
    assert_eq!(counts_in(&c, &c.guest, &general).await.1, 1);
    assert_eq!(counts_in(&c, &c.owner, &general).await.1, 1);
    assert_eq!(counts_in(&c, &c.moderator, &general).await.1, 0);
    // Everyone and a name in one message: one mention.
    let both = format!("@everyone, {} too", token(&c.guest_member));
    post(&c, &c.owner, &general, &both).await;
    assert_eq!(counts_in(&c, &c.guest, &general).await.1, 2);
    // Writing reads the channel (the owner's mention is read); words that only contain it
    // mention nobody.
    assert_eq!(counts_in(&c, &c.owner, &general).await.1, 0);
    assert_eq!(counts_in(&c, &c.moderator, &general).await.1, 1);
    post(&c, &c.guest, &general, "mail me@everyone.org").await;
    assert_eq!(counts_in(&c, &c.moderator, &general).await.1, 1);

    // Not in a direct conversation, whoever writes it.
    let dm = c.open_dm(&c.owner, &c.guest_member).await;
    let nonce = Uuid::new_v4().to_string();
    c.refused(
        &c.owner,
        "send_direct_message",
        &[
            ("conversation_id", dm.as_str()),
            ("content", "@everyone"),
            ("nonce", nonce.as_str()),
        ],
        422,
    )
    .await;
}

async fn only_members_of_the_server_can_be_mentioned(engine: Engine) {
    let c = Community::new(engine).await;
    // The outsider is a member of their own server only.
    let theirs = c.outsiders_server().await;
    let outsider_member = theirs["me"]["id"].as_str().unwrap().to_owned();
    let strangers = [
        outsider_member,
        Uuid::new_v4().to_string(),
        "not-a-member".to_owned(),
    ];
    for stranger in &strangers[..2] {
        let text = format!("hi {}", token(stranger));
        let nonce = Uuid::new_v4().to_string();
        let form = [
            ("channel_id", c.general.as_str()),
            ("content", text.as_str()),
            ("nonce", nonce.as_str()),
        ];
        c.refused(&c.owner, "send_message", &form, 422).await;
        let (_, body) = c.app.call(&c.owner, "send_message", &form).await;
        assert_eq!(
            body["message"],
            "You can only mention members of this server."
        );
    }
    // Malformed, it is only text.
    let plain = post(&c, &c.owner, &c.general, &token(&strangers[2])).await;
    assert_eq!(plain["content"], token(&strangers[2]).as_str());

    // A member who left can no longer be mentioned.
    c.app
        .ok(
            &c.guest,
            "leave_server",
            &[("server_id", c.server.as_str())],
        )
        .await;
    let text = token(&c.guest_member);
    let nonce = Uuid::new_v4().to_string();
    c.refused(
        &c.owner,
        "send_message",
        &[
            ("channel_id", c.general.as_str()),
            ("content", text.as_str()),
            ("nonce", nonce.as_str()),
        ],
        422,
    )
    .await;

    // At most twenty members in one message.
    let many: Vec<String> = (0..21)
        .map(|_| token(&Uuid::new_v4().to_string()))
        .collect();
    let text = many.join(" ");
    let nonce = Uuid::new_v4().to_string();
    let (status, body) = c
        .app
        .call(
            &c.owner,
            "send_message",
            &[
                ("channel_id", c.general.as_str()),
                ("content", text.as_str()),
                ("nonce", nonce.as_str()),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["message"], "A message can mention at most 20 members.");
}

/// The server's members hear who a new message mentions (for their notifications).
async fn the_activity_of_a_message_names_those_it_mentions(engine: Engine) {
    let c = Community::new(engine).await;
    let mut moderator = watching(&c, &c.moderator).await;
    let text = format!("{} look", token(&c.guest_member));
    let sent = post(&c, &c.owner, &c.general, &text).await;
    let heard = event(&mut moderator).await;
    assert_eq!(heard["type"], "ChannelActivity", "{heard}");
    assert_eq!(heard["data"]["message_id"], sent["id"]);
    let guest = c.app.me(Some(&c.guest)).await["id"].clone();
    assert_eq!(heard["data"]["mentioned"], json!([guest]));
    assert!(heard["data"].get("everyone").is_none(), "{heard}");

    post(&c, &c.moderator, &c.general, "@everyone").await;
    let heard = event(&mut moderator).await;
    assert_eq!(heard["data"]["everyone"], true, "{heard}");
    assert!(heard["data"].get("mentioned").is_none(), "{heard}");
}
