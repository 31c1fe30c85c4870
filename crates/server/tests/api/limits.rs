//! Abuse limits over real HTTP: each refusal is a 429 with `Retry-After`, changes nothing, and the
//! same request succeeds once the wait is over. Client addresses come from the connection, or
//! from forwarding headers only when the connection is a trusted proxy.

use std::time::Duration;

use reqwest::header::{COOKIE, RETRY_AFTER};
use serde_json::json;
use uuid::Uuid;

use crate::communities::Community;
use crate::helpers::{Engine, TestApp, session_from, spawn_app_configured};
use crate::live::{self, channel, connect, event, subscribe};
use crate::on_both_engines;

on_both_engines!(
    sign_ups_are_limited_per_address_and_recover_after_the_wait,
    sign_ins_are_limited_per_email_across_addresses,
    forwarding_headers_count_only_from_trusted_proxies,
    over_long_passwords_are_refused_before_any_hashing,
    sends_are_limited_per_account_and_store_nothing_when_refused,
    creating_servers_is_limited_per_account,
    starting_conversations_is_limited_but_reopening_one_is_not,
    upload_volume_is_limited_per_account,
    an_account_holds_a_bounded_number_of_sockets,
    signing_out_closes_the_sessions_sockets,
    leaving_tells_the_server_and_ends_the_leavers_follows,
    oversized_bodies_are_refused_before_they_are_read,
);

/// An app with production limits except those given.
async fn app_with(engine: Engine, limits: &[&str]) -> TestApp {
    spawn_app_configured(engine, |s| {
        s.rate_limits = limits.iter().map(|l| (*l).to_owned()).collect();
        s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await
}

/// Posts a server-function form as if forwarded by a proxy for `client`.
async fn post_for(
    app: &TestApp,
    client: &str,
    endpoint: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/api/{endpoint}")))
        .header("x-forwarded-for", client)
        .form(form)
        .send()
        .await
        .unwrap()
}

/// The seconds a 429 says to wait (and that it is a 429 that says so in words too).
async fn refused(response: reqwest::Response) -> u64 {
    assert_eq!(response.status(), 429);
    let wait: u64 = response.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "RateLimited", "{body}");
    assert!(wait >= 1, "{wait}");
    wait
}

fn email() -> String {
    format!("p-{}@example.com", Uuid::new_v4().simple())
}

fn sign_up_form(email: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", "Pat".to_owned()),
        ("email", email.to_owned()),
        ("password", "correct horse battery".to_owned()),
    ]
}

async fn sign_up_from(app: &TestApp, client: &str, email: &str) -> reqwest::Response {
    let form = sign_up_form(email);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post_for(app, client, "sign_up", &form).await
}

async fn sign_ups_are_limited_per_address_and_recover_after_the_wait(engine: Engine) {
    let app = app_with(engine, &["sign-up-per-address=1/s:3"]).await;
    for _ in 0..3 {
        assert!(
            sign_up_from(&app, "198.51.100.1", &email())
                .await
                .status()
                .is_success()
        );
    }
    let before = app.count("profile").await;
    let late = email();
    let wait = refused(sign_up_from(&app, "198.51.100.1", &late).await).await;
    assert_eq!(
        app.count("profile").await,
        before,
        "a refused sign-up stores nothing"
    );
    // Another address is not affected, and the same address may go on after the wait.
    assert!(
        sign_up_from(&app, "198.51.100.2", &email())
            .await
            .status()
            .is_success()
    );
    tokio::time::sleep(Duration::from_secs(wait)).await;
    assert!(
        sign_up_from(&app, "198.51.100.1", &late)
            .await
            .status()
            .is_success()
    );
}

/// A sign-in with a wrong password, forwarded for `client`.
async fn wrong_guess(app: &TestApp, client: &str, email: &str) -> reqwest::Response {
    let form = [("email", email), ("password", "wrong guess 123")];
    post_for(app, client, "sign_in", &form).await
}

async fn sign_ins_are_limited_per_email_across_addresses(engine: Engine) {
    let app = app_with(engine, &["sign-in-per-email=1/min:4"]).await;
    let (victim, _) = app.new_user("Vic Victim").await;
    for i in 0..4 {
        let client = format!("203.0.113.{i}");
        assert_eq!(wrong_guess(&app, &client, &victim).await.status(), 401);
    }
    // A fifth guess from yet another address is refused: the email's budget is spent.
    refused(wrong_guess(&app, "203.0.113.99", &victim).await).await;
    // Even the right password waits: the limit is per email, whoever asks.
    let form = [
        ("email", victim.as_str()),
        ("password", "correct horse battery"),
    ];
    refused(post_for(&app, "203.0.113.100", "sign_in", &form).await).await;
    // Another person's email is not affected.
    let (other, _) = app.new_user("Ola Other").await;
    let form = [
        ("email", other.as_str()),
        ("password", "correct horse battery"),
    ];
    let response = post_for(&app, "203.0.113.99", "sign_in", &form).await;
    assert!(response.status().is_success());
}

