//! The write path under pressure: concurrent sends (and retries racing their originals) are each
//! stored once, with gap-free sequence numbers, and delivered live in commit order; a bad send
//! among good ones fails alone; a send acknowledged just before the server is killed is there
//! after a restart.

use std::process::Stdio;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use reqwest::header::ORIGIN;
use serde_json::Value;
use uuid::Uuid;

use crate::communities::Community;
use crate::helpers::{Engine, Session, TestApp, spawn_app_configured};
use crate::live::{channel, connect, event, subscribe};
use crate::on_both_engines;

on_both_engines!(
    concurrent_sends_are_stored_once_gap_free_and_delivered_in_order,
    bad_sends_among_good_ones_fail_alone,
    an_acknowledged_send_survives_kill_9,
);

/// A community whose members may send as fast as they like.
async fn unthrottled(engine: Engine) -> Community {
    let app = spawn_app_configured(engine, |s| s.rate_limits.push("send=100000/s".into())).await;
    Community::on(app).await
}

async fn send(
    app: &TestApp,
    who: &Session,
    channel_id: &str,
    text: String,
    nonce: Uuid,
) -> (u16, Value) {
    let nonce = nonce.to_string();
    app.call(
        who,
        "send_message",
        &[
            ("channel_id", channel_id),
            ("content", &text),
            ("nonce", &nonce),
        ],
    )
    .await
}

/// The channel's stored sequence numbers, in order.
async fn stored_seqs(app: &TestApp, channel_id: &str) -> Vec<i64> {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = app.db.get_database_backend();
    let id = Uuid::parse_str(channel_id).unwrap();
    app.db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DbBackend::Postgres => {
                    "SELECT seq FROM message WHERE channel_id = $1 ORDER BY seq"
                }
                _ => "SELECT seq FROM message WHERE channel_id = ? ORDER BY seq",
            },
            [id.into()],
        ))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get::<i64>("", "seq").unwrap())
        .collect()
}

async fn concurrent_sends_are_stored_once_gap_free_and_delivered_in_order(engine: Engine) {
    let c = unthrottled(engine).await;
    let mut watcher = connect(&c.app, Some(&c.owner)).await.unwrap();
    subscribe(&mut watcher, channel(&c.general)).await;

    // Three people send 40 messages each, all at once; every send is made twice at the same
    // moment with the same nonce, as a retry racing its original would be.
    const EACH: usize = 40;
    let sends: Vec<(&Session, String, Uuid)> = [&c.owner, &c.moderator, &c.guest]
        .into_iter()
        .flat_map(|who| (0..EACH).map(move |i| (who, format!("message {i}"), Uuid::new_v4())))
        .collect();
    let answers = join_all(sends.iter().flat_map(|(who, text, nonce)| {
        [0, 1].map(|_| send(&c.app, who, &c.general, text.clone(), *nonce))
    }))
    .await;
    for pair in answers.chunks(2) {
        let [(first_status, first), (second_status, second)] = pair else {
            unreachable!()
        };
        assert_eq!(
            (*first_status, *second_status),
            (200, 200),
            "{first} {second}"
        );
        assert_eq!(
            first["id"], second["id"],
            "a retry returns the first message"
        );
    }
    let total = sends.len();
    let expected: Vec<i64> = (1..=i64::try_from(total).unwrap()).collect();
    assert_eq!(stored_seqs(&c.app, &c.general).await, expected);

    // Live, each exactly once, in sequence order.
    let mut heard = Vec::new();
    while heard.len() < total {
        let got = event(&mut watcher).await;
        if got["type"] == "MessageCreated" {
            heard.push(got["data"]["message"]["seq"].as_i64().unwrap());
        }
    }
    assert_eq!(heard, expected);
}

