//! Reading history from a point: pages before, after and around a message, in both directions
//! until both ends; and how a thread opens at the first message its reader has not read.

use serde_json::Value;

use crate::communities::Community;
use crate::helpers::{Engine, Session, spawn_app_configured};
use crate::live::post;
use crate::on_both_engines;

/// Paging is under test here, not the send limit.
async fn community(engine: Engine) -> Community {
    let app = spawn_app_configured(engine, |s| s.rate_limits.push("send=1000/s".into())).await;
    Community::on(app).await
}

on_both_engines!(
    history_pages_around_a_message_in_both_directions,
    a_thread_opens_at_the_first_message_not_read,
);

/// The texts of a page, newest first, and its two cursors.
fn texts(page: &Value) -> Vec<&str> {
    page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect()
}

async fn page(c: &Community, who: &Session, form: &[(&str, &str)]) -> Value {
    let mut form = form.to_vec();
    form.push(("channel_id", c.general.as_str()));
    c.app.ok(who, "channel_history", &form).await
}

fn id(message: &Value) -> &str {
    message["id"].as_str().unwrap()
}

async fn history_pages_around_a_message_in_both_directions(engine: Engine) {
    let c = community(engine).await;
    let mut sent = Vec::new();
    for n in 0..25 {
        sent.push(post(&c, &c.owner, &c.general, &format!("m{n}")).await);
    }
    let around = page(&c, &c.guest, &[("around", id(&sent[10])), ("limit", "6")]).await;
    assert_eq!(texts(&around), ["m13", "m12", "m11", "m10", "m9", "m8"]);
    assert_eq!(around["before"], sent[8]["id"]);
    assert_eq!(around["after"], sent[13]["id"]);

    // Newer pages up to the present, where the cursor ends.
    let newer = page(&c, &c.guest, &[("after", id(&sent[13])), ("limit", "5")]).await;
    assert_eq!(texts(&newer), ["m18", "m17", "m16", "m15", "m14"]);
    assert_eq!(newer["after"], sent[18]["id"]);
    let last = page(&c, &c.guest, &[("after", id(&sent[18])), ("limit", "10")]).await;
    assert_eq!(texts(&last), ["m24", "m23", "m22", "m21", "m20", "m19"]);
    assert!(last.get("after").is_none(), "{last}");
    // Older pages down to the start.
    let older = page(&c, &c.guest, &[("before", id(&sent[8])), ("limit", "100")]).await;
    assert_eq!(
        texts(&older),
        ["m7", "m6", "m5", "m4", "m3", "m2", "m1", "m0"]
    );
    assert!(older["before"].is_null());
    // The newest: no cursor forward.
    let newest = page(&c, &c.guest, &[("limit", "2")]).await;
    assert_eq!(texts(&newest), ["m24", "m23"]);
    assert!(newest.get("after").is_none());

    // Around a message of another thread, or for someone outside: not found; two cursors at
    // once: refused.
    let random = c.new_channel(&c.owner, "random", "TEXT").await;
    let elsewhere = post(&c, &c.owner, &random, "elsewhere").await;
    let (status, _) = c
        .app
        .call(
            &c.guest,
            "channel_history",
            &[
                ("channel_id", c.general.as_str()),
                ("around", id(&elsewhere)),
            ],
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = c
        .app
        .call(
            &c.outsider,
            "channel_history",
            &[("channel_id", c.general.as_str()), ("around", id(&sent[3]))],
        )
        .await;
    assert_eq!(status, 404);
    let (status, body) = c
        .app
        .call(
            &c.guest,
            "channel_history",
            &[
                ("channel_id", c.general.as_str()),
                ("around", id(&sent[3])),
                ("before", id(&sent[5])),
            ],
        )
        .await;
    assert_eq!(status, 422, "{body}");
}

async fn opening(c: &Community, who: &Session, field: &str, thread: &str) -> Value {
    c.app
        .ok(who, "open_thread", &[(field, thread), ("limit", "30")])
        .await
}

async fn a_thread_opens_at_the_first_message_not_read(engine: Engine) {
    let c = community(engine).await;
    let general = c.general.clone();
    // Nothing unread: the newest page, no divider.
    post(&c, &c.guest, &general, "mine").await;
    let opened = opening(&c, &c.guest, "channel_id", &general).await;
    assert!(
        opened["first_unread"].is_null(),
        "one's own messages are read"
    );
    assert_eq!(texts(&opened["page"]), ["mine"]);

    // A few new ones: the newest page reaches them; the divider goes above the first.
    let mut sent = Vec::new();
    for n in 0..12 {
        sent.push(post(&c, &c.owner, &general, &format!("a{n}")).await);
    }
    let opened = opening(&c, &c.guest, "channel_id", &general).await;
    assert_eq!(opened["first_unread"], sent[0]["id"]);
    assert!(opened["page"].get("after").is_none());
    assert_eq!(opened["last_seq"], sent[11]["seq"]);

    // Read those; then more than a page arrives: the page is around the first new one, with a
    // few read ones above it and a cursor to page on towards the present.
    let seq = sent[11]["seq"].as_i64().unwrap().to_string();
    c.app
        .ok(
            &c.guest,
            "mark_read",
            &[("channel_id", general.as_str()), ("seq", seq.as_str())],
        )
        .await;
    let mut more = Vec::new();
    for n in 0..45 {
        more.push(post(&c, &c.owner, &general, &format!("b{n}")).await);
    }
    let opened = opening(&c, &c.guest, "channel_id", &general).await;
    assert_eq!(opened["first_unread"], more[0]["id"]);
    let shown = texts(&opened["page"]);
    assert_eq!(shown.len(), 30);
    assert_eq!(shown.last(), Some(&"a3"), "nine read ones above: {shown:?}");
    assert_eq!(shown[shown.len() - 10], "b0");
    assert_eq!(shown[0], "b20");
    assert_eq!(opened["page"]["after"], more[20]["id"]);
    assert_eq!(opened["last_seq"], more[44]["seq"]);

    // Opened at a message (a link, a notification): around it, the divider where it was.
    let at = more[30]["id"].as_str().unwrap();
    let opened = c
        .app
        .ok(
            &c.guest,
            "open_thread",
            &[
                ("channel_id", general.as_str()),
                ("at", at),
                ("limit", "10"),
            ],
        )
        .await;
    assert_eq!(
        texts(&opened["page"]),
        [
            "b35", "b34", "b33", "b32", "b31", "b30", "b29", "b28", "b27", "b26"
        ]
    );
    assert_eq!(opened["first_unread"], more[0]["id"]);
    let elsewhere = c.new_channel(&c.owner, "elsewhere", "TEXT").await;
    let (status, _) = c
        .app
        .call(
            &c.guest,
            "open_thread",
            &[("channel_id", elsewhere.as_str()), ("at", at)],
        )
        .await;
    assert_eq!(status, 404, "a message of another channel");

    // In a conversation, the same; and only its two people may open it.
    let dm = c.open_dm(&c.moderator, &c.guest_member).await;
    let first = c.dm(&c.moderator, &dm, "psst").await;
    let opened = opening(&c, &c.guest, "conversation_id", &dm).await;
    assert_eq!(opened["first_unread"], first["id"]);
    let (status, _) = c
        .app
        .call(&c.owner, "open_thread", &[("conversation_id", dm.as_str())])
        .await;
    assert_eq!(status, 404);
}
