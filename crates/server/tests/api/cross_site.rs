//! Requests from other sites are refused before they do anything: server functions (sign-in and
//! sign-out too), uploads and the live feed's upgrade must come from the site's own pages.

use reqwest::header::{COOKIE, ORIGIN, REFERER};
use reqwest::multipart::{Form, Part};
use tokio_tungstenite::tungstenite::Error as WsError;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::communities::Community;
use crate::helpers::{Engine, Session, TestApp, session_from, spawn_app};
use crate::on_both_engines;

on_both_engines!(
    server_functions_from_other_sites_change_nothing,
    sign_in_and_sign_out_from_other_sites_are_refused,
    uploads_and_live_feed_upgrades_from_other_sites_are_refused,
);

/// How a request says where it comes from; `Nowhere` sends neither header.
#[derive(Debug, Clone, Copy)]
enum Source<'a> {
    Origin(&'a str),
    Referer(&'a str),
    Nowhere,
}

const ELSEWHERE: [Source<'static>; 5] = [
    Source::Origin("http://evil.example"),
    Source::Origin("null"),
    Source::Referer("http://evil.example/page"),
    Source::Referer("http://127.0.0.1.evil.example/"),
    Source::Nowhere,
];

/// A POST to `/api/{endpoint}` with exactly the given provenance (no default `Origin`).
async fn post_from(
    app: &TestApp,
    from: Source<'_>,
    endpoint: &str,
    form: &[(&str, &str)],
    session: Option<&Session>,
) -> reqwest::Response {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut req = client.post(app.url(&format!("/api/{endpoint}"))).form(form);
    req = match from {
        Source::Origin(origin) => req.header(ORIGIN, origin),
        Source::Referer(referer) => req.header(REFERER, referer),
        Source::Nowhere => req,
    };
    if let Some(s) = session {
        req = req.header(COOKIE, s.cookie());
    }
    req.send().await.unwrap()
}

async fn server_functions_from_other_sites_change_nothing(engine: Engine) {
    let c = Community::new(engine).await;
    let before = c.app.snapshot().await;
    for from in ELSEWHERE {
        for (endpoint, form) in [
            ("create_server", vec![("name", "Planted")]),
            ("report_crash", vec![("page", "/"), ("message", "forged")]),
            ("leave_server", vec![("server_id", c.server.as_str())]),
            (
                "kick_member",
                vec![
                    ("server_id", c.server.as_str()),
                    ("member_id", c.guest_member.as_str()),
                ],
            ),
        ] {
            let response = post_from(&c.app, from, endpoint, &form, Some(&c.owner)).await;
            assert_eq!(response.status(), 403, "{endpoint} from {from:?}");
        }
    }
    assert_eq!(c.app.snapshot().await, before);

    // The site's own pages: by Origin, or by Referer when a browser leaves Origin out.
    let own = format!("{}/servers/{}", c.app.address, c.server);
    let response = post_from(
        &c.app,
        Source::Referer(&own),
        "create_server",
        &[("name", "Mine")],
        Some(&c.owner),
    )
    .await;
    assert_eq!(response.status(), 200);
}

async fn sign_in_and_sign_out_from_other_sites_are_refused(engine: Engine) {
    let app = spawn_app(engine).await;
    let (email, session) = app.new_user("Grace").await;
    let sign_in = [
        ("email", email.as_str()),
        ("password", "correct horse battery"),
    ];
    for from in ELSEWHERE {
        // Login CSRF: a foreign page cannot sign the browser in, to anyone's account.
        let response = post_from(&app, from, "sign_in", &sign_in, None).await;
        assert_eq!(response.status(), 403, "sign-in from {from:?}");
        assert!(session_from(response.headers()).is_none(), "no cookie set");
        let response = post_from(&app, from, "sign_out", &[], Some(&session)).await;
        assert_eq!(response.status(), 403, "sign-out from {from:?}");
    }
    assert_eq!(app.count("session").await, 1);
    assert_eq!(app.me(Some(&session)).await["name"], "Grace");
}

async fn uploads_and_live_feed_upgrades_from_other_sites_are_refused(engine: Engine) {
    let app = spawn_app(engine).await;
    let (_, session) = app.new_user("Ida").await;
    let png = Part::bytes(include_bytes!("../../../../public/favicon.svg").to_vec())
        .file_name("icon.png")
        .mime_str("image/png")
        .unwrap();
    let response = reqwest::Client::new()
        .post(app.url("/api/upload_image"))
        .header(COOKIE, session.cookie())
        .header(ORIGIN, "http://evil.example")
        .multipart(Form::new().part("file", png))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);

    for origin in [Some("http://evil.example"), None] {
        let url = app.address.replace("http://", "ws://") + "/ws";
        let mut request = url.into_client_request().unwrap();
        request
            .headers_mut()
            .insert("cookie", session.cookie().parse().unwrap());
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("origin", origin.parse().unwrap());
        }
        match tokio_tungstenite::connect_async(request).await {
            Err(WsError::Http(response)) => assert_eq!(response.status(), 403, "{origin:?}"),
            other => panic!(
                "upgrade from {origin:?} was not refused: {:?}",
                other.map(|_| ())
            ),
        }
    }
}
