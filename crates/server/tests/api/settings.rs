//! One's own account: a new name or picture is seen live by everyone who shares a server (and
//! nobody else); a password changes only with the current one and may end the other sessions;
//! other sessions end on request; an account is deleted with its password, its messages staying
//! under "Deleted user", but not while its person owns a server — which goes to a moderator or
//! admin of it, and only by its owner.

use serde_json::{Value, json};

use crate::communities::Community;
use crate::file_access::attach;
use crate::files::PNG;
use crate::helpers::{Engine, Session, session_from};
use crate::live::{close_code, connect, event, post, subscribe};
use crate::on_both_engines;

on_both_engines!(
    a_new_name_and_picture_are_seen_live_by_fellow_members,
    a_password_changes_only_with_the_current_one,
    other_sessions_end_on_request,
    a_deleted_accounts_messages_stay_as_deleted_user,
    ownership_goes_from_the_owner_to_a_moderator_or_admin,
);

const PASSWORD: &str = "correct horse battery";

/// A new account that joined the community, with its email.
async fn member(c: &Community, name: &str) -> (String, Session) {
    let (email, session) = c.app.new_user(name).await;
    let code = c.invite_code().await;
    c.app.ok(&session, "join_server", &[("code", &code)]).await;
    (email, session)
}

/// A second session of the account, signed in afresh.
async fn second_session(c: &Community, email: &str, password: &str) -> Option<Session> {
    let response = c.app.sign_in(email, password, None).await;
    if response.status() != 200 && response.status() != 303 {
        return None;
    }
    session_from(response.headers())
}

fn member_named<'a>(details: &'a Value, name: &str) -> Option<&'a Value> {
    details["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
}

async fn a_new_name_and_picture_are_seen_live_by_fellow_members(engine: Engine) {
    let c = Community::new(engine).await;
    post(&c, &c.guest, &c.general, "hello from Gus").await;
    let mut fellow = connect(&c.app, Some(&c.moderator)).await.unwrap();
    subscribe(&mut fellow, json!({"kind": "Server", "id": c.server})).await;

    // Bad names change nothing.
    for bad in ["", "   ", &"x".repeat(51)] {
        c.refused(&c.guest, "update_profile", &[("name", bad)], 422)
            .await;
    }
    let (status, _) = c
        .app
        .call_anonymously("update_profile", &[("name", "Nobody")])
        .await;
    assert_eq!(status, 401);

    let picture = attach(&c.app, &c.guest, PNG.to_vec()).await.unwrap();
    let me = c
        .app
        .ok(
            &c.guest,
            "update_profile",
            &[("name", "Gus Renamed"), ("image_url", &picture)],
        )
        .await;
    assert_eq!(me["name"], "Gus Renamed");
    assert_eq!(me["image_url"].as_str(), Some(picture.as_str()));
    let live = event(&mut fellow).await;
    assert_eq!(live["type"], "ProfileUpdated", "{live}");
    assert_eq!(live["data"]["name"], "Gus Renamed");
    assert_eq!(live["data"]["image_url"].as_str(), Some(picture.as_str()));

    // Everywhere it is read: the member list, history, and the picture itself — for fellow
    // members only.
    assert!(member_named(&c.details(&c.owner).await, "Gus Renamed").is_some());
    let history = c
        .app
        .ok(&c.owner, "channel_history", &[("channel_id", &c.general)])
        .await;
    assert_eq!(history["messages"][0]["author"]["name"], "Gus Renamed");
    assert_eq!(c.app.get(&picture, Some(&c.owner)).await.status(), 200);
    assert_eq!(c.app.get(&picture, Some(&c.outsider)).await.status(), 404);

    // Someone else's upload is not theirs to wear; back to the default picture removes the
    // uploaded one.
    let theirs = attach(&c.app, &c.owner, PNG.to_vec()).await.unwrap();
    c.refused(
        &c.guest,
        "update_profile",
        &[("name", "Gus Renamed"), ("image_url", &theirs)],
        409,
    )
    .await;
    let me = c
        .app
        .ok(&c.guest, "update_profile", &[("name", "Gus Renamed")])
        .await;
    assert!(me["image_url"].as_str().unwrap().starts_with("/avatars/"));
    assert_eq!(c.app.get(&picture, Some(&c.guest)).await.status(), 404);
}

async fn a_password_changes_only_with_the_current_one(engine: Engine) {
    let c = Community::new(engine).await;
    let (email, dana) = member(&c, "Dana Changer").await;
    let laptop = second_session(&c, &email, PASSWORD).await.unwrap();

    let change = |current: &'static str, new: &'static str, others: &'static str| {
        [
            ("current", current),
            ("new", new),
            ("sign_out_others", others),
        ]
    };
    let (status, body) = c
        .app
        .call(
            &dana,
            "change_password",
            &change("wrong guess", "a new secret", "true"),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.to_string().contains("not your current password"),
        "{body}"
    );
    let (status, _) = c
        .app
        .call(&dana, "change_password", &change(PASSWORD, "short", "true"))
        .await;
    assert_eq!(status, 422);
    assert!(
        second_session(&c, &email, PASSWORD).await.is_some(),
        "unchanged"
    );

    c.app
        .ok(
            &dana,
            "change_password",
            &change(PASSWORD, "a new secret", "true"),
        )
        .await;
    assert!(second_session(&c, &email, PASSWORD).await.is_none());
    assert!(second_session(&c, &email, "a new secret").await.is_some());
    assert_eq!(c.app.me(Some(&dana)).await["name"], "Dana Changer", "kept");
    assert!(
        c.app.me(Some(&laptop)).await.is_null(),
        "the other session ended"
    );
}

