//! Direct conversations: one per pair, only the two members read or write, the channel rules
//! for edits and deletes, and live delivery to the participants only.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::communities::Community;
use crate::helpers::{Engine, Session};
use crate::live::{connect, event, send, subscribe};
use crate::on_both_engines;

impl Community {
    pub async fn open_dm(&self, who: &Session, with_member: &str) -> String {
        let c = self
            .app
            .ok(
                who,
                "open_conversation",
                &[("server_id", &self.server), ("member_id", with_member)],
            )
            .await;
        c["id"].as_str().unwrap().to_owned()
    }

    pub async fn dm(&self, who: &Session, conversation: &str, text: &str) -> Value {
        let nonce = Uuid::new_v4().to_string();
        self.app
            .ok(
                who,
                "send_direct_message",
                &[
                    ("conversation_id", conversation),
                    ("content", text),
                    ("nonce", &nonce),
                ],
            )
            .await
    }
}

on_both_engines!(
    a_pair_has_one_conversation_whoever_opens_it,
    only_the_two_members_read_and_write,
    direct_messages_follow_the_channel_rules,
    participants_get_direct_messages_live_and_no_one_else,
    attachments_are_images_or_pdfs_up_to_8_mb,
);

async fn a_pair_has_one_conversation_whoever_opens_it(engine: Engine) {
    let c = Community::new(engine).await;
    let from_guest = c.open_dm(&c.guest, &c.moderator_member).await;
    let from_moderator = c.open_dm(&c.moderator, &c.guest_member).await;
    assert_eq!(from_guest, from_moderator);
    // Both at once still make one row.
    let from_owner = [
        ("server_id", c.server.as_str()),
        ("member_id", c.guest_member.as_str()),
    ];
    let from_guest = [
        ("server_id", c.server.as_str()),
        ("member_id", c.owner_member.as_str()),
    ];
    let (a, b) = tokio::join!(
        c.app.call(&c.owner, "open_conversation", &from_owner),
        c.app.call(&c.guest, "open_conversation", &from_guest),
    );
    assert_eq!((a.0, b.0), (200, 200), "{a:?} {b:?}");
    assert_eq!(a.1["id"], b.1["id"]);
    assert_eq!(a.1["other"]["name"], "Gus Guest");
    assert_eq!(c.app.count("conversation").await, 2);

    let (status, _) = c
        .app
        .call(
            &c.guest,
            "open_conversation",
            &[("server_id", &c.server), ("member_id", &c.guest_member)],
        )
        .await;
    assert_eq!(status, 422, "not with yourself");
    let (status, _) = c
        .app
        .call(
            &c.outsider,
            "open_conversation",
            &[("server_id", &c.server), ("member_id", &c.guest_member)],
        )
        .await;
    assert_eq!(status, 404, "not from outside the server");
}

async fn only_the_two_members_read_and_write(engine: Engine) {
    let c = Community::new(engine).await;
    let conversation = c.open_dm(&c.guest, &c.moderator_member).await;
    let sent = c.dm(&c.guest, &conversation, "just between us").await;
    let page = c
        .app
        .ok(
            &c.moderator,
            "conversation_history",
            &[("conversation_id", &conversation)],
        )
        .await;
    assert_eq!(page["messages"][0]["id"], sent["id"]);

    // The owner is an admin of the server but not in this conversation: not found, nothing written.
    let nonce = Uuid::new_v4().to_string();
    for who in [&c.owner, &c.outsider] {
        for (endpoint, form) in [
            (
                "conversation_history",
                vec![("conversation_id", conversation.as_str())],
            ),
            (
                "conversation_changes",
                vec![("conversation_id", conversation.as_str()), ("since", "0")],
            ),
            (
                "send_direct_message",
                vec![
                    ("conversation_id", conversation.as_str()),
                    ("content", "hi"),
                    ("nonce", nonce.as_str()),
                ],
            ),
            (
                "delete_direct_message",
                vec![("message_id", sent["id"].as_str().unwrap())],
            ),
        ] {
            let (status, body) = c.app.call(who, endpoint, &form).await;
            assert_eq!(status, 404, "{endpoint}: {body}");
        }
    }
    assert_eq!(c.app.count("direct_message").await, 1);

    // Kicked from the server: the conversation is gone for them too.
    c.kick(&c.guest_member).await;
    let (status, _) = c
        .app
        .call(
            &c.guest,
            "conversation_history",
            &[("conversation_id", &conversation)],
        )
        .await;
    assert_eq!(status, 404);
}

