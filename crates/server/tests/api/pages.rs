//! Pages need a session; the sign-in and sign-up pages render their labelled forms.

use crate::communities::Community;
use crate::helpers::{Engine, location, spawn_app};
use crate::on_both_engines;

on_both_engines!(
    app_pages_send_visitors_to_sign_in_and_back,
    sign_in_and_sign_up_pages_render_labelled_forms,
    signed_in_people_skip_the_sign_in_page,
    unknown_pages_are_404_for_members,
    server_pages_render_completely_for_many_viewers_at_once,
);

async fn app_pages_send_visitors_to_sign_in_and_back(engine: Engine) {
    let app = spawn_app(engine).await;
    let response = app.get("/servers/abc?tab=1", None).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(location(&response), "/sign-in?next=/servers/abc%3Ftab%3D1");

    let (email, _) = app.new_user("Alan").await;
    let response = app
        .post_form(
            "/api/sign_in",
            &[
                ("email", &email),
                ("password", "correct horse battery"),
                ("next", "/servers/abc"),
            ],
            None,
        )
        .await;
    assert!(response.status().is_success());
    assert_eq!(location(&response), "/servers/abc");

    let offsite = app
        .post_form(
            "/api/sign_in",
            &[
                ("email", &email),
                ("password", "correct horse battery"),
                ("next", "//evil.example"),
            ],
            None,
        )
        .await;
    assert_eq!(location(&offsite), "/", "next never leaves the site");
}

async fn sign_in_and_sign_up_pages_render_labelled_forms(engine: Engine) {
    let app = spawn_app(engine).await;
    let sign_in = app.get("/sign-in", None).await;
    assert_eq!(sign_in.status(), 200);
    let html = sign_in.text().await.unwrap();
    for needle in [
        r#"<label for="email">Email</label>"#,
        r#"<label for="password">Password</label>"#,
        ">Sign in</button>",
    ] {
        assert!(html.contains(needle), "sign-in lacks {needle}");
    }
    let sign_up = app.get("/sign-up", None).await.text().await.unwrap();
    for needle in [
        r#"<label for="name">Name</label>"#,
        r#"<label for="email">Email</label>"#,
        ">Sign up</button>",
    ] {
        assert!(sign_up.contains(needle), "sign-up lacks {needle}");
    }
}

async fn signed_in_people_skip_the_sign_in_page(engine: Engine) {
    let app = spawn_app(engine).await;
    let (_, session) = app.new_user("Edsger").await;
    for page in ["/sign-in", "/sign-up"] {
        let response = app.get(page, Some(&session)).await;
        assert!(response.status().is_redirection(), "{page}");
        assert_eq!(location(&response), "/");
    }
}

async fn unknown_pages_are_404_for_members(engine: Engine) {
    let app = spawn_app(engine).await;
    let (_, session) = app.new_user("Donald").await;
    let response = app.get("/no/such/page", Some(&session)).await;
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("Page not found"));
}

/// Many simultaneous renders of a channel page, for members (200) and an outsider (404): each
/// response must arrive whole. Before the render deadline (`render_deadline.rs`) about one run in
/// ten left a response pending for good (a Leptos SSR hang), and the client timed out.
async fn server_pages_render_completely_for_many_viewers_at_once(engine: Engine) {
    let c = Community::new(engine).await;
    let path = format!("/servers/{}/channels/{}", c.server, c.general);
    let viewers = [&c.owner, &c.moderator, &c.guest, &c.outsider];
    let loads = (0..48).map(|i| {
        let who = viewers[i % viewers.len()];
        let path = path.clone();
        let app = &c.app;
        async move {
            let response = app.get(&path, Some(who)).await;
            let status = response.status().as_u16();
            let html = response.text().await.unwrap();
            (status, html)
        }
    });
    let pages = futures_util::future::join_all(loads).await;
    for (i, (status, html)) in pages.into_iter().enumerate() {
        assert!(html.contains("</html>"), "page {i} arrived whole");
        if i % viewers.len() == 3 {
            assert_eq!(status, 404, "the outsider sees nothing");
            assert!(html.contains("Page not found"));
        } else {
            assert_eq!(status, 200);
            assert!(
                html.contains("Message #general"),
                "page {i} shows the channel"
            );
        }
    }
}
