//! Sign up, sign in, sign out and sessions, over real HTTP.

use chrono::{Duration, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::helpers::{Engine, location, session_from, spawn_app, spawn_app_configured};
use crate::on_both_engines;

on_both_engines!(
    sign_up_sets_a_session_cookie_and_the_shell_shows_the_name,
    behind_https_the_session_cookie_is_host_only_and_secure,
    sign_out_ends_the_session_on_the_server,
    wrong_password_and_unknown_email_get_the_same_refusal,
    duplicate_email_is_refused_with_a_clear_message,
    expired_session_is_refused,
    malformed_bodies_are_refused_and_write_nothing,
    sign_in_starts_a_new_session_and_ends_the_old_one,
    repeated_sign_in_attempts_are_slowed_down,
);

async fn sign_up_sets_a_session_cookie_and_the_shell_shows_the_name(engine: Engine) {
    let app = spawn_app(engine).await;
    let form = [
        ("name", "Ada Lovelace"),
        ("email", "Ada@Example.com"),
        ("password", "analytical engine"),
    ];
    let response = app.submit_form("/api/sign_up", &form, None).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(location(&response), "/");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("chatterhub_session="))
        .expect("session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http must not get Secure: {cookie}"
    );
    let session = session_from(response.headers()).unwrap();

    let page = app.get("/", Some(&session)).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Ada Lovelace"), "the shell names the user");
    assert!(html.contains("Sign out"));

    let me = app.me(Some(&session)).await;
    assert_eq!(me["name"], "Ada Lovelace");
    assert_eq!(
        me["email"], "ada@example.com",
        "emails are stored normalised"
    );
    let avatar = format!("/avatars/{}.svg?v=", me["id"].as_str().unwrap());
    assert!(
        me["image_url"].as_str().unwrap().starts_with(&avatar),
        "a generated avatar, by URL: {me}"
    );
    assert_eq!(app.count("profile").await, 1);
    assert_eq!(app.count("account").await, 1);
}

async fn sign_out_ends_the_session_on_the_server(engine: Engine) {
    let app = spawn_app(engine).await;
    let (_, session) = app.new_user("Grace").await;
    assert_eq!(app.count("session").await, 1);

    let response = app.post_form("/api/sign_out", &[], Some(&session)).await;
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(location(&response), "/sign-in");
    let cleared = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("chatterhub_session="))
        .expect("the cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");

    // The old token is dead even if a client kept it.
    assert_eq!(app.count("session").await, 0);
    assert!(app.me(Some(&session)).await.is_null());
    let page = app.get("/", Some(&session)).await;
    assert!(page.status().is_redirection());
    assert_eq!(location(&page), "/sign-in?next=/");
}

async fn wrong_password_and_unknown_email_get_the_same_refusal(engine: Engine) {
    let app = spawn_app(engine).await;
    let (email, _) = app.new_user("Linus").await;

    let wrong = app.sign_in(&email, "not the password", None).await;
    assert_eq!(wrong.status(), 401);
    assert!(session_from(wrong.headers()).is_none());
    let wrong: serde_json::Value = wrong.json().await.unwrap();

    let unknown = app
        .sign_in("nobody@example.com", "not the password", None)
        .await;
    assert_eq!(unknown.status(), 401);
    let unknown: serde_json::Value = unknown.json().await.unwrap();
    assert_eq!(wrong, unknown);
    assert_eq!(wrong["error"], "InvalidCredentials");
    assert_eq!(
        app.count("session").await,
        1,
        "only the sign-up session exists"
    );

    let right = app
        .sign_in(&email.to_uppercase(), "correct horse battery", None)
        .await;
    assert!(right.status().is_success(), "{}", right.status());
    assert!(session_from(right.headers()).is_some());
}

async fn duplicate_email_is_refused_with_a_clear_message(engine: Engine) {
    let app = spawn_app(engine).await;
    let first = app
        .sign_up("Ada", "ada@example.com", "analytical engine")
        .await;
    assert!(first.status().is_success());

    let again = app
        .sign_up("Imposter", " ADA@example.com ", "another password")
        .await;
    assert_eq!(again.status(), 409);
    assert!(session_from(again.headers()).is_none());
    let body: serde_json::Value = again.json().await.unwrap();
    assert_eq!(body["error"], "Conflict");
    assert!(body["message"].as_str().unwrap().contains("already exists"));
    assert_eq!(app.count("profile").await, 1);
    assert_eq!(app.count("account").await, 1);
    assert_eq!(app.count("session").await, 1);
}