async fn direct_messages_follow_the_channel_rules(engine: Engine) {
    let c = Community::new(engine).await;
    let with_guest = c.open_dm(&c.moderator, &c.guest_member).await;
    let by_guest = c.dm(&c.guest, &with_guest, "from the guest").await;
    let by_mod = c.dm(&c.moderator, &with_guest, "from the moderator").await;
    let id = |m: &Value| m["id"].as_str().unwrap().to_owned();

    let (status, _) = c
        .app
        .call(
            &c.moderator,
            "edit_direct_message",
            &[("message_id", &id(&by_guest)), ("content", "x")],
        )
        .await;
    assert_eq!(status, 403, "only the author edits");
    let edited = c
        .app
        .ok(
            &c.guest,
            "edit_direct_message",
            &[("message_id", &id(&by_guest)), ("content", "edited")],
        )
        .await;
    assert_eq!(edited["edited"], true);

    let (status, _) = c
        .app
        .call(
            &c.guest,
            "delete_direct_message",
            &[("message_id", &id(&by_mod))],
        )
        .await;
    assert_eq!(status, 403, "a guest deletes only their own");
    // In a conversation nobody but the author deletes, staff of the server included.
    let before = c.app.count("direct_message WHERE deleted").await;
    let (status, _) = c
        .app
        .call(
            &c.moderator,
            "delete_direct_message",
            &[("message_id", &id(&by_guest))],
        )
        .await;
    assert_eq!(
        status, 403,
        "a moderator cannot delete the guest's direct message"
    );
    assert_eq!(c.app.count("direct_message WHERE deleted").await, before);
    let deleted = c
        .app
        .ok(
            &c.guest,
            "delete_direct_message",
            &[("message_id", &id(&by_guest))],
        )
        .await;
    assert_eq!(deleted["content"], "This message has been deleted.");

    // Retried sends are idempotent; changes-since is exact.
    let nonce = Uuid::new_v4().to_string();
    let form = [
        ("conversation_id", with_guest.as_str()),
        ("content", "once"),
        ("nonce", nonce.as_str()),
    ];
    let first = c.app.ok(&c.guest, "send_direct_message", &form).await;
    assert_eq!(
        c.app.ok(&c.guest, "send_direct_message", &form).await,
        first
    );
    let changes = c
        .app
        .ok(
            &c.guest,
            "conversation_changes",
            &[("conversation_id", &with_guest), ("since", "2")],
        )
        .await;
    let seqs: Vec<i64> = changes["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["seq"].as_i64().unwrap())
        .collect();
    // The guest's message was edited (3) then deleted (4): it appears once, at its latest number.
    assert_eq!(seqs, vec![4, 5], "the deleted message, then the new one");
}

async fn participants_get_direct_messages_live_and_no_one_else(engine: Engine) {
    let c = Community::new(engine).await;
    let conversation = c.open_dm(&c.guest, &c.moderator_member).await;
    let topic = json!({"kind": "Conversation", "id": conversation});
    let mut moderator = connect(&c.app, Some(&c.moderator)).await.unwrap();
    assert_eq!(
        subscribe(&mut moderator, topic.clone()).await["type"],
        "Subscribed"
    );
    let mut owner = connect(&c.app, Some(&c.owner)).await.unwrap();
    assert_eq!(subscribe(&mut owner, topic.clone()).await["type"], "Error");

    let sent = c.dm(&c.guest, &conversation, "psst").await;
    // The message on the conversation's topic, and its announcement on the moderator's own
    // (for their unread marks), in no fixed order.
    let mut got = [event(&mut moderator).await, event(&mut moderator).await];
    got.sort_by_key(|e| e["type"].as_str().unwrap_or_default().to_owned());
    assert_eq!(got[0]["type"], "DirectActivity");
    assert_eq!(got[0]["data"]["conversation_id"], conversation.as_str());
    let got = &got[1];
    assert_eq!(got["type"], "MessageCreated");
    assert_eq!(got["data"]["thread"], topic);
    assert_eq!(got["data"]["message"]["id"], sent["id"]);
    send(&mut owner, json!({"type": "Ping"})).await;
    assert_eq!(event(&mut owner).await["type"], "Pong");
}

async fn attachments_are_images_or_pdfs_up_to_8_mb(engine: Engine) {
    use reqwest::header::COOKIE;
    use reqwest::multipart::{Form, Part};
    let c = Community::new(engine).await;
    let upload = |bytes: Vec<u8>| {
        let part = Part::bytes(bytes)
            .file_name("doc.pdf")
            .mime_str("application/pdf")
            .unwrap();
        c.app
            .http
            .post(c.app.url("/api/upload_attachment"))
            .header(COOKIE, c.guest.cookie())
            .multipart(Form::new().part("file", part))
            .send()
    };
    let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".to_vec();
    let response = upload(pdf.clone()).await.unwrap();
    assert_eq!(response.status(), 200);
    let url: String = response.json().await.unwrap();
    assert!(url.ends_with(".pdf"), "{url}");
    let served = c.app.get(&url, Some(&c.guest)).await;
    assert_eq!(served.headers()["content-type"], "application/pdf");
    assert_eq!(served.headers()["content-disposition"], "attachment");
    assert_eq!(
        served.headers()["content-security-policy"],
        "sandbox; default-src 'none'"
    );

    // A file-only message needs no text.
    let nonce = Uuid::new_v4().to_string();
    let sent = c
        .app
        .ok(
            &c.guest,
            "send_message",
            &[
                ("channel_id", &c.general),
                ("content", ""),
                ("file_url", &url),
                ("nonce", &nonce),
            ],
        )
        .await;
    assert_eq!(sent["file_url"], url.as_str());

    let too_big = [pdf, vec![b' '; 8 * 1024 * 1024]].concat();
    assert_eq!(upload(too_big).await.unwrap().status(), 422);
    assert_eq!(
        upload(b"#!/bin/sh\necho hi\n".to_vec())
            .await
            .unwrap()
            .status(),
        422
    );
}
