//! Servers, invites, members and channels: every function answered correctly for every role,
//! and a refused call changes nothing.

use serde_json::Value;

use crate::helpers::{Engine, Session, TestApp, spawn_app};
use crate::on_both_engines;

/// A server with one person in each role, and one outsider.
pub struct Community {
    pub app: TestApp,
    pub owner: Session,
    pub moderator: Session,
    pub guest: Session,
    pub outsider: Session,
    pub server: String,
    pub general: String,
    pub owner_member: String,
    pub moderator_member: String,
    pub guest_member: String,
}

impl Community {
    pub async fn new(engine: Engine) -> Self {
        Self::on(spawn_app(engine).await).await
    }

    /// The community, built on an app already running.
    pub async fn on(app: TestApp) -> Self {
        let (_, owner) = app.new_user("Olivia Owner").await;
        let (_, moderator) = app.new_user("Max Moderator").await;
        let (_, guest) = app.new_user("Gus Guest").await;
        let (_, outsider) = app.new_user("Otto Outsider").await;
        let created = app
            .ok(&owner, "create_server", &[("name", "Rustaceans")])
            .await;
        let server = created["id"].as_str().unwrap().to_owned();
        let details = app
            .ok(&owner, "load_server", &[("server_id", &server)])
            .await;
        let code = details["invite_code"].as_str().unwrap().to_owned();
        for s in [&moderator, &guest] {
            let joined = app.ok(s, "join_server", &[("code", &code)]).await;
            assert_eq!(joined, Value::String(server.clone()));
        }
        let details = app
            .ok(&owner, "load_server", &[("server_id", &server)])
            .await;
        let member = |name: &str| member_id(&details, name);
        let (owner_member, moderator_member, guest_member) = (
            member("Olivia Owner"),
            member("Max Moderator"),
            member("Gus Guest"),
        );
        app.ok(
            &owner,
            "set_member_role",
            &[
                ("server_id", &server),
                ("member_id", &moderator_member),
                ("role", "Moderator"),
            ],
        )
        .await;
        let general = details["channels"][0]["id"].as_str().unwrap().to_owned();
        Self {
            app,
            owner,
            moderator,
            guest,
            outsider,
            server,
            general,
            owner_member,
            moderator_member,
            guest_member,
        }
    }

    /// The owner kicks `member` (without a ban).
    pub async fn kick(&self, member: &str) {
        self.app
            .ok(
                &self.owner,
                "kick_member",
                &[("server_id", &self.server), ("member_id", member)],
            )
            .await;
    }

    pub async fn details(&self, who: &Session) -> Value {
        self.app
            .ok(who, "load_server", &[("server_id", &self.server)])
            .await
    }

