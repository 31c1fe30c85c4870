//! Who may download a file, and when files go away: an attachment is for those who may read its
//! message; nobody attaches someone else's upload; deleting a message, a server or an icon
//! removes the stored file; uploads never attached are swept after a day; a quota bounds each
//! account's storage.

use reqwest::header::COOKIE;
use reqwest::multipart::{Form, Part};
use uuid::Uuid;

use crate::communities::Community;
use crate::files::PNG;
use crate::helpers::{Engine, Session, TestApp, spawn_app_configured};
use crate::migrations::since;
use crate::on_both_engines;

on_both_engines!(
    attachments_are_for_those_who_may_read_the_message,
    nobody_attaches_someone_elses_upload,
    deleting_what_a_file_belongs_to_removes_the_file,
    uploads_never_attached_are_swept_after_a_day,
    storage_is_bounded_per_account,
    files_attached_before_uploads_were_recorded_stay_readable,
);

/// Uploads `bytes` as an attachment; the URL, or the status and body of the refusal.
pub(crate) async fn attach(
    app: &TestApp,
    who: &Session,
    bytes: Vec<u8>,
) -> Result<String, (u16, String)> {
    let part = Part::bytes(bytes)
        .file_name("f.png")
        .mime_str("image/png")
        .unwrap();
    let response = app
        .http
        .post(app.url("/api/upload_attachment"))
        .header(COOKIE, who.cookie())
        .multipart(Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    if status == 200 {
        Ok(serde_json::from_str(&body).unwrap())
    } else {
        Err((status, body))
    }
}

async fn status(app: &TestApp, url: &str, who: Option<&Session>) -> u16 {
    app.get(url, who).await.status().as_u16()
}

impl Community {
    async fn send_file(&self, who: &Session, thread: (&str, &str), url: &str) -> (u16, String) {
        let (endpoint, id_field, id) = match thread {
            ("channel", id) => ("send_message", "channel_id", id),
            (_, id) => ("send_direct_message", "conversation_id", id),
        };
        let nonce = Uuid::new_v4().to_string();
        let form = [
            (id_field, id),
            ("content", ""),
            ("file_url", url),
            ("nonce", nonce.as_str()),
        ];
        let (status, body) = self.app.call(who, endpoint, &form).await;
        (status, body.to_string())
    }

    /// The owner sets the server's icon to `url`; the status.
    async fn set_icon(&self, url: &str) -> u16 {
        let form = [
            ("server_id", self.server.as_str()),
            ("name", "Rustaceans"),
            ("image_url", url),
        ];
        self.app.call(&self.owner, "update_server", &form).await.0
    }
}

async fn attachments_are_for_those_who_may_read_the_message(engine: Engine) {
    let c = Community::new(engine).await;
    let url = attach(&c.app, &c.guest, PNG.to_vec()).await.unwrap();
    let (sent, _) = c.send_file(&c.guest, ("channel", &c.general), &url).await;
    assert_eq!(sent, 200);
    assert_eq!(status(&c.app, &url, Some(&c.moderator)).await, 200);
    assert_eq!(status(&c.app, &url, Some(&c.outsider)).await, 404);
    assert_eq!(status(&c.app, &url, None).await, 404);
    // Kicked, the moderator can no longer fetch it.
    let moderator_member = c.moderator_member.clone();
    c.app
        .ok(
            &c.owner,
            "kick_member",
            &[("server_id", &c.server), ("member_id", &moderator_member)],
        )
        .await;
    assert_eq!(status(&c.app, &url, Some(&c.moderator)).await, 404);

    // In a conversation: its two people only, not the server's owner.
    let conversation = c.open_dm(&c.guest, &c.owner_member).await;
    let in_dm = attach(&c.app, &c.guest, PNG.to_vec()).await.unwrap();
    let (sent, _) = c.send_file(&c.guest, ("dm", &conversation), &in_dm).await;
    assert_eq!(sent, 200);
    assert_eq!(status(&c.app, &in_dm, Some(&c.owner)).await, 200);
    let (_, third) = c.app.new_user("Tess Third").await;
    assert_eq!(status(&c.app, &in_dm, Some(&third)).await, 404);
}

async fn nobody_attaches_someone_elses_upload(engine: Engine) {
    let c = Community::new(engine).await;
    let outsiders = attach(&c.app, &c.outsider, PNG.to_vec()).await.unwrap();
    let before = c.app.count("message").await;
    let (refused, body) = c
        .send_file(&c.guest, ("channel", &c.general), &outsiders)
        .await;
    assert_eq!(refused, 422, "{body}");
    assert!(body.contains("Upload the file here first"), "{body}");
    assert_eq!(c.app.count("message").await, before);
    // Nor as a server icon.
    assert_eq!(c.set_icon(&outsiders).await, 422);
    // One's own upload goes into one message only.
    let mine = attach(&c.app, &c.guest, PNG.to_vec()).await.unwrap();
    assert_eq!(
        c.send_file(&c.guest, ("channel", &c.general), &mine)
            .await
            .0,
        200
    );
    assert_eq!(
        c.send_file(&c.guest, ("channel", &c.general), &mine)
            .await
            .0,
        422
    );
}

async fn deleting_what_a_file_belongs_to_removes_the_file(engine: Engine) {
    let c = Community::new(engine).await;
    // A deleted message's attachment.
    let url = attach(&c.app, &c.guest, PNG.to_vec()).await.unwrap();
    let nonce = Uuid::new_v4().to_string();
    let sent = c
        .app
        .ok(
            &c.guest,
            "send_message",
            &[
                ("channel_id", c.general.as_str()),
                ("content", "a picture"),
                ("file_url", url.as_str()),
                ("nonce", nonce.as_str()),
            ],
        )
        .await;
    let uploads = c.app.count("upload").await;
    c.app
        .ok(
            &c.guest,
            "delete_message",
            &[("message_id", sent["id"].as_str().unwrap())],
        )
        .await;
    assert_eq!(status(&c.app, &url, Some(&c.guest)).await, 404);
    assert_eq!(c.app.count("upload").await, uploads - 1);

    // A replaced icon, then the server with its icon and attachments.
    let first = attach(&c.app, &c.owner, PNG.to_vec()).await.unwrap();
    assert_eq!(c.set_icon(&first).await, 200);
    // Saving the settings again with the same icon keeps it.
    assert_eq!(c.set_icon(&first).await, 200);
    assert_eq!(status(&c.app, &first, Some(&c.guest)).await, 200);
    let second = attach(&c.app, &c.owner, PNG.to_vec()).await.unwrap();
    assert_eq!(c.set_icon(&second).await, 200);
    assert_eq!(status(&c.app, &first, Some(&c.owner)).await, 404);
    let kept = attach(&c.app, &c.guest, PNG.to_vec()).await.unwrap();
    assert_eq!(
        c.send_file(&c.guest, ("channel", &c.general), &kept)
            .await
            .0,
        200
    );
    c.app
        .ok(&c.owner, "delete_server", &[("server_id", &c.server)])
        .await;
    assert_eq!(status(&c.app, &second, Some(&c.owner)).await, 404);
    assert_eq!(status(&c.app, &kept, Some(&c.guest)).await, 404);
    assert_eq!(c.app.count("upload").await, 0);
}

async fn uploads_never_attached_are_swept_after_a_day(engine: Engine) {
    use sea_orm::{ConnectionTrait, Statement};
    let c = Community::new(engine).await;
    let stale = attach(&c.app, &c.guest, PNG.to_vec()).await.unwrap();
    let fresh = attach(&c.app, &c.guest, PNG.to_vec()).await.unwrap();
    let used = attach(&c.app, &c.guest, PNG.to_vec()).await.unwrap();
    assert_eq!(
        c.send_file(&c.guest, ("channel", &c.general), &used)
            .await
            .0,
        200
    );
    // Two days old: the stale one and the attached one.
    let backend = c.app.db.get_database_backend();
    let two_days_ago = (chrono::Utc::now() - chrono::Duration::days(2)).to_rfc3339();
    for url in [&stale, &used] {
        let key = url.trim_start_matches("/files/");
        c.app
            .db
            .execute_raw(Statement::from_sql_and_values(
                backend,
                match backend {
                    sea_orm::DbBackend::Postgres => {
                        "UPDATE upload SET created_at = CAST($1 AS TIMESTAMPTZ) WHERE key = $2"
                    }
                    _ => "UPDATE upload SET created_at = ? WHERE key = ?",
                },
                [two_days_ago.clone().into(), key.into()],
            ))
            .await
            .unwrap();
    }
    // A node sweeps as it starts (and every hour after).
    let node = c.app.another_node().await;
    let mut swept = false;
    for _ in 0..50 {
        if status(&node, &stale, Some(&c.guest)).await == 404 {
            swept = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(swept, "the stale upload is gone");
    assert_eq!(status(&node, &fresh, Some(&c.guest)).await, 200);
    assert_eq!(status(&node, &used, Some(&c.guest)).await, 200);
}

async fn storage_is_bounded_per_account(engine: Engine) {
    let app = spawn_app_configured(engine, |s| s.storage_quota_mb = 1).await;
    let c = Community::on(app).await;
    let mut big = PNG.to_vec();
    big.resize(600 * 1024, 0);
    attach(&c.app, &c.guest, big.clone()).await.unwrap();
    let uploads = c.app.count("upload").await;
    let (status, body) = attach(&c.app, &c.guest, big.clone()).await.unwrap_err();
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("storage is full"), "{body}");
    assert_eq!(c.app.count("upload").await, uploads);
    // Another account has its own.
    attach(&c.app, &c.moderator, big).await.unwrap();
}

async fn files_attached_before_uploads_were_recorded_stay_readable(engine: Engine) {
    use migration::{Migrator, MigratorTrait};
    let c = Community::new(engine).await;
    let icon = attach(&c.app, &c.owner, PNG.to_vec()).await.unwrap();
    assert_eq!(c.set_icon(&icon).await, 200);
    let in_channel = attach(&c.app, &c.guest, PNG.to_vec()).await.unwrap();
    assert_eq!(
        c.send_file(&c.guest, ("channel", &c.general), &in_channel)
            .await
            .0,
        200
    );
    let conversation = c.open_dm(&c.guest, &c.moderator_member).await;
    let in_dm = attach(&c.app, &c.guest, PNG.to_vec()).await.unwrap();
    assert_eq!(
        c.send_file(&c.guest, ("dm", &conversation), &in_dm).await.0,
        200
    );

    // Back to before uploads were recorded, and forward again: the migration finds the files
    // the rows point at, and who may read them is as before.
    Migrator::down(&c.app.db, Some(since("m20261127_000002_uploads")))
        .await
        .unwrap();
    Migrator::up(&c.app.db, None).await.unwrap();
    assert_eq!(c.app.count("upload").await, 3);
    for (url, reader, stranger) in [
        (&icon, &c.outsider, None),
        (&in_channel, &c.moderator, Some(&c.outsider)),
        (&in_dm, &c.moderator, Some(&c.owner)),
    ] {
        assert_eq!(status(&c.app, url, Some(&c.guest)).await, 200, "{url}");
        assert_eq!(status(&c.app, url, Some(reader)).await, 200, "{url}");
        if let Some(stranger) = stranger {
            assert_eq!(status(&c.app, url, Some(stranger)).await, 404, "{url}");
        }
    }
}
