//! First load: pages name the site's files by their content, those files are kept by browsers
//! for a year and served precompressed; pages and API answers are compressed on the fly.

use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, COOKIE};

use crate::helpers::{Engine, TestApp, spawn_app, spawn_app_configured};

const WASM: &[u8] = &[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/// A built site: the script, the WASM with its brotli and gzip copies, the stylesheet.
async fn app_with_site() -> (TestApp, tempfile::TempDir) {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("chatterhub.js"), "export default function() {}").unwrap();
    std::fs::write(pkg.join("chatterhub.wasm"), WASM).unwrap();
    std::fs::write(pkg.join("chatterhub.wasm.br"), "brotli bytes").unwrap();
    std::fs::write(pkg.join("chatterhub.wasm.gz"), "gzip bytes").unwrap();
    std::fs::write(pkg.join("chatterhub.css"), "body { margin: 0 }").unwrap();
    std::fs::write(site.path().join("favicon.svg"), "<svg/>").unwrap();
    let root = site.path().to_owned();
    let app = spawn_app_configured(Engine::Sqlite, move |s| s.site_root = root).await;
    (app, site)
}

/// The `/pkg/...` URL in the page that ends with `suffix`.
fn site_url<'a>(html: &'a str, suffix: &str) -> &'a str {
    html.match_indices("\"/pkg/")
        .map(|(at, _)| &html[at + 1..at + 1 + html[at + 1..].find('"').unwrap()])
        .find(|url| url.ends_with(suffix))
        .unwrap_or_else(|| panic!("no /pkg/…{suffix} in the page: {html}"))
}

async fn get_encoded(app: &TestApp, path: &str, accept: Option<&str>) -> reqwest::Response {
    let mut request = app.http.get(app.url(path));
    if let Some(accept) = accept {
        request = request.header(ACCEPT_ENCODING, accept);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn pages_name_the_site_files_by_content_and_browsers_keep_them() {
    let (app, _site) = app_with_site().await;
    let html = app.get("/sign-in", None).await.text().await.unwrap();
    let script = site_url(&html, ".js").to_owned();
    let wasm = site_url(&html, ".wasm").to_owned();
    let stylesheet = site_url(&html, ".css").to_owned();
    for url in [&script, &wasm, &stylesheet] {
        let name = url.trim_start_matches("/pkg/");
        assert_eq!(name.split('.').count(), 3, "a content hash in {url}");
    }

    let immutable = "public, max-age=31536000, immutable";
    let plain = get_encoded(&app, &wasm, None).await;
    assert_eq!(plain.status(), 200);
    assert_eq!(plain.headers()[CACHE_CONTROL], immutable);
    assert_eq!(plain.headers()[CONTENT_TYPE], "application/wasm");
    assert!(plain.headers().get(CONTENT_ENCODING).is_none());
    assert_eq!(plain.bytes().await.unwrap().as_ref(), WASM);

    for (accept, encoding, body) in [
        ("gzip, deflate, br", "br", "brotli bytes"),
        ("gzip", "gzip", "gzip bytes"),
    ] {
        let response = get_encoded(&app, &wasm, Some(accept)).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()[CONTENT_ENCODING], encoding, "{accept}");
        assert_eq!(response.headers()[CACHE_CONTROL], immutable);
        assert_eq!(response.headers()["vary"], "accept-encoding");
        assert_eq!(response.headers()[CONTENT_TYPE], "application/wasm");
        assert_eq!(response.text().await.unwrap(), body);
    }

    let css = get_encoded(&app, &stylesheet, None).await;
    assert_eq!(css.headers()[CONTENT_TYPE], "text/css");
    assert_eq!(css.headers()[CACHE_CONTROL], immutable);
    assert_eq!(css.text().await.unwrap(), "body { margin: 0 }");
    let js = get_encoded(&app, &script, None).await;
    assert_eq!(js.status(), 200);
    assert_eq!(js.headers()[CACHE_CONTROL], immutable);

    // The plain names still answer, checked again on every use; others are not there.
    let unversioned = get_encoded(&app, "/pkg/chatterhub.wasm", None).await;
    assert_eq!(unversioned.status(), 200);
    assert_eq!(unversioned.headers()[CACHE_CONTROL], "no-cache");
    for missing in [
        "/pkg/chatterhub.0123456789abcdef.wasm",
        "/pkg/chatterhub.wasm.br",
        "/pkg/..%2FCargo.toml",
        "/pkg/missing.js",
    ] {
        let status = get_encoded(&app, missing, None).await.status();
        assert_eq!(status, 404, "{missing}");
    }
}

#[tokio::test]
async fn pages_and_api_answers_are_compressed_when_the_browser_accepts_it() {
    let app = spawn_app(Engine::Sqlite).await;
    let (_, me) = app.new_user("Zip Zimmer").await;

    let page = get_encoded(&app, "/sign-in", Some("gzip")).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()[CONTENT_ENCODING], "gzip");
    assert_eq!(
        page.bytes().await.unwrap()[..2],
        [0x1f, 0x8b],
        "gzip's magic"
    );

    let call = |accept: Option<&'static str>| {
        let mut request = app
            .http
            .post(app.url("/api/emoji_table"))
            .header(COOKIE, me.cookie());
        if let Some(accept) = accept {
            request = request.header(ACCEPT_ENCODING, accept);
        }
        request.send()
    };
    let compressed = call(Some("br")).await.unwrap();
    assert_eq!(compressed.status(), 200);
    assert_eq!(compressed.headers()[CONTENT_ENCODING], "br");
    let compressed = compressed.bytes().await.unwrap().len();
    let plain = call(None).await.unwrap();
    assert!(plain.headers().get(CONTENT_ENCODING).is_none());
    let plain = plain.bytes().await.unwrap().len();
    assert!(compressed * 3 < plain, "{compressed} of {plain} bytes");
}

