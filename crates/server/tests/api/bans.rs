//! Bans: a kick can ban; a banned person cannot rejoin by any invite (old or new) until an admin
//! lifts the ban; only admins see and lift bans.

use serde_json::Value;

use crate::communities::Community;
use crate::helpers::Engine;
use crate::live::{channel, connect, event, subscribe};
use crate::on_both_engines;

on_both_engines!(
    a_banned_member_cannot_rejoin_until_the_ban_is_lifted,
    only_admins_see_and_lift_bans,
    a_kick_without_a_ban_lets_them_come_back,
);

impl Community {
    async fn ban_guest(&self) {
        self.app
            .ok(
                &self.owner,
                "kick_member",
                &[
                    ("server_id", &self.server),
                    ("member_id", &self.guest_member),
                    ("ban", "true"),
                ],
            )
            .await;
    }

    async fn bans(&self) -> Vec<Value> {
        let bans = self
            .app
            .ok(&self.owner, "server_bans", &[("server_id", &self.server)])
            .await;
        bans.as_array().unwrap().clone()
    }
}

async fn a_banned_member_cannot_rejoin_until_the_ban_is_lifted(engine: Engine) {
    let c = Community::new(engine).await;
    let mut guest_socket = connect(&c.app, Some(&c.guest)).await.unwrap();
    subscribe(&mut guest_socket, channel(&c.general)).await;
    c.ban_guest().await;
    // Their live follows end at once, as for any kick.
    assert_eq!(event(&mut guest_socket).await["type"], "Unsubscribed");

    // Neither the old link nor a new one lets them in; the invite page says why.
    let old = c.invite_code().await;
    c.refused(&c.guest, "join_server", &[("code", &old)], 403)
        .await;
    let (_, body) = c.app.call(&c.guest, "join_server", &[("code", &old)]).await;
    assert_eq!(body["error"], "Banned", "{body}");
    c.app
        .ok(&c.owner, "regenerate_invite", &[("server_id", &c.server)])
        .await;
    let new = c.invite_code().await;
    c.refused(&c.guest, "join_server", &[("code", &new)], 403)
        .await;
    let preview = c
        .app
        .ok(&c.guest, "invite_preview", &[("code", &new)])
        .await;
    assert_eq!(preview["banned"], true);
    let page = c.app.get(&format!("/invite/{new}"), Some(&c.guest)).await;
    let html = page.text().await.unwrap();
    assert!(html.contains("You are banned from this server"), "{html}");
    assert!(!html.contains(">Join<"), "no Join button for the banned");

    let bans = c.bans().await;
    assert_eq!(bans.len(), 1);
    assert_eq!(bans[0]["name"], "Gus Guest");
    let banned = bans[0]["profile_id"].as_str().unwrap().to_owned();
    c.app
        .ok(
            &c.owner,
            "lift_ban",
            &[("server_id", &c.server), ("profile_id", &banned)],
        )
        .await;
    assert!(c.bans().await.is_empty());
    let joined = c.app.ok(&c.guest, "join_server", &[("code", &new)]).await;
    assert_eq!(joined, Value::String(c.server.clone()));
    // Lifting a ban that is not there is a 404 that changes nothing.
    c.refused(
        &c.owner,
        "lift_ban",
        &[("server_id", &c.server), ("profile_id", &banned)],
        404,
    )
    .await;
}

async fn only_admins_see_and_lift_bans(engine: Engine) {
    let c = Community::new(engine).await;
    // A moderator can neither kick-and-ban nor see or lift bans; outsiders learn nothing.
    c.refused(
        &c.moderator,
        "kick_member",
        &[
            ("server_id", &c.server),
            ("member_id", &c.guest_member),
            ("ban", "true"),
        ],
        403,
    )
    .await;
    c.ban_guest().await;
    let banned = c.bans().await[0]["profile_id"].as_str().unwrap().to_owned();
    let server = [("server_id", c.server.as_str())];
    let lift = [
        ("server_id", c.server.as_str()),
        ("profile_id", banned.as_str()),
    ];
    for (who, status) in [(&c.moderator, 403), (&c.outsider, 404), (&c.guest, 404)] {
        let (got, _) = c.app.call(who, "server_bans", &server).await;
        assert_eq!(got, status);
        c.refused(who, "lift_ban", &lift, status).await;
    }
    let (status, _) = c.app.call_anonymously("server_bans", &server).await;
    assert_eq!(status, 401);
}

async fn a_kick_without_a_ban_lets_them_come_back(engine: Engine) {
    let c = Community::new(engine).await;
    c.kick(&c.guest_member).await;
    assert!(c.bans().await.is_empty());
    let code = c.invite_code().await;
    let joined = c.app.ok(&c.guest, "join_server", &[("code", &code)]).await;
    assert_eq!(joined, Value::String(c.server.clone()));
}
