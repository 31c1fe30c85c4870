//! Message search: only what the searcher may read now (never an outsider's server, another
//! pair's direct messages, a deleted message, or anything after being removed), matching every
//! whole word and every filter, newest first, page after page without a repeat.

use serde_json::Value;
use uuid::Uuid;

use crate::communities::Community;
use crate::file_access::attach;
use crate::files::PNG;
use crate::helpers::{Engine, Session, spawn_app_configured};
use crate::live::post;
use crate::migrations::since;
use crate::on_both_engines;

on_both_engines!(
    search_finds_only_what_the_searcher_may_read,
    filters_narrow_what_is_found,
    pages_walk_every_hit_once_newest_first,
    bad_searches_are_refused_in_words,
    messages_written_before_the_index_are_found,
);

/// What `who` finds with `query` (UTC days), page after `cursor`: the whole answer.
async fn search(c: &Community, who: &Session, query: &str, cursor: Option<&str>) -> Value {
    let mut form = vec![("query", query), ("utc_offset_minutes", "0")];
    if let Some(cursor) = cursor {
        form.push(("cursor", cursor));
    }
    c.app.ok(who, "search_messages", &form).await
}

/// The text of each hit `who` finds with `query`, first page.
async fn found(c: &Community, who: &Session, query: &str) -> Vec<String> {
    texts(&search(c, who, query, None).await)
}