async fn bad_sends_among_good_ones_fail_alone(engine: Engine) {
    let c = unthrottled(engine).await;
    let created = c
        .app
        .ok(
            &c.owner,
            "create_channel",
            &[
                ("server_id", &c.server),
                ("name", "other"),
                ("kind", "TEXT"),
            ],
        )
        .await;
    let other = created["id"].as_str().unwrap().to_owned();
    // A nonce already used in another channel makes a send fail inside its write.
    let used = Uuid::new_v4();
    let (status, _) = send(&c.app, &c.guest, &other, "first use".into(), used).await;
    assert_eq!(status, 200);

    let mut calls = Vec::new();
    for i in 0..30 {
        let (nonce, channel_id) = if i % 3 == 1 {
            (used, c.general.as_str())
        } else {
            (Uuid::new_v4(), c.general.as_str())
        };
        calls.push(send(
            &c.app,
            &c.guest,
            channel_id,
            format!("send {i}"),
            nonce,
        ));
    }
    let answers = join_all(calls).await;
    for (i, (status, body)) in answers.iter().enumerate() {
        if i % 3 == 1 {
            assert_eq!(*status, 409, "send {i}: {body}");
        } else {
            assert_eq!(*status, 200, "send {i}: {body}");
        }
    }
    // The good ones, numbered without gaps: the failed ones took no number.
    assert_eq!(
        stored_seqs(&c.app, &c.general).await,
        (1..=20).collect::<Vec<_>>()
    );
}

/// `chatterhub serve` as its own process, on a database that outlives it.
struct Process {
    child: tokio::process::Child,
    base: String,
}

impl Process {
    async fn start(database_url: &str, dir: &std::path::Path) -> Self {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            probe.local_addr().unwrap().port()
        };
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_chatterhub"))
            .args([
                "serve",
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--database-url",
                database_url,
                "--rate-limit",
                "send=100000/s",
            ])
            .current_dir(dir)
            .env_remove("CHATTERHUB_DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while reqwest::get(format!("{base}/healthz")).await.is_err() {
            assert!(Instant::now() < deadline, "server did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self { child, base }
    }

    async fn call(&self, cookie: &str, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
        reqwest::Client::new()
            .post(format!("{}/api/{endpoint}", self.base))
            .header(ORIGIN, &self.base)
            .header("cookie", cookie)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// SIGKILL: no shutdown, no flush, no goodbye.
    async fn kill_9(mut self) {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
    }
}

async fn an_acknowledged_send_survives_kill_9(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let database_url = engine.fresh_database(&dir).await;
    let server = Process::start(&database_url, dir.path()).await;
    let signed_up = server
        .call(
            "",
            "sign_up",
            &[
                ("name", "Dee Durable"),
                ("email", "dee@example.com"),
                ("password", "power cut proof"),
            ],
        )
        .await;
    assert_eq!(signed_up.status(), 200);
    let cookie = signed_up.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let created: Value = server
        .call(&cookie, "create_server", &[("name", "Vault")])
        .await
        .json()
        .await
        .unwrap();
    let details: Value = server
        .call(
            &cookie,
            "load_server",
            &[("server_id", created["id"].as_str().unwrap())],
        )
        .await
        .json()
        .await
        .unwrap();
    let general = details["channels"][0]["id"].as_str().unwrap().to_owned();

    // Twenty sends at once; the server dies the moment the last answer arrives.
    let texts: Vec<String> = (0..20).map(|i| format!("kept {i}")).collect();
    let nonces: Vec<String> = texts.iter().map(|_| Uuid::new_v4().to_string()).collect();
    let answers = join_all(texts.iter().zip(&nonces).map(|(text, nonce)| async {
        let form = [
            ("channel_id", general.as_str()),
            ("content", text),
            ("nonce", nonce),
        ];
        server.call(&cookie, "send_message", &form).await
    }))
    .await;
    server.kill_9().await;
    assert!(answers.iter().all(|a| a.status() == 200));

    let restarted = Process::start(&database_url, dir.path()).await;
    let page: Value = restarted
        .call(
            &cookie,
            "channel_history",
            &[("channel_id", &general), ("limit", "50")],
        )
        .await
        .json()
        .await
        .unwrap();
    let mut kept: Vec<&str> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    kept.sort_unstable();
    let mut expected: Vec<&str> = texts.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(kept, expected);
    restarted.kill_9().await;
}
