//! Default avatars travel as a URL, never as the picture: messages and member lists name
//! `/avatars/{id}.svg?v=…`, served to people who share a server with the profile (404 to
//! anyone else) and cacheable for good; pictures stored before this are moved out of the rows.

use migration::{Migrator, MigratorTrait};
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE};
use sea_orm::{ActiveModelTrait, Database, EntityTrait, Set};
use serde_json::Value;
use uuid::Uuid;

use crate::communities::Community;
use crate::helpers::{Engine, Session, TestApp};
use crate::on_both_engines;

on_both_engines!(
    messages_carry_the_avatar_url_served_to_fellow_members_only,
    stored_pictures_are_moved_out_of_profiles,
);

async fn fetch(app: &TestApp, url: &str, who: Option<&Session>) -> reqwest::Response {
    let mut request = app.http.get(app.url(url));
    if let Some(who) = who {
        request = request.header(COOKIE, who.cookie());
    }
    request.send().await.unwrap()
}

async fn messages_carry_the_avatar_url_served_to_fellow_members_only(engine: Engine) {
    let c = Community::new(engine).await;
    let nonce = Uuid::new_v4().to_string();
    let sent: Value = c
        .app
        .ok(
            &c.guest,
            "send_message",
            &[
                ("channel_id", &c.general),
                ("content", "hi"),
                ("nonce", &nonce),
            ],
        )
        .await;
    let url = sent["author"]["image_url"].as_str().unwrap().to_owned();
    let profile = sent["author"]["profile_id"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("/avatars/{profile}.svg?v=")),
        "{url}"
    );

    for who in [&c.guest, &c.owner, &c.moderator] {
        let response = fetch(&c.app, &url, Some(who)).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()[CONTENT_TYPE], "image/svg+xml");
        assert!(
            response.headers()[CACHE_CONTROL]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        let svg = response.text().await.unwrap();
        assert!(svg.contains(">GG</text>"), "Gus Guest's initials: {svg}");
    }
    // Someone who shares no server with Gus, nobody signed in, and made-up addresses: 404.
    assert_eq!(fetch(&c.app, &url, Some(&c.outsider)).await.status(), 404);
    assert_eq!(fetch(&c.app, &url, None).await.status(), 404);
    for bad in [
        format!("/avatars/{}.svg", Uuid::new_v4()),
        "/avatars/not-an-id.svg".to_owned(),
        format!("/avatars/{profile}.png"),
    ] {
        assert_eq!(
            fetch(&c.app, &bad, Some(&c.owner)).await.status(),
            404,
            "{bad}"
        );
    }
    // Their own avatar, whoever they share a server with.
    let me = c.app.me(Some(&c.outsider)).await;
    let own = me["image_url"].as_str().unwrap();
    assert_eq!(fetch(&c.app, own, Some(&c.outsider)).await.status(), 200);
}

async fn stored_pictures_are_moved_out_of_profiles(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::connect(&engine.fresh_database(&dir).await)
        .await
        .unwrap();
    let before_this_change = Migrator::migrations()
        .iter()
        .position(|m| m.name().ends_with("_default_avatars"))
        .unwrap();
    Migrator::up(&db, Some(u32::try_from(before_this_change).unwrap()))
        .await
        .unwrap();
    let now = chrono::Utc::now();
    let stored = |id: Uuid, email: &str, image: &str| entity::profile::ActiveModel {
        id: Set(id),
        name: Set("Old Timer".into()),
        email: Set(email.into()),
        image_url: Set(Some(image.into())),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let (generated, uploaded) = (Uuid::new_v4(), Uuid::new_v4());
    stored(generated, "old@example.com", "data:image/svg+xml,%3Csvg%3E")
        .insert(&db)
        .await
        .unwrap();
    stored(uploaded, "pic@example.com", "/files/abc.png")
        .insert(&db)
        .await
        .unwrap();
    Migrator::up(&db, None).await.unwrap();
    let image = |id| {
        let db = db.clone();
        async move {
            entity::profile::Entity::find_by_id(id)
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .image_url
        }
    };
    assert_eq!(image(generated).await, None);
    assert_eq!(image(uploaded).await.as_deref(), Some("/files/abc.png"));
}