fn texts(page: &Value) -> Vec<String> {
    page["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["message"]["content"].as_str().unwrap().to_owned())
        .collect()
}

/// A community whose people may search (and send) faster than the default rates allow.
async fn roomy(engine: Engine) -> Community {
    let app = spawn_app_configured(engine, |s| {
        s.rate_limits.push("search=100/s:100".into());
        s.rate_limits.push("send=100/s:100".into());
    })
    .await;
    Community::on(app).await
}

async fn search_finds_only_what_the_searcher_may_read(engine: Engine) {
    let c = roomy(engine).await;
    post(&c, &c.guest, &c.general, "The deploy plan for Friday").await;
    let later = post(&c, &c.moderator, &c.general, "deploy later, sorry").await;
    let gone = post(&c, &c.guest, &c.general, "deploy secrets by mistake").await;
    c.app
        .ok(&c.guest, "delete_message", &[("message_id", id(&gone))])
        .await;
    let theirs = c.open_dm(&c.guest, &c.moderator_member).await;
    c.dm(&c.guest, &theirs, "our **deploy** keys").await;
    let others = c.open_dm(&c.owner, &c.moderator_member).await;
    c.dm(&c.owner, &others, "owner deploy note").await;
    // An outsider's own server, with its own general channel.
    let details = c.outsiders_server().await;
    let their_general = details["channels"][0]["id"].as_str().unwrap().to_owned();
    post(&c, &c.outsider, &their_general, "deploy elsewhere").await;

    // Newest first; whole words in any case, through formatting; not a word's beginning.
    let page = search(&c, &c.guest, "DEPLOY", None).await;
    assert_eq!(
        texts(&page),
        [
            "our **deploy** keys",
            "deploy later, sorry",
            "The deploy plan for Friday"
        ]
    );
    assert_eq!(page["words"], serde_json::json!(["deploy"]));
    assert!(page["next"].is_null());
    let hits = page["hits"].as_array().unwrap();
    assert_eq!(hits[0]["excerpt"], "our deploy keys");
    let dm = &hits[0]["place"]["Conversation"];
    assert_eq!(dm["with_name"], "Max Moderator");
    assert_eq!(dm["server_id"].as_str(), Some(c.server.as_str()));
    let channel = &hits[1]["place"]["Channel"];
    assert_eq!(channel["channel_name"], "general");
    assert_eq!(channel["server_name"], "Rustaceans");
    assert_eq!(hits[1]["message"]["author"]["name"], "Max Moderator");

    assert_eq!(found(&c, &c.outsider, "deploy").await, ["deploy elsewhere"]);
    assert_eq!(
        found(&c, &c.owner, "deploy").await,
        [
            "owner deploy note",
            "deploy later, sorry",
            "The deploy plan for Friday"
        ]
    );
    assert!(found(&c, &c.guest, "secrets").await.is_empty(), "deleted");
    assert_eq!(
        found(&c, &c.guest, "plan friday").await.len(),
        1,
        "every word"
    );
    assert!(found(&c, &c.guest, "depl").await.is_empty(), "whole words");
    assert!(found(&c, &c.guest, "plan sunday").await.is_empty());

    // An edit is found by its new words only.
    c.app
        .ok(
            &c.moderator,
            "edit_message",
            &[("message_id", id(&later)), ("content", "shipping later")],
        )
        .await;
    assert_eq!(found(&c, &c.guest, "Shipping").await, ["shipping later"]);
    assert_eq!(found(&c, &c.guest, "deploy").await.len(), 2);

    // Removed from the server, the guest finds nothing there, nor in its direct messages.
    c.kick(&c.guest_member).await;
    assert!(found(&c, &c.guest, "deploy").await.is_empty());
    let (status, _) = c
        .app
        .call_anonymously(
            "search_messages",
            &[("query", "deploy"), ("utc_offset_minutes", "0")],
        )
        .await;
    assert_eq!(status, 401);
}

fn id(message: &Value) -> &str {
    message["id"].as_str().unwrap()
}

async fn filters_narrow_what_is_found(engine: Engine) {
    let c = roomy(engine).await;
    let random = c.new_channel(&c.owner, "random", "TEXT").await;
    post(&c, &c.guest, &c.general, "release notes draft").await;
    post(&c, &c.moderator, &random, "release party").await;
    let url = attach(&c.app, &c.guest, PNG.to_vec()).await.unwrap();
    let nonce = Uuid::new_v4().to_string();
    c.app
        .ok(
            &c.guest,
            "send_message",
            &[
                ("channel_id", &random),
                ("content", "release diagram"),
                ("file_url", &url),
                ("nonce", &nonce),
            ],
        )
        .await;
    let dm = c.open_dm(&c.guest, &c.moderator_member).await;
    c.dm(&c.moderator, &dm, "release in a DM").await;

    let all = found(&c, &c.guest, "release").await;
    assert_eq!(all.len(), 4);
    assert_eq!(
        found(&c, &c.guest, "release from:max").await,
        ["release in a DM", "release party"]
    );
    assert_eq!(
        found(&c, &c.guest, r#"from:"gus guest""#).await,
        ["release diagram", "release notes draft"]
    );
    assert_eq!(
        found(&c, &c.guest, "release in:#random").await,
        ["release diagram", "release party"]
    );
    assert_eq!(
        found(&c, &c.guest, "in:random from:max").await,
        ["release party"]
    );
    assert_eq!(found(&c, &c.guest, "has:file").await, ["release diagram"]);
    assert!(found(&c, &c.guest, "release in:nowhere").await.is_empty());
    assert!(found(&c, &c.guest, "from:nobody").await.is_empty());

    // Days, in the searcher's calendar.
    let today = chrono::Utc::now().date_naive();
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let (yesterday, tomorrow) = (today.pred_opt().unwrap(), today.succ_opt().unwrap());
    assert_eq!(
        found(&c, &c.guest, &format!("release after:{}", day(yesterday))).await,
        all
    );
    assert_eq!(
        found(&c, &c.guest, &format!("release before:{}", day(tomorrow))).await,
        all
    );
    assert!(
        found(&c, &c.guest, &format!("release before:{}", day(today)))
            .await
            .is_empty()
    );
    assert!(
        found(&c, &c.guest, &format!("release after:{}", day(today)))
            .await
            .is_empty()
    );
}

async fn pages_walk_every_hit_once_newest_first(engine: Engine) {
    let c = roomy(engine).await;
    let dm = c.open_dm(&c.guest, &c.moderator_member).await;
    // Channel and direct messages interleaved, and messages that do not match between them.
    let mut expected = Vec::new();
    for n in 0..60 {
        let text = format!("item {n}");
        if n % 3 == 0 {
            c.dm(&c.moderator, &dm, &text).await;
        } else {
            post(&c, &c.guest, &c.general, &text).await;
        }
        post(&c, &c.owner, &c.general, "unrelated").await;
        expected.insert(0, text);
    }

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..5 {
        let page = search(&c, &c.guest, "item", cursor.as_deref()).await;
        let texts = texts(&page);
        assert!(texts.len() <= 25);
        seen.extend(texts);
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, expected);

    // A forged cursor is refused in words.
    let (status, body) = c
        .app
        .call(
            &c.guest,
            "search_messages",
            &[
                ("query", "item"),
                ("utc_offset_minutes", "0"),
                ("cursor", "1.x|*"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("out of date"), "{body}");
}

async fn bad_searches_are_refused_in_words(engine: Engine) {
    let c = Community::new(engine).await;
    post(&c, &c.guest, &c.general, "something").await;
    for (query, words) in [
        ("", "Type a word"),
        ("?!", "Type a word"),
        ("x before:yesterday", "YYYY-MM-DD"),
        ("has:link", "has:file"),
    ] {
        let (status, body) = c
            .app
            .call(
                &c.guest,
                "search_messages",
                &[("query", query), ("utc_offset_minutes", "0")],
            )
            .await;
        assert_eq!(status, 422, "{query}: {body}");
        assert!(body.to_string().contains(words), "{query}: {body}");
    }
    let (status, _) = c
        .app
        .call(
            &c.guest,
            "search_messages",
            &[("query", "something"), ("utc_offset_minutes", "100000")],
        )
        .await;
    assert_eq!(status, 422);

    // Each page counts against the search rate: a burst of ten, then refusals.
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let (status, _) = c
            .app
            .call(
                &c.guest,
                "search_messages",
                &[("query", "something"), ("utc_offset_minutes", "0")],
            )
            .await;
        statuses.push(status);
    }
    assert!(statuses.contains(&429), "{statuses:?}");
}

async fn messages_written_before_the_index_are_found(engine: Engine) {
    use migration::{Migrator, MigratorTrait};
    let c = roomy(engine).await;
    post(&c, &c.guest, &c.general, "an old announcement").await;
    let gone = post(&c, &c.guest, &c.general, "an old mistake").await;
    c.app
        .ok(&c.guest, "delete_message", &[("message_id", id(&gone))])
        .await;
    let dm = c.open_dm(&c.guest, &c.moderator_member).await;
    c.dm(&c.moderator, &dm, "an old whisper").await;

    // Back to before the index, and forward: the migration indexes what is there (deleted
    // messages left out), and the index follows writes again.
    Migrator::down(&c.app.db, Some(since("m20261128_000006_search")))
        .await
        .unwrap();
    Migrator::up(&c.app.db, None).await.unwrap();
    assert_eq!(
        found(&c, &c.guest, "old").await,
        ["an old whisper", "an old announcement"]
    );
    post(&c, &c.owner, &c.general, "a new old thing").await;
    assert_eq!(found(&c, &c.guest, "old").await.len(), 3);
}