    /// The server's invite code, as its owner sees it.
    pub async fn invite_code(&self) -> String {
        self.details(&self.owner).await["invite_code"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A new account, `name`, that has joined the server by its invite.
    pub async fn newcomer(&self, name: &str) -> Session {
        let code = self.invite_code().await;
        let (_, session) = self.app.new_user(name).await;
        self.app
            .ok(&session, "join_server", &[("code", &code)])
            .await;
        session
    }

    /// Runs a call that must be refused with `status` and leave the database as it was.
    pub async fn refused(&self, who: &Session, endpoint: &str, form: &[(&str, &str)], status: u16) {
        let before = self.app.snapshot().await;
        let (got, body) = self.app.call(who, endpoint, form).await;
        assert_eq!(got, status, "{endpoint} {form:?}: {body}");
        assert_eq!(
            self.app.snapshot().await,
            before,
            "{endpoint} changed the database"
        );
    }

    /// The outsider's own server, "Elsewhere", as they see it (they are a member there only).
    pub async fn outsiders_server(&self) -> Value {
        let created = self
            .app
            .ok(&self.outsider, "create_server", &[("name", "Elsewhere")])
            .await;
        self.app
            .ok(
                &self.outsider,
                "load_server",
                &[("server_id", created["id"].as_str().unwrap())],
            )
            .await
    }

    pub async fn new_channel(&self, who: &Session, name: &str, kind: &str) -> String {
        let c = self
            .app
            .ok(
                who,
                "create_channel",
                &[("server_id", &self.server), ("name", name), ("kind", kind)],
            )
            .await;
        c["id"].as_str().unwrap().to_owned()
    }
}

fn member_id(details: &Value, name: &str) -> String {
    details["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .and_then(|m| m["id"].as_str())
        .unwrap()
        .to_owned()
}

on_both_engines!(
    a_new_server_has_its_owner_as_admin_and_a_general_channel,
    invites_join_as_guest_once_and_only_staff_see_them,
    non_members_get_not_found_for_everything,
    guests_are_refused_every_staff_action,
    moderators_manage_channels_and_invites_but_not_members_or_the_server,
    admins_manage_members_but_never_themselves_or_the_owner,
    general_is_fixed_and_channel_names_are_checked,
    a_kicked_member_loses_access_at_once,
    leaving_and_deleting_follow_ownership,
    bad_input_is_refused_with_a_clear_message,
);

async fn a_new_server_has_its_owner_as_admin_and_a_general_channel(engine: Engine) {
    let app = spawn_app(engine).await;
    let (_, owner) = app.new_user("Olivia").await;
    let created = app
        .ok(&owner, "create_server", &[("name", "  Rustaceans  ")])
        .await;
    assert_eq!(created["name"], "Rustaceans");
    let details = app
        .ok(
            &owner,
            "load_server",
            &[("server_id", created["id"].as_str().unwrap())],
        )
        .await;
    assert_eq!(details["me"]["role"], "Admin");
    assert_eq!(details["me"]["is_owner"], true);
    let channels = details["channels"].as_array().unwrap();
    assert_eq!(channels.len(), 1);
    assert_eq!(channels[0]["name"], "general");
    assert_eq!(channels[0]["kind"], "Text");
    let code = details["invite_code"].as_str().unwrap();
    assert_eq!(code.len(), 32, "a UUID v4 without dashes");
    let mine = app.ok(&owner, "servers", &[]).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
}

async fn invites_join_as_guest_once_and_only_staff_see_them(engine: Engine) {
    let c = Community::new(engine).await;
    let guest_view = c.details(&c.guest).await;
    assert_eq!(guest_view["me"]["role"], "Guest");
    assert!(
        guest_view["invite_code"].is_null(),
        "guests do not see the invite"
    );
    let moderator_view = c.details(&c.moderator).await;
    assert!(moderator_view["invite_code"].is_string());

    // Joining again (a member following the link) changes nothing and opens the server.
    let code = moderator_view["invite_code"].as_str().unwrap().to_owned();
    let before = c.app.snapshot().await;
    let again = c.app.ok(&c.guest, "join_server", &[("code", &code)]).await;
    assert_eq!(again, Value::String(c.server.clone()));
    assert_eq!(c.app.snapshot().await, before);

    // A replaced code stops working; the new one works.
    let fresh = c
        .app
        .ok(
            &c.moderator,
            "regenerate_invite",
            &[("server_id", &c.server)],
        )
        .await;
    assert_ne!(fresh.as_str().unwrap(), code);
    c.refused(&c.outsider, "join_server", &[("code", &code)], 404)
        .await;
    c.refused(&c.outsider, "invite_preview", &[("code", &code)], 404)
        .await;
    let fresh = [("code", fresh.as_str().unwrap())];

    // The link shows the server before joining, and looking joins nobody.
    let before = c.app.snapshot().await;
    let preview = c.app.ok(&c.outsider, "invite_preview", &fresh).await;
    assert_eq!(c.app.snapshot().await, before);
    assert_eq!(preview["server"]["name"], "Rustaceans");
    assert_eq!(preview["server"]["id"], c.server.as_str());
    assert_eq!(preview["member_count"], 3);
    assert_eq!(preview["joined"], false);
    let (status, _) = c.app.call_anonymously("invite_preview", &fresh).await;
    assert_eq!(status, 401);

    c.app.ok(&c.outsider, "join_server", &fresh).await;
    assert_eq!(c.details(&c.outsider).await["me"]["role"], "Guest");
    let preview = c.app.ok(&c.outsider, "invite_preview", &fresh).await;
    assert_eq!(
        (preview["member_count"].clone(), preview["joined"].clone()),
        (4.into(), true.into())
    );
}

async fn non_members_get_not_found_for_everything(engine: Engine) {
    let c = Community::new(engine).await;
    let s = c.server.as_str();
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("load_server", vec![("server_id", s)]),
        (
            "update_server",
            vec![("server_id", s), ("name", "Taken over")],
        ),
        ("regenerate_invite", vec![("server_id", s)]),
        ("delete_server", vec![("server_id", s)]),
        ("leave_server", vec![("server_id", s)]),
        (
            "set_member_role",
            vec![
                ("server_id", s),
                ("member_id", &c.guest_member),
                ("role", "Moderator"),
            ],
        ),
        (
            "kick_member",
            vec![("server_id", s), ("member_id", &c.guest_member)],
        ),
        (
            "create_channel",
            vec![("server_id", s), ("name", "intruders"), ("kind", "TEXT")],
        ),
        (
            "update_channel",
            vec![
                ("channel_id", &c.general),
                ("name", "renamed"),
                ("kind", "TEXT"),
            ],
        ),
        ("delete_channel", vec![("channel_id", &c.general)]),
    ];
    for (endpoint, form) in &calls {
        c.refused(&c.outsider, endpoint, form, 404).await;
    }
    // Without a session at all: 401, nothing written.
    let before = c.app.snapshot().await;
    let response = c
        .app
        .post_form("/api/load_server", &[("server_id", s)], None)
        .await;
    assert_eq!(response.status(), 401);
    let response = c
        .app
        .post_form("/api/create_server", &[("name", "Anon")], None)
        .await;
    assert_eq!(response.status(), 401);
    assert_eq!(c.app.snapshot().await, before);
    assert!(
        c.app
            .ok(&c.outsider, "servers", &[])
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );
}

async fn guests_are_refused_every_staff_action(engine: Engine) {
    let c = Community::new(engine).await;
    let s = c.server.as_str();
    let channel = c.new_channel(&c.owner, "off-topic", "TEXT").await;
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "update_server",
            vec![("server_id", s), ("name", "Mine now")],
        ),
        ("regenerate_invite", vec![("server_id", s)]),
        ("delete_server", vec![("server_id", s)]),
        (
            "set_member_role",
            vec![
                ("server_id", s),
                ("member_id", &c.guest_member),
                ("role", "Moderator"),
            ],
        ),
        (
            "kick_member",
            vec![("server_id", s), ("member_id", &c.moderator_member)],
        ),
        (
            "create_channel",
            vec![("server_id", s), ("name", "guest-room"), ("kind", "TEXT")],
        ),
        (
            "update_channel",
            vec![
                ("channel_id", &channel),
                ("name", "renamed"),
                ("kind", "TEXT"),
            ],
        ),
        ("delete_channel", vec![("channel_id", &channel)]),
    ];
    for (endpoint, form) in &calls {
        c.refused(&c.guest, endpoint, form, 403).await;
    }
}

