//! Pages need a session; the sign-in and sign-up pages render their labelled forms.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::communities::Community;
use crate::helpers::{Engine, location, spawn_app};
use crate::on_both_engines;

on_both_engines!(
    app_pages_send_visitors_to_sign_in_and_back,
    sign_in_and_sign_up_pages_render_labelled_forms,
    signed_in_people_skip_the_sign_in_page,
    unknown_pages_are_404_for_members,
    an_invite_link_shows_the_server_and_joins_nobody,
    browsers_report_crashes_at_a_bounded_rate,
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

    // Nothing in `next` leaves the site or reaches the Location header unchecked (a newline
    // there once panicked the handler).
    for next in [
        "//evil.example",
        "/\t/evil.example",
        "/%09/evil.example",
        "/\n",
        "/%0A",
        "//x",
        "/\\x",
    ] {
        let offsite = app
            .post_form(
                "/api/sign_in",
                &[
                    ("email", &email),
                    ("password", "correct horse battery"),
                    ("next", next),
                ],
                None,
            )
            .await;
        assert!(
            offsite.status().is_success(),
            "{next:?}: {}",
            offsite.status()
        );
        assert_eq!(location(&offsite), "/", "{next:?} never leaves the site");
    }
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

/// Opening an invite link shows the server with a "Join" button and changes nothing; a member
/// opening it is sent straight to the server by a real redirect (no navigation while hydrating).
async fn an_invite_link_shows_the_server_and_joins_nobody(engine: Engine) {
    let c = Community::new(engine).await;
    let details = c
        .app
        .ok(&c.owner, "load_server", &[("server_id", &c.server)])
        .await;
    let path = format!("/invite/{}", details["invite_code"].as_str().unwrap());

    let before = c.app.snapshot().await;
    let response = c.app.get(&path, Some(&c.outsider)).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    for needle in ["Rustaceans</h1>", "3 members", ">Join</button>"] {
        assert!(html.contains(needle), "the invite page lacks {needle}");
    }
    assert_eq!(c.app.snapshot().await, before, "opening the link joined");

    let response = c.app.get(&path, Some(&c.guest)).await;
    assert_eq!(response.status(), 302);
    assert_eq!(location(&response), format!("/servers/{}", c.server));

    let response = c.app.get("/invite/not-a-code", Some(&c.guest)).await;
    let html = response.text().await.unwrap();
    assert!(html.contains("This invite is not valid"));
}

/// A crashed page's report is accepted without a session, a few times per address, then 429.
async fn browsers_report_crashes_at_a_bounded_rate(engine: Engine) {
    let app = spawn_app(engine).await;
    let report = [
        ("page", "/sign-in"),
        ("message", "panicked at hydration.rs:163"),
    ];
    for _ in 0..5 {
        let (status, _) = app.call_anonymously("report_crash", &report).await;
        assert_eq!(status, 200);
    }
    let (status, body) = app.call_anonymously("report_crash", &report).await;
    assert_eq!(status, 429, "{body}");
    let (status, _) = app.call_anonymously("report_crash", &[("page", "/")]).await;
    assert_eq!(status, 400, "a report needs its message");
}

/// Many simultaneous renders of a channel page, for members (200) and an outsider (404), while
/// other apps start on another thread: each response must arrive whole. Starting an app lists
/// its routes, which Leptos does with resource loading suppressed process-wide; before the route
/// list was made once per process, a render that first polled a resource at that moment never
/// finished (the test suite starts an app per test, on many threads at once).
async fn server_pages_render_completely_for_many_viewers_at_once(engine: Engine) {
    let c = Community::new(engine).await;
    let path = format!("/servers/{}/channels/{}", c.server, c.general);
    let viewers = [&c.owner, &c.moderator, &c.guest, &c.outsider];
    let loading = Arc::new(AtomicBool::new(true));
    let starter = {
        let loading = Arc::clone(&loading);
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut started = 0;
                while loading.load(Ordering::SeqCst) && started < 40 {
                    drop(spawn_app(Engine::Sqlite).await);
                    started += 1;
                }
            });
        })
    };
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
    loading.store(false, Ordering::SeqCst);
    starter.join().unwrap();
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