async fn expired_session_is_refused(engine: Engine) {
    let app = spawn_app(engine).await;
    let (_, session) = app.new_user("Margaret").await;
    let past = (Utc::now() - Duration::minutes(1)).to_rfc3339();
    let backend = app.db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => format!("UPDATE session SET expires_at = '{past}'::timestamptz"),
        _ => format!("UPDATE session SET expires_at = '{past}'"),
    };
    app.db
        .execute_raw(Statement::from_string(backend, sql))
        .await
        .unwrap();

    assert!(app.me(Some(&session)).await.is_null());
    let page = app.get("/", Some(&session)).await;
    assert!(page.status().is_redirection());
    assert!(location(&page).starts_with("/sign-in"));
    assert_eq!(
        app.count("session").await,
        0,
        "the expired session is removed"
    );
}

async fn malformed_bodies_are_refused_and_write_nothing(engine: Engine) {
    let app = spawn_app(engine).await;
    let cases: Vec<(Vec<(&str, &str)>, u16)> = vec![
        (
            vec![("email", "a@example.com"), ("password", "long enough")],
            400,
        ), // no name
        (
            vec![
                ("name", "A"),
                ("email", "a@example.com"),
                ("password", "short"),
            ],
            422,
        ),
        (
            vec![
                ("name", " "),
                ("email", "a@example.com"),
                ("password", "long enough"),
            ],
            422,
        ),
        (
            vec![
                ("name", "A"),
                ("email", "not-an-email"),
                ("password", "long enough"),
            ],
            422,
        ),
    ];
    for (form, status) in cases {
        let response = app.post_form("/api/sign_up", &form, None).await;
        assert_eq!(response.status().as_u16(), status, "{form:?}");
        assert!(session_from(response.headers()).is_none());
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }
    let garbage = app
        .http
        .post(app.url("/api/sign_up"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, 0x00, 0x01])
        .send()
        .await
        .unwrap();
    assert!(garbage.status().is_client_error(), "{}", garbage.status());
    let long_name = "n".repeat(51);
    let too_long = app
        .sign_up(&long_name, "b@example.com", "long enough")
        .await;
    assert_eq!(too_long.status(), 422);
    assert_eq!(app.count("profile").await, 0);
    assert_eq!(app.count("account").await, 0);
    assert_eq!(app.count("session").await, 0);
}

async fn sign_in_starts_a_new_session_and_ends_the_old_one(engine: Engine) {
    let app = spawn_app(engine).await;
    let (email, first) = app.new_user("Barbara").await;
    let response = app
        .sign_in(&email, "correct horse battery", Some(&first))
        .await;
    assert!(response.status().is_success());
    let second = session_from(response.headers()).unwrap();
    assert_ne!(first.token, second.token);
    assert!(
        app.me(Some(&first)).await.is_null(),
        "the old token no longer works"
    );
    assert_eq!(app.me(Some(&second)).await["name"], "Barbara");
    assert_eq!(app.count("session").await, 1);
}

async fn repeated_sign_in_attempts_are_slowed_down(engine: Engine) {
    let app = spawn_app(engine).await;
    let (email, _) = app.new_user("Ken").await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(
            app.sign_in(&email, "wrong wrong wrong", None)
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(&statuses[..10], &[401; 10]);
    assert_eq!(statuses[11], 429, "{statuses:?}");
    // Even the right password waits once the budget is spent.
    let right = app.sign_in(&email, "correct horse battery", None).await;
    assert_eq!(right.status(), 429);
}

/// With an https public URL the cookie is `__Host-` prefixed (`Secure`, `Path=/`, no `Domain`),
/// and that is the cookie the server reads.
async fn behind_https_the_session_cookie_is_host_only_and_secure(engine: Engine) {
    let app = spawn_app_configured(engine, |s| {
        s.public_url = Some("https://chat.example".parse().unwrap());
    })
    .await;
    let response = reqwest::Client::new()
        .post(app.url("/api/sign_up"))
        .header("origin", "https://chat.example")
        .form(&[
            ("name", "Hopper"),
            ("email", "grace@example.com"),
            ("password", "correct horse battery"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    let token = cookie
        .strip_prefix("__Host-chatterhub_session=")
        .unwrap_or_else(|| panic!("{cookie}"))
        .split(';')
        .next()
        .unwrap();
    for attribute in ["Secure", "Path=/", "HttpOnly", "SameSite=Lax"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");

    let me = |cookie: String| async {
        let response = reqwest::Client::new()
            .post(app.url("/api/me"))
            .header("origin", "https://chat.example")
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        response.json::<serde_json::Value>().await.unwrap()
    };
    let signed_in = me(format!("__Host-chatterhub_session={token}")).await;
    assert_eq!(signed_in["name"], "Hopper");
    let unprefixed = me(format!("chatterhub_session={token}")).await;
    assert!(
        unprefixed.is_null(),
        "the unprefixed name is not read behind https"
    );
}