async fn forwarding_headers_count_only_from_trusted_proxies(engine: Engine) {
    const NOBODY: &str = "nobody@example.com";
    // Without trusted proxies, whatever X-Forwarded-For says, every attempt is 127.0.0.1's.
    let app = spawn_app_configured(engine.clone(), |s| {
        s.rate_limits = vec!["sign-in-per-address=1/min:3".into()];
    })
    .await;
    for i in 0..3 {
        let client = format!("192.0.2.{i}");
        assert_eq!(wrong_guess(&app, &client, NOBODY).await.status(), 401);
    }
    refused(wrong_guess(&app, "192.0.2.50", NOBODY).await).await;

    // Behind a trusted proxy the forwarded address is the client: each has its own budget.
    let app = app_with(engine, &["sign-in-per-address=1/min:3"]).await;
    for _ in 0..3 {
        assert_eq!(wrong_guess(&app, "192.0.2.1", NOBODY).await.status(), 401);
    }
    refused(wrong_guess(&app, "192.0.2.1", NOBODY).await).await;
    assert_eq!(wrong_guess(&app, "192.0.2.2", NOBODY).await.status(), 401);
    // The same /64 is the same client on IPv6; another /64 is not.
    for _ in 0..3 {
        assert_eq!(
            wrong_guess(&app, "2001:db8:0:1::1", NOBODY).await.status(),
            401
        );
    }
    assert_eq!(
        wrong_guess(&app, "2001:db8:0:1::ffff", NOBODY)
            .await
            .status(),
        429
    );
    assert_eq!(
        wrong_guess(&app, "2001:db8:0:2::1", NOBODY).await.status(),
        401
    );
}

async fn over_long_passwords_are_refused_before_any_hashing(engine: Engine) {
    let app = app_with(engine, &[]).await;
    let (known, _) = app.new_user("Lou Long").await;
    let long = "x".repeat(129);
    let response = app.sign_in(&known, &long, None).await;
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("128"), "{body}");
    let response = app.sign_up("Lou", &email(), &long).await;
    assert_eq!(response.status(), 422);
}

async fn sends_are_limited_per_account_and_store_nothing_when_refused(engine: Engine) {
    let c = Community::on(app_with(engine, &["send=2/s:4"]).await).await;
    for i in 0..4 {
        live::post(&c, &c.guest, &c.general, &format!("m{i}")).await;
    }
    let before = c.app.count("message").await;
    let nonce = Uuid::new_v4().to_string();
    let form = [
        ("channel_id", c.general.as_str()),
        ("content", "one too many"),
        ("nonce", nonce.as_str()),
    ];
    let response = c
        .app
        .post_form("/api/send_message", &form, Some(&c.guest))
        .await;
    let wait = refused(response).await;
    assert_eq!(c.app.count("message").await, before);
    // Someone else's budget is their own.
    live::post(&c, &c.moderator, &c.general, "still fine").await;
    tokio::time::sleep(Duration::from_secs(wait)).await;
    c.app.ok(&c.guest, "send_message", &form).await;
}

async fn creating_servers_is_limited_per_account(engine: Engine) {
    let app = app_with(engine, &["create=1/h:2"]).await;
    let (_, me) = app.new_user("Cy Creator").await;
    for name in ["One", "Two"] {
        app.ok(&me, "create_server", &[("name", name)]).await;
    }
    let before = app.snapshot().await;
    let response = app
        .post_form("/api/create_server", &[("name", "Three")], Some(&me))
        .await;
    let wait = refused(response).await;
    assert!(wait > 60, "an hourly budget waits minutes: {wait}");
    assert_eq!(app.snapshot().await, before);
}

async fn starting_conversations_is_limited_but_reopening_one_is_not(engine: Engine) {
    let c = Community::on(app_with(engine, &["open-conversation=1/h:1"]).await).await;
    let first = c.open_dm(&c.guest, &c.owner_member).await;
    // Reloading the conversation's page opens it again and again.
    for _ in 0..5 {
        assert_eq!(c.open_dm(&c.guest, &c.owner_member).await, first);
    }
    let before = c.app.count("conversation").await;
    let response = c
        .app
        .post_form(
            "/api/open_conversation",
            &[("server_id", &c.server), ("member_id", &c.moderator_member)],
            Some(&c.guest),
        )
        .await;
    refused(response).await;
    assert_eq!(c.app.count("conversation").await, before);
    // The other person opening the same conversation starts nothing new.
    assert_eq!(c.open_dm(&c.owner, &c.guest_member).await, first);
}

