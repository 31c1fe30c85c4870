//! Notification settings (mute and level, per server and channel) are personal, only for one's
//! own servers, told to one's other sockets; what a desktop notification about a message says
//! is only for those who may read it.

use serde_json::json;

use crate::communities::Community;
use crate::helpers::Engine;
use crate::live::{connect, event, post};
use crate::on_both_engines;

on_both_engines!(
    notification_settings_are_personal_and_only_for_ones_own_servers,
    a_notification_says_who_wrote_where_and_opens_the_message,
);

async fn notification_settings_are_personal_and_only_for_ones_own_servers(engine: Engine) {
    let c = Community::new(engine).await;
    let random = c.new_channel(&c.owner, "random", "TEXT").await;
    let mut other_tab = connect(&c.app, Some(&c.guest)).await.unwrap();
    c.app
        .ok(
            &c.guest,
            "set_server_notify",
            &[
                ("server_id", c.server.as_str()),
                ("muted", "true"),
                ("level", "All"),
            ],
        )
        .await;
    let heard = event(&mut other_tab).await;
    assert_eq!(heard["type"], "NotifySettingsChanged", "{heard}");
    c.app
        .ok(
            &c.guest,
            "set_channel_notify",
            &[
                ("channel_id", random.as_str()),
                ("muted", "false"),
                ("level", "Nothing"),
            ],
        )
        .await;
    let mine = c.app.ok(&c.guest, "load_notify_settings", &[]).await;
    assert_eq!(
        mine["servers"],
        json!([[c.server, {"muted": true, "level": "All"}]])
    );
    assert_eq!(
        mine["channels"],
        json!([[random, {"muted": false, "level": "Nothing"}]])
    );
    // A channel back to its server's level.
    c.app
        .ok(
            &c.guest,
            "set_channel_notify",
            &[("channel_id", random.as_str()), ("muted", "true")],
        )
        .await;
    let mine = c.app.ok(&c.guest, "load_notify_settings", &[]).await;
    assert_eq!(
        mine["channels"],
        json!([[random, {"muted": true, "level": null}]])
    );

    // Nobody else's; outsiders cannot set any; a level that does not exist is refused.
    let theirs = c.app.ok(&c.owner, "load_notify_settings", &[]).await;
    assert_eq!(theirs, json!({"servers": [], "channels": []}));
    c.refused(
        &c.outsider,
        "set_server_notify",
        &[
            ("server_id", c.server.as_str()),
            ("muted", "true"),
            ("level", "All"),
        ],
        404,
    )
    .await;
    c.refused(
        &c.outsider,
        "set_channel_notify",
        &[("channel_id", random.as_str()), ("muted", "true")],
        404,
    )
    .await;
    c.refused(
        &c.guest,
        "set_server_notify",
        &[
            ("server_id", c.server.as_str()),
            ("muted", "true"),
            ("level", "Loud"),
        ],
        400,
    )
    .await;
    // Nobody signed in: refused.
    for (endpoint, form) in [
        ("load_notify_settings", vec![]),
        (
            "set_server_notify",
            vec![
                ("server_id", c.server.as_str()),
                ("muted", "true"),
                ("level", "All"),
            ],
        ),
        (
            "set_channel_notify",
            vec![("channel_id", random.as_str()), ("muted", "true")],
        ),
    ] {
        let (status, _) = c.app.call_anonymously(endpoint, &form).await;
        assert_eq!(status, 401, "{endpoint}");
    }

    // Leaving a server: its settings no longer listed.
    c.app
        .ok(
            &c.guest,
            "leave_server",
            &[("server_id", c.server.as_str())],
        )
        .await;
    let mine = c.app.ok(&c.guest, "load_notify_settings", &[]).await;
    assert_eq!(mine, json!({"servers": [], "channels": []}));
}

async fn a_notification_says_who_wrote_where_and_opens_the_message(engine: Engine) {
    let c = Community::new(engine).await;
    let random = c.new_channel(&c.owner, "random", "TEXT").await;
    let text = format!("hi <@{}>\nmore below", c.guest_member);
    let sent = post(&c, &c.owner, &random, &text).await;
    let id = sent["id"].as_str().unwrap();
    let form = [("channel_id", random.as_str()), ("message_id", id)];
    let said = c.app.ok(&c.guest, "load_notification", &form).await;
    assert_eq!(said["title"], "Olivia Owner in #random (Rustaceans)");
    assert_eq!(said["body"], "hi @Gus Guest");
    assert_eq!(
        said["path"],
        format!("/servers/{}/channels/{random}?message={id}", c.server)
    );
    let (status, _) = c.app.call(&c.outsider, "load_notification", &form).await;
    assert_eq!(status, 404);
    let elsewhere = [("channel_id", c.general.as_str()), ("message_id", id)];
    let (status, _) = c.app.call(&c.guest, "load_notification", &elsewhere).await;
    assert_eq!(status, 404, "a message of another channel");

    let dm = c.open_dm(&c.moderator, &c.guest_member).await;
    let written = c.dm(&c.moderator, &dm, "psst").await;
    let id = written["id"].as_str().unwrap();
    let form = [("conversation_id", dm.as_str()), ("message_id", id)];
    let said = c.app.ok(&c.guest, "load_notification", &form).await;
    assert_eq!(said["title"], "Max Moderator");
    assert_eq!(said["body"], "psst");
    assert_eq!(
        said["path"],
        format!(
            "/servers/{}/conversations/{}?message={id}",
            c.server, c.moderator_member
        )
    );
    let (status, _) = c.app.call(&c.owner, "load_notification", &form).await;
    assert_eq!(status, 404, "not theirs");
}