async fn moderators_manage_channels_and_invites_but_not_members_or_the_server(engine: Engine) {
    let c = Community::new(engine).await;
    let s = c.server.as_str();
    let video = c.new_channel(&c.moderator, "Stand Up", "VIDEO").await;
    let details = c.details(&c.guest).await;
    let created = details["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|ch| ch["id"] == video.as_str())
        .unwrap()
        .clone();
    assert_eq!(created["name"], "stand-up");
    assert_eq!(created["kind"], "Video");
    c.app
        .ok(
            &c.moderator,
            "update_channel",
            &[("channel_id", &video), ("name", "daily"), ("kind", "AUDIO")],
        )
        .await;
    c.app
        .ok(&c.moderator, "regenerate_invite", &[("server_id", s)])
        .await;
    c.app
        .ok(&c.moderator, "delete_channel", &[("channel_id", &video)])
        .await;

    c.refused(
        &c.moderator,
        "update_server",
        &[("server_id", s), ("name", "Mod land")],
        403,
    )
    .await;
    c.refused(&c.moderator, "delete_server", &[("server_id", s)], 403)
        .await;
    c.refused(
        &c.moderator,
        "set_member_role",
        &[
            ("server_id", s),
            ("member_id", &c.guest_member),
            ("role", "Moderator"),
        ],
        403,
    )
    .await;
    c.refused(
        &c.moderator,
        "kick_member",
        &[("server_id", s), ("member_id", &c.guest_member)],
        403,
    )
    .await;
    c.refused(
        &c.moderator,
        "kick_member",
        &[("server_id", s), ("member_id", &c.owner_member)],
        403,
    )
    .await;
}

async fn admins_manage_members_but_never_themselves_or_the_owner(engine: Engine) {
    let c = Community::new(engine).await;
    let s = c.server.as_str();
    assert_eq!(c.details(&c.moderator).await["me"]["role"], "Moderator");
    c.app
        .ok(
            &c.owner,
            "set_member_role",
            &[
                ("server_id", s),
                ("member_id", &c.moderator_member),
                ("role", "Guest"),
            ],
        )
        .await;
    assert_eq!(c.details(&c.moderator).await["me"]["role"], "Guest");

    c.refused(
        &c.owner,
        "set_member_role",
        &[
            ("server_id", s),
            ("member_id", &c.owner_member),
            ("role", "Guest"),
        ],
        403,
    )
    .await;
    c.refused(
        &c.owner,
        "kick_member",
        &[("server_id", s), ("member_id", &c.owner_member)],
        403,
    )
    .await;
    c.refused(
        &c.owner,
        "set_member_role",
        &[
            ("server_id", s),
            ("member_id", &c.guest_member),
            ("role", "Admin"),
        ],
        422,
    )
    .await;
    // A member id from another server is not found, even for an admin.
    let other = c
        .app
        .ok(&c.outsider, "create_server", &[("name", "Elsewhere")])
        .await;
    let elsewhere = c
        .app
        .ok(
            &c.outsider,
            "load_server",
            &[("server_id", other["id"].as_str().unwrap())],
        )
        .await;
    let stranger = member_id(&elsewhere, "Otto Outsider");
    c.refused(
        &c.owner,
        "kick_member",
        &[("server_id", s), ("member_id", &stranger)],
        404,
    )
    .await;
    c.app
        .ok(
            &c.owner,
            "kick_member",
            &[("server_id", s), ("member_id", &c.guest_member)],
        )
        .await;
    assert_eq!(
        c.details(&c.owner).await["members"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

async fn general_is_fixed_and_channel_names_are_checked(engine: Engine) {
    let c = Community::new(engine).await;
    let s = c.server.as_str();
    c.refused(
        &c.owner,
        "update_channel",
        &[
            ("channel_id", &c.general),
            ("name", "lobby"),
            ("kind", "TEXT"),
        ],
        403,
    )
    .await;
    c.refused(
        &c.owner,
        "delete_channel",
        &[("channel_id", &c.general)],
        403,
    )
    .await;
    c.refused(
        &c.owner,
        "create_channel",
        &[("server_id", s), ("name", "General"), ("kind", "TEXT")],
        422,
    )
    .await;
    c.new_channel(&c.owner, "memes", "TEXT").await;
    let (status, body) = c
        .app
        .call(
            &c.owner,
            "create_channel",
            &[("server_id", s), ("name", "memes"), ("kind", "AUDIO")],
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("already has a channel")
    );
    c.refused(
        &c.owner,
        "create_channel",
        &[("server_id", s), ("name", "x"), ("kind", "STAGE")],
        422,
    )
    .await;
}

async fn a_kicked_member_loses_access_at_once(engine: Engine) {
    let c = Community::new(engine).await;
    c.kick(&c.moderator_member).await;
    c.refused(
        &c.moderator,
        "load_server",
        &[("server_id", &c.server)],
        404,
    )
    .await;
    c.refused(
        &c.moderator,
        "create_channel",
        &[("server_id", &c.server), ("name", "back"), ("kind", "TEXT")],
        404,
    )
    .await;
    assert!(
        c.app
            .ok(&c.moderator, "servers", &[])
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );
    let page = c
        .app
        .get(&format!("/servers/{}", c.server), Some(&c.moderator))
        .await;
    assert_eq!(page.status(), 404);
    let html = page.text().await.unwrap();
    assert!(html.contains("Page not found"), "shows not found");
    assert!(!html.contains("Rustaceans"), "and nothing of the server");
}

async fn leaving_and_deleting_follow_ownership(engine: Engine) {
    let c = Community::new(engine).await;
    let s = c.server.as_str();
    c.refused(&c.owner, "leave_server", &[("server_id", s)], 403)
        .await;
    c.app
        .ok(&c.guest, "leave_server", &[("server_id", s)])
        .await;
    c.refused(&c.guest, "load_server", &[("server_id", s)], 404)
        .await;
    c.app
        .ok(&c.owner, "delete_server", &[("server_id", s)])
        .await;
    assert_eq!(c.app.count("server").await, 0);
    assert_eq!(c.app.count("member").await, 0);
    assert_eq!(c.app.count("channel").await, 0);
}

async fn bad_input_is_refused_with_a_clear_message(engine: Engine) {
    let c = Community::new(engine).await;
    let s = c.server.as_str();
    let long = "n".repeat(101);
    for (endpoint, form, status) in [
        ("create_server", vec![("name", "   ")], 422),
        ("create_server", vec![("name", long.as_str())], 422),
        (
            "create_server",
            vec![
                ("name", "Icon"),
                ("image_url", "https://evil.example/x.png"),
            ],
            422,
        ),
        ("update_server", vec![("server_id", s), ("name", "")], 422),
        ("load_server", vec![("server_id", "not-a-uuid")], 400),
        (
            "create_channel",
            vec![("server_id", s), ("name", "has/slash"), ("kind", "TEXT")],
            422,
        ),
    ] {
        let before = c.app.snapshot().await;
        let (got, body) = c.app.call(&c.owner, endpoint, &form).await;
        assert_eq!(got, status, "{endpoint} {form:?}: {body}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
        assert_eq!(c.app.snapshot().await, before);
    }
}