async fn other_sessions_end_on_request(engine: Engine) {
    let c = Community::new(engine).await;
    let (email, dana) = member(&c, "Dana Sessions").await;
    let phone = second_session(&c, &email, PASSWORD).await.unwrap();
    let laptop = second_session(&c, &email, PASSWORD).await.unwrap();
    let mut on_phone = connect(&c.app, Some(&phone)).await.unwrap();

    let ended = c.app.ok(&dana, "sign_out_other_sessions", &[]).await;
    assert_eq!(ended, 2);
    assert!(
        close_code(&mut on_phone).await.is_some(),
        "its socket closes"
    );
    assert!(c.app.me(Some(&phone)).await.is_null());
    assert!(c.app.me(Some(&laptop)).await.is_null());
    assert_eq!(c.app.me(Some(&dana)).await["name"], "Dana Sessions");
    assert_eq!(c.app.ok(&dana, "sign_out_other_sessions", &[]).await, 0);
}

async fn a_deleted_accounts_messages_stay_as_deleted_user(engine: Engine) {
    let c = Community::new(engine).await;
    let (email, dana) = member(&c, "Dana Leaving").await;
    post(&c, &c.owner, &c.general, "welcome Dana").await;
    post(&c, &dana, &c.general, "thanks, bye soon").await;
    let mut fellow = connect(&c.app, Some(&c.moderator)).await.unwrap();
    subscribe(&mut fellow, json!({"kind": "Server", "id": c.server})).await;

    // The owner may not go while owning the server; a wrong password changes nothing.
    let (status, body) = c
        .app
        .call(&c.owner, "delete_account", &[("password", PASSWORD)])
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.to_string().contains("Rustaceans"), "{body}");
    c.refused(&dana, "delete_account", &[("password", "wrong guess")], 422)
        .await;

    c.app
        .ok(&dana, "delete_account", &[("password", PASSWORD)])
        .await;
    let renamed = event(&mut fellow).await;
    assert_eq!(renamed["type"], "ProfileUpdated");
    assert_eq!(renamed["data"]["name"], "Deleted user");
    assert_eq!(event(&mut fellow).await["type"], "MemberLeft");

    assert!(c.app.me(Some(&dana)).await.is_null(), "signed out");
    assert!(second_session(&c, &email, PASSWORD).await.is_none());
    let history = c
        .app
        .ok(&c.owner, "channel_history", &[("channel_id", &c.general)])
        .await;
    assert_eq!(history["messages"][0]["content"], "thanks, bye soon");
    assert_eq!(history["messages"][0]["author"]["name"], "Deleted user");
    let details = c.details(&c.owner).await;
    assert!(member_named(&details, "Deleted user").is_none());
    assert!(member_named(&details, "Dana Leaving").is_none());
    // The email is free again.
    let again = c.app.sign_up("Dana Again", &email, PASSWORD).await;
    assert!(again.status().is_success(), "{}", again.status());
}

/// `who` hands the server over to `member`: the status.
async fn transfer(c: &Community, who: &Session, member: &str) -> u16 {
    let form = [("server_id", c.server.as_str()), ("member_id", member)];
    c.app.call(who, "transfer_ownership", &form).await.0
}

async fn ownership_goes_from_the_owner_to_a_moderator_or_admin(engine: Engine) {
    let c = Community::new(engine).await;
    // Only the owner hands over, and only to a moderator or admin who is a member now; a
    // refusal changes nothing.
    let stranger = uuid::Uuid::new_v4().to_string();
    for (who, member, status) in [
        (&c.moderator, c.moderator_member.as_str(), 403),
        (&c.owner, c.guest_member.as_str(), 422),
        (&c.owner, c.owner_member.as_str(), 422),
        (&c.owner, stranger.as_str(), 404),
    ] {
        let form = [("server_id", c.server.as_str()), ("member_id", member)];
        c.refused(who, "transfer_ownership", &form, status).await;
    }
    assert_eq!(transfer(&c, &c.outsider, &c.moderator_member).await, 404);

    assert_eq!(transfer(&c, &c.owner, &c.moderator_member).await, 200);
    let details = c.details(&c.owner).await;
    let max = member_named(&details, "Max Moderator").unwrap();
    assert_eq!(max["role"], "Admin");
    assert_eq!(max["is_owner"], true);
    assert_eq!(
        member_named(&details, "Olivia Owner").unwrap()["is_owner"],
        false
    );

    // The former owner may now leave; the new one may delete the server.
    c.app
        .ok(&c.owner, "leave_server", &[("server_id", &c.server)])
        .await;
    c.app
        .ok(&c.moderator, "delete_server", &[("server_id", &c.server)])
        .await;
}