async fn upload_volume_is_limited_per_account(engine: Engine) {
    // 2 KiB an hour: a 1-KiB-plus file fits once, not twice.
    let app = app_with(engine, &["upload-kib=2/h"]).await;
    let (_, me) = app.new_user("Uma Uploader").await;
    let mut png = crate::files::PNG.to_vec();
    png.resize(1_500, 0);
    let upload = |bytes: Vec<u8>| {
        let app = &app;
        let me = me.clone();
        async move {
            let part = reqwest::multipart::Part::bytes(bytes)
                .file_name("a.png")
                .mime_str("image/png")
                .unwrap();
            app.http
                .post(app.url("/api/upload_attachment"))
                .header(COOKIE, me.cookie())
                .header("origin", app.address.as_str())
                .multipart(reqwest::multipart::Form::new().part("file", part))
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(upload(png.clone()).await.status(), 200);
    refused(upload(png).await).await;
}

async fn an_account_holds_a_bounded_number_of_sockets(engine: Engine) {
    let app = spawn_app_configured(engine, |s| s.max_sockets_per_account = 2).await;
    let (_, me) = app.new_user("Sam Sockets").await;
    let first = connect(&app, Some(&me)).await.unwrap();
    let _second = connect(&app, Some(&me)).await.unwrap();
    match connect(&app, Some(&me)).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 429)
        }
        other => panic!("expected 429, got {other:?}"),
    }
    // Another account is not affected; closing one frees its place.
    let (_, other) = app.new_user("Oz Other").await;
    connect(&app, Some(&other)).await.unwrap();
    drop(first);
    let mut again = None;
    for _ in 0..50 {
        if let Ok(socket) = connect(&app, Some(&me)).await {
            again = Some(socket);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(again.is_some(), "a closed socket gives its place back");
}

async fn signing_out_closes_the_sessions_sockets(engine: Engine) {
    let app = app_with(engine, &[]).await;
    let (email, laptop) = app.new_user("Sid Signout").await;
    let phone = session_from(
        app.sign_in(&email, "correct horse battery", None)
            .await
            .headers(),
    )
    .unwrap();
    let mut on_laptop = connect(&app, Some(&laptop)).await.unwrap();
    let mut on_phone = connect(&app, Some(&phone)).await.unwrap();
    app.ok(&laptop, "sign_out", &[]).await;
    assert_eq!(live::close_code(&mut on_laptop).await, Some(4001));
    // The phone's session goes on.
    live::send(&mut on_phone, json!({"type": "Ping"})).await;
    assert_eq!(event(&mut on_phone).await["type"], "Pong");
}

async fn leaving_tells_the_server_and_ends_the_leavers_follows(engine: Engine) {
    let c = Community::new(engine).await;
    let mut owner = connect(&c.app, Some(&c.owner)).await.unwrap();
    subscribe(&mut owner, json!({"kind": "Server", "id": c.server})).await;
    let mut guest = connect(&c.app, Some(&c.guest)).await.unwrap();
    subscribe(&mut guest, channel(&c.general)).await;
    c.app
        .ok(&c.guest, "leave_server", &[("server_id", &c.server)])
        .await;
    let seen = event(&mut owner).await;
    assert_eq!(seen["type"], "MemberLeft", "{seen}");
    assert_eq!(seen["data"]["member_id"], c.guest_member.as_str());
    let told = event(&mut guest).await;
    assert_eq!(told["type"], "Unsubscribed", "{told}");
    live::post(&c, &c.owner, &c.general, "after you left").await;
    live::send(&mut guest, json!({"type": "Ping"})).await;
    assert_eq!(
        event(&mut guest).await["type"],
        "Pong",
        "nothing of general came"
    );
}

async fn oversized_bodies_are_refused_before_they_are_read(engine: Engine) {
    let c = Community::new(engine).await;
    let huge = "x".repeat(100 * 1024);
    let nonce = Uuid::new_v4().to_string();
    let form = [
        ("channel_id", c.general.as_str()),
        ("content", huge.as_str()),
        ("nonce", nonce.as_str()),
    ];
    let response = c
        .app
        .post_form("/api/send_message", &form, Some(&c.guest))
        .await;
    assert_eq!(response.status(), 413);
    assert_eq!(c.app.count("message").await, 0);
}
