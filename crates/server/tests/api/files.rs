//! Image uploads: the real type decides, the size is bounded, and files come back safely.

use reqwest::header::COOKIE;
use reqwest::multipart::{Form, Part};

use crate::helpers::{Engine, Session, TestApp, spawn_app};
use crate::on_both_engines;

/// The smallest valid PNG: a 1×1 transparent pixel.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

async fn upload(
    app: &TestApp,
    session: Option<&Session>,
    name: &str,
    mime: &str,
    bytes: Vec<u8>,
) -> (u16, serde_json::Value) {
    let part = Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str(mime)
        .unwrap();
    let mut req = app
        .http
        .post(app.url("/api/upload_image"))
        .multipart(Form::new().part("file", part));
    if let Some(s) = session {
        req = req.header(COOKIE, s.cookie());
    }
    let response = req.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

on_both_engines!(images_are_checked_stored_and_served_safely);

async fn images_are_checked_stored_and_served_safely(engine: Engine) {
    let app = spawn_app(engine).await;
    let (_, me) = app.new_user("Ada").await;

    let (status, url) = upload(&app, Some(&me), "icon.png", "image/png", PNG.to_vec()).await;
    assert_eq!(status, 200, "{url}");
    let url = url.as_str().unwrap().to_owned();
    assert!(url.starts_with("/files/") && url.ends_with(".png"), "{url}");
    let served = app.get(&url, Some(&me)).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    assert_eq!(served.headers()["cache-control"], "private, max-age=86400");
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);
    // Not attached to anything yet: nobody else, signed in or not, gets it.
    let (_, other) = app.new_user("Bea").await;
    assert_eq!(app.get(&url, Some(&other)).await.status(), 404);
    assert_eq!(app.get(&url, None).await.status(), 404);

    // A PDF claiming to be a PNG, a script, and an oversized image are all refused.
    let (status, body) = upload(
        &app,
        Some(&me),
        "icon.png",
        "image/png",
        b"%PDF-1.7\n".to_vec(),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("not allowed"),
        "{body}"
    );
    let (status, _) = upload(
        &app,
        Some(&me),
        "x.png",
        "image/png",
        b"<script>alert(1)</script>".to_vec(),
    )
    .await;
    assert_eq!(status, 422);
    let big = [PNG, &vec![0u8; 4 * 1024 * 1024]].concat();
    let (status, body) = upload(&app, Some(&me), "big.png", "image/png", big).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["message"].as_str().unwrap().contains("4 MB"), "{body}");
    let (status, _) = upload(&app, None, "icon.png", "image/png", PNG.to_vec()).await;
    assert_eq!(status, 401);

    // The uploaded icon can be used for a server; unknown and malformed keys are 404.
    let server = app
        .ok(
            &me,
            "create_server",
            &[("name", "Pictures"), ("image_url", &url)],
        )
        .await;
    assert_eq!(server["image_url"], url.as_str());
    // An icon is shown on invite cards to anyone with the link: any signed-in person sees it.
    assert_eq!(app.get(&url, Some(&other)).await.status(), 200);
    assert_eq!(app.get(&url, None).await.status(), 404);
    assert_eq!(
        app.get("/files/00000000000000000000000000000000.png", Some(&me))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get("/files/..%2Fsecret.png", Some(&me)).await.status(),
        404
    );
}