/// The picker's table is not in the WASM: the server sends it to signed-in people.
#[tokio::test]
async fn the_emoji_table_comes_from_the_server_to_signed_in_people() {
    let app = spawn_app(Engine::Sqlite).await;
    let (status, _) = app.call_anonymously("emoji_table", &[]).await;
    assert_eq!(status, 401);
    let (_, me) = app.new_user("Emma Emoji").await;
    let table = app.ok(&me, "emoji_table", &[]).await;
    let groups = table.as_array().unwrap();
    assert_eq!(groups.len(), 9);
    assert_eq!(groups[0]["name"], "Smileys & Emotion");
    assert_eq!(groups[0]["emojis"][0]["glyph"], "😀");
    assert_eq!(groups[0]["emojis"][0]["name"], "grinning face");
}

/// The site's files come back whole and with their own status whatever pages render alongside:
/// a 404 page's status once landed on the WASM when both went through Leptos's file handler.
#[tokio::test]
async fn site_files_are_served_as_themselves_among_not_found_pages() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    let wasm = vec![0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    std::fs::write(site.path().join("pkg/chatterhub.wasm"), &wasm).unwrap();
    std::fs::write(site.path().join("favicon.svg"), "<svg/>").unwrap();
    let root = site.path().to_owned();
    let app = spawn_app_configured(Engine::Sqlite, move |s| s.site_root = root).await;
    let (_, me) = app.new_user("Fay Files").await;
    let loads = (0..200).map(|i| {
        let app = &app;
        let me = me.clone();
        let wasm = wasm.clone();
        async move {
            if i % 2 == 0 {
                let response = app.get(&format!("/no/such/page/{i}"), Some(&me)).await;
                assert_eq!(response.status(), 404);
            } else {
                let response = app.get("/pkg/chatterhub.wasm", Some(&me)).await;
                assert_eq!(response.status(), 200);
                assert_eq!(response.headers()["content-type"], "application/wasm");
                assert_eq!(response.bytes().await.unwrap().as_ref(), wasm.as_slice());
            }
        }
    });
    futures_util::future::join_all(loads).await;
    let favicon = app.get("/favicon.svg", None).await;
    assert_eq!(favicon.status(), 200);
    assert_eq!(app.get("/pkg/missing.js", None).await.status(), 404);
}
