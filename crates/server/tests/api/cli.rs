//! The binary's own behaviour: bad input gives one clear line and a non-zero exit; SIGTERM
//! shuts down gracefully.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_chatterhub");

fn run(args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("CHATTERHUB_DATABASE_URL")
        .env_remove("CHATTERHUB_BIND")
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn bad_flags_and_settings_exit_non_zero_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (&["serve", "--no-such-flag"], "--no-such-flag"),
        (&["serve", "--bind", "nowhere"], "--bind"),
        (&["serve", "--redis-url", "::bad::"], "--redis-url"),
        (
            &["serve", "--database-url", "mysql://127.0.0.1/x"],
            "--database-url",
        ),
        (&["launch"], "launch"),
    ];
    for (args, needle) in cases {
        let output = run(args, dir.path());
        assert!(!output.status.success(), "{args:?}");
        let err = stderr(&output);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn unreachable_database_unwritable_folder_and_busy_port_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let unreachable = run(
        &[
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            "postgres://u:secret@127.0.0.1:1/none",
        ],
        dir.path(),
    );
    assert!(!unreachable.status.success());
    let err = stderr(&unreachable);
    assert!(err.contains("cannot connect to the database"), "{err}");
    assert!(
        !err.contains("secret"),
        "passwords never reach the output: {err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");

    let file = dir.path().join("a-file");
    std::fs::write(&file, b"").unwrap();
    let data_dir = file.join("data");
    let unwritable = run(
        &[
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--data-dir",
            data_dir.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(!unwritable.status.success());
    assert!(
        stderr(&unwritable).contains("data folder"),
        "{}",
        stderr(&unwritable)
    );

    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().to_string();
    let in_use = run(&["serve", "--bind", &port], dir.path());
    assert!(!in_use.status.success());
    assert!(
        stderr(&in_use).contains("cannot listen on"),
        "{}",
        stderr(&in_use)
    );
}

#[test]
fn sigterm_shuts_down_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut child = Command::new(BIN)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        dir.path().join("data/chatterhub.db").exists(),
        "embedded default database"
    );
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(Instant::now() < deadline, "server did not stop");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test]
async fn sigterm_closes_live_sockets_with_a_close_frame() {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    let dir = tempfile::tempdir().unwrap();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut child = tokio::process::Command::new(BIN)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while http.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let signed_up = http
        .post(format!("{base}/api/sign_up"))
        .header("origin", &base)
        .form(&[
            ("name", "Ada"),
            ("email", "ada@example.com"),
            ("password", "analytical engine"),
        ])
        .send()
        .await
        .unwrap();
    let cookie = signed_up.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let mut request = format!("ws://127.0.0.1:{port}/ws")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("cookie", cookie.parse().unwrap());
    request
        .headers_mut()
        .insert("origin", base.parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();

    let pid = child.id().unwrap().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let frame = loop {
        match tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a close frame in time")
        {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(
        u16::from(frame.expect("a close code").code),
        1001,
        "going away"
    );
    let status = tokio::time::timeout(Duration::from_secs(15), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status:?}");
}
