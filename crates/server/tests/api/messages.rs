//! Channel messages over real HTTP: permissions per role, idempotent sends, soft deletes, exact
//! paging and changes-since.

use std::collections::HashSet;

use serde_json::Value;
use uuid::Uuid;

use crate::communities::Community;
use crate::helpers::{Engine, Session, spawn_app_configured};
use crate::on_both_engines;

impl Community {
    async fn send(&self, who: &Session, text: &str) -> Value {
        let nonce = Uuid::new_v4().to_string();
        self.app
            .ok(
                who,
                "send_message",
                &[
                    ("channel_id", &self.general),
                    ("content", text),
                    ("nonce", &nonce),
                ],
            )
            .await
    }

    async fn history(&self, who: &Session, before: Option<&str>, limit: &str) -> Value {
        let mut form = vec![("channel_id", self.general.as_str()), ("limit", limit)];
        if let Some(b) = before {
            form.push(("before", b));
        }
        self.app.ok(who, "channel_history", &form).await
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

on_both_engines!(
    members_send_and_read_but_outsiders_cannot,
    a_retried_send_returns_the_first_message,
    only_authors_edit_and_staff_or_authors_delete,
    deleted_messages_keep_their_row_with_the_notice,
    history_pages_are_exact_while_messages_arrive,
    changes_since_returns_exactly_what_changed,
    bad_messages_are_refused_and_store_nothing,
    a_departed_members_messages_stay_and_they_can_come_back,
    a_send_names_its_author_as_history_does,
);

async fn members_send_and_read_but_outsiders_cannot(engine: Engine) {
    let c = Community::new(engine).await;
    let sent = c.send(&c.guest, "  hello there  ").await;
    assert_eq!(sent["content"], "hello there");
    assert_eq!(sent["author"]["name"], "Gus Guest");
    assert_eq!(sent["seq"], 1);
    let page = c.history(&c.owner, None, "30").await;
    assert_eq!(page["messages"][0]["id"], sent["id"]);
    assert!(page["before"].is_null());

    let nonce = Uuid::new_v4().to_string();
    for (endpoint, form) in [
        (
            "send_message",
            vec![
                ("channel_id", c.general.as_str()),
                ("content", "let me in"),
                ("nonce", nonce.as_str()),
            ],
        ),
        ("channel_history", vec![("channel_id", c.general.as_str())]),
        (
            "channel_changes",
            vec![("channel_id", c.general.as_str()), ("since", "0")],
        ),
        (
            "edit_message",
            vec![
                ("message_id", sent["id"].as_str().unwrap()),
                ("content", "mine now"),
            ],
        ),
        (
            "delete_message",
            vec![("message_id", sent["id"].as_str().unwrap())],
        ),
    ] {
        let (status, body) = c.app.call(&c.outsider, endpoint, &form).await;
        assert_eq!(status, 404, "{endpoint}: {body}");
    }
    assert_eq!(c.app.count("message").await, 1);

    // A kicked member loses the channel at once.
    c.kick(&c.moderator_member).await;
    let (status, _) = c
        .app
        .call(
            &c.moderator,
            "channel_history",
            &[("channel_id", &c.general)],
        )
        .await;
    assert_eq!(status, 404);
}

/// A send's answer builds its author from the session and the membership it checked; history
/// reads the author from the database: the two agree, role included, for every role.
async fn a_send_names_its_author_as_history_does(engine: Engine) {
    let c = Community::new(engine).await;
    let mut sent = Vec::new();
    for who in [&c.owner, &c.moderator, &c.guest] {
        sent.push(c.send(who, "who am I").await);
    }
    let roles: Vec<&Value> = sent.iter().map(|m| &m["author"]["role"]).collect();
    assert_eq!(roles, ["Admin", "Moderator", "Guest"]);
    let page = c.history(&c.owner, None, "30").await;
    let read: Vec<&Value> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|m| &m["author"])
        .collect();
    let answered: Vec<&Value> = sent.iter().map(|m| &m["author"]).collect();
    assert_eq!(read, answered);
}

async fn a_retried_send_returns_the_first_message(engine: Engine) {
    let c = Community::new(engine).await;
    let nonce = Uuid::new_v4().to_string();
    let form = [
        ("channel_id", c.general.as_str()),
        ("content", "only once"),
        ("nonce", nonce.as_str()),
    ];
    let first = c.app.ok(&c.guest, "send_message", &form).await;
    let again = c.app.ok(&c.guest, "send_message", &form).await;
    assert_eq!(first, again);
    assert_eq!(first["nonce"], nonce.as_str());
    assert_eq!(c.app.count("message").await, 1);
    // Concurrent retries of the same send still make one row.
    let nonce = Uuid::new_v4().to_string();
    let form = [
        ("channel_id", c.general.as_str()),
        ("content", "racing"),
        ("nonce", nonce.as_str()),
    ];
    let (a, b, d) = tokio::join!(
        c.app.call(&c.guest, "send_message", &form),
        c.app.call(&c.guest, "send_message", &form),
        c.app.call(&c.guest, "send_message", &form),
    );
    for (status, body) in [&a, &b, &d] {
        assert_eq!(*status, 200, "{body}");
    }
    assert_eq!(a.1["id"], b.1["id"]);
    assert_eq!(a.1["id"], d.1["id"]);
    assert_eq!(c.app.count("message").await, 2);
}

async fn only_authors_edit_and_staff_or_authors_delete(engine: Engine) {
    let c = Community::new(engine).await;
    let by_guest = id(&c.send(&c.guest, "guest words").await);
    let by_owner = id(&c.send(&c.owner, "owner words").await);

    // Editing: the author only, whatever the others' roles.
    for who in [&c.owner, &c.moderator] {
        let (status, _) = c
            .app
            .call(
                who,
                "edit_message",
                &[("message_id", &by_guest), ("content", "x")],
            )
            .await;
        assert_eq!(status, 403);
    }
    let edited = c
        .app
        .ok(
            &c.guest,
            "edit_message",
            &[("message_id", &by_guest), ("content", "better words")],
        )
        .await;
    assert_eq!(edited["content"], "better words");
    assert_eq!(edited["edited"], true);
    // History shows that message edited, and only that one.
    let page = c.history(&c.owner, None, "10").await;
    let shown = |id: &str| {
        let messages = page["messages"].as_array().unwrap();
        messages.iter().find(|m| m["id"] == id).unwrap().clone()
    };
    assert_eq!(shown(&by_guest)["content"], "better words");
    assert_eq!(shown(&by_guest)["edited"], true);
    assert_ne!(shown(&by_owner)["edited"], true);

    // Deleting: the author, a moderator or an admin; a guest not on others' messages.
    let (status, _) = c
        .app
        .call(&c.guest, "delete_message", &[("message_id", &by_owner)])
        .await;
    assert_eq!(status, 403);
    c.app
        .ok(&c.moderator, "delete_message", &[("message_id", &by_guest)])
        .await;
    let own = id(&c.send(&c.guest, "again").await);
    c.app
        .ok(&c.guest, "delete_message", &[("message_id", &own)])
        .await;
    let mod_msg = id(&c.send(&c.moderator, "mod words").await);
    c.app
        .ok(&c.owner, "delete_message", &[("message_id", &mod_msg)])
        .await;
}

async fn deleted_messages_keep_their_row_with_the_notice(engine: Engine) {
    let c = Community::new(engine).await;
    let sent = id(&c.send(&c.guest, "regrettable").await);
    let deleted = c
        .app
        .ok(&c.guest, "delete_message", &[("message_id", &sent)])
        .await;
    assert_eq!(deleted["content"], "This message has been deleted.");
    assert_eq!(deleted["deleted"], true);
    assert!(deleted["file_url"].is_null());
    assert_eq!(c.app.count("message").await, 1, "the row stays");
    let (status, _) = c
        .app
        .call(
            &c.guest,
            "edit_message",
            &[("message_id", &sent), ("content", "undo")],
        )
        .await;
    assert_eq!(status, 422, "a deleted message cannot be edited");
    let page = c.history(&c.owner, None, "10").await;
    assert_eq!(
        page["messages"][0]["content"],
        "This message has been deleted."
    );
}

async fn history_pages_are_exact_while_messages_arrive(engine: Engine) {
    // Paging is under test here, not the send limit: 40 messages go out as fast as they can.
    let app = spawn_app_configured(engine, |s| s.rate_limits.push("send=1000/s".into())).await;
    let c = Community::on(app).await;
    let mut sent = Vec::new();
    for i in 0..25 {
        sent.push(id(&c.send(&c.guest, &format!("m{i}")).await));
    }
    // Page backwards 7 at a time while another member keeps posting at the same time.
    let writer = async {
        for i in 0..15 {
            c.send(&c.moderator, &format!("during {i}")).await;
        }
    };
    let reader = async {
        let mut seen = Vec::new();
        let mut before: Option<String> = None;
        for _ in 0..20 {
            let page = c.history(&c.owner, before.as_deref(), "7").await;
            for m in page["messages"].as_array().unwrap() {
                seen.push(m["id"].as_str().unwrap().to_owned());
            }
            match page["before"].as_str() {
                Some(b) => before = Some(b.to_owned()),
                None => return seen,
            }
        }
        panic!("paging must end");
    };
    let ((), seen) = tokio::join!(writer, reader);

    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no message twice");
    let old: HashSet<&String> = sent.iter().collect();
    let first_old = seen.iter().position(|m| old.contains(m)).unwrap();
    assert!(
        seen[..first_old].iter().all(|m| !old.contains(m)),
        "new messages only ahead of the old"
    );
    let newest_first: Vec<String> = sent.iter().rev().cloned().collect();
    assert_eq!(
        seen[first_old..],
        newest_first[..],
        "every earlier message once, newest first"
    );
    let (status, _) = c
        .app
        .call(
            &c.owner,
            "channel_history",
            &[("channel_id", &c.general), ("limit", "1000")],
        )
        .await;
    assert_eq!(status, 200, "a too-large page is clamped, not refused");
}

async fn changes_since_returns_exactly_what_changed(engine: Engine) {
    let c = Community::new(engine).await;
    let a = id(&c.send(&c.guest, "a").await);
    let b = id(&c.send(&c.guest, "b").await);
    let changes = c
        .app
        .ok(
            &c.owner,
            "channel_changes",
            &[("channel_id", &c.general), ("since", "0")],
        )
        .await;
    assert_eq!(changes["last_seq"], 2);
    let mark = changes["last_seq"].as_i64().unwrap().to_string();

    let d = id(&c.send(&c.guest, "d").await);
    c.app
        .ok(
            &c.guest,
            "edit_message",
            &[("message_id", &a), ("content", "a2")],
        )
        .await;
    c.app
        .ok(&c.guest, "delete_message", &[("message_id", &b)])
        .await;
    let changes = c
        .app
        .ok(
            &c.owner,
            "channel_changes",
            &[("channel_id", &c.general), ("since", &mark)],
        )
        .await;
    let got: Vec<(String, i64)> = changes["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap().to_owned(),
                m["seq"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![(d, 3), (a, 4), (b, 5)],
        "each changed message once, in sequence order"
    );
    assert_eq!(changes["last_seq"], 5);
    assert_eq!(changes["more"], false);
    let none = c
        .app
        .ok(
            &c.owner,
            "channel_changes",
            &[("channel_id", &c.general), ("since", "5")],
        )
        .await;
    assert!(none["messages"].as_array().unwrap().is_empty());
    assert_eq!(none["last_seq"], 5);
}

async fn bad_messages_are_refused_and_store_nothing(engine: Engine) {
    let c = Community::new(engine).await;
    let long = "x".repeat(2001);
    let nonce = Uuid::new_v4().to_string();
    for (form, status) in [
        (
            vec![
                ("channel_id", c.general.as_str()),
                ("content", "   "),
                ("nonce", nonce.as_str()),
            ],
            422,
        ),
        (
            vec![
                ("channel_id", c.general.as_str()),
                ("content", long.as_str()),
                ("nonce", nonce.as_str()),
            ],
            422,
        ),
        (
            vec![
                ("channel_id", c.general.as_str()),
                ("content", "hi"),
                ("nonce", "not-a-uuid"),
            ],
            400,
        ),
        (
            vec![("channel_id", c.general.as_str()), ("content", "hi")],
            400,
        ),
        (
            vec![
                ("channel_id", c.general.as_str()),
                ("content", "see"),
                ("file_url", "https://evil.example/x.png"),
                ("nonce", nonce.as_str()),
            ],
            422,
        ),
    ] {
        let (got, body) = c.app.call(&c.guest, "send_message", &form).await;
        assert_eq!(got, status, "{form:?}: {body}");
    }
    assert_eq!(c.app.count("message").await, 0);
}

async fn a_departed_members_messages_stay_and_they_can_come_back(engine: Engine) {
    let c = Community::new(engine).await;
    let said = c.send(&c.guest, "I was here").await;
    let mark = said["seq"].as_i64().unwrap().to_string();
    c.kick(&c.guest_member).await;
    let page = c.history(&c.owner, None, "10").await;
    assert_eq!(page["messages"][0]["id"], said["id"], "the message stays");
    assert_eq!(page["messages"][0]["author"]["name"], "Gus Guest");
    let changes = c
        .app
        .ok(
            &c.owner,
            "channel_changes",
            &[("channel_id", &c.general), ("since", &mark)],
        )
        .await;
    assert!(
        changes["messages"].as_array().unwrap().is_empty(),
        "nothing vanished behind the sequence"
    );
    let members = c.details(&c.owner).await["members"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(members, 2, "but the member list no longer shows them");

    // Following a fresh invite brings the same membership back, as a guest.
    let code = c.invite_code().await;
    c.app.ok(&c.guest, "join_server", &[("code", &code)]).await;
    let back = c.details(&c.guest).await;
    assert_eq!(back["me"]["id"].as_str().unwrap(), c.guest_member);
    assert_eq!(back["me"]["role"], "Guest");
}
