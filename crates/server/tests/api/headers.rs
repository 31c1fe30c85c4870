//! Security headers: every page's Content-Security-Policy names a fresh nonce that every inline
//! script of that page carries (so nothing else runs); every response forbids sniffing and
//! framing; HSTS only behind https.

use std::collections::HashSet;

use crate::communities::Community;
use crate::helpers::{Engine, spawn_app_configured};
use crate::on_both_engines;

on_both_engines!(
    every_script_of_every_page_carries_the_policys_nonce,
    other_responses_allow_nothing_and_https_adds_hsts,
);

/// The nonce a page's policy allows, after checking the rest of the policy.
fn policy_nonce(response: &reqwest::Response) -> String {
    let headers = response.headers();
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert!(
        headers["permissions-policy"]
            .to_str()
            .unwrap()
            .contains("camera=(self)")
    );
    let start = policy.find("'nonce-").expect("a nonce") + "'nonce-".len();
    let end = start + policy[start..].find('\'').unwrap();
    policy[start..end].to_owned()
}

/// Every `<script ...>` opening tag of the page.
fn script_tags(html: &str) -> Vec<&str> {
    html.match_indices("<script")
        .map(|(at, _)| &html[at..at + html[at..].find('>').unwrap()])
        .collect()
}

async fn every_script_of_every_page_carries_the_policys_nonce(engine: Engine) {
    let c = Community::new(engine).await;
    let pages = [
        ("/sign-in".to_owned(), None),
        ("/".to_owned(), Some(&c.guest)),
        (format!("/servers/{}", c.server), Some(&c.guest)),
        (
            format!("/servers/{}/channels/{}", c.server, c.general),
            Some(&c.guest),
        ),
        ("/no/such/page".to_owned(), Some(&c.guest)),
    ];
    // Many at once, as browsers load them: each response's header and body must agree.
    let loads = (0..8).flat_map(|_| pages.clone()).map(|(path, who)| {
        let app = &c.app;
        async move {
            let response = app.get(&path, who).await;
            let nonce = policy_nonce(&response);
            let html = response.text().await.unwrap();
            let scripts = script_tags(&html);
            assert!(!scripts.is_empty(), "{path} has scripts");
            for tag in scripts {
                assert!(
                    tag.contains(&format!("nonce=\"{nonce}\"")),
                    "{path}: a script without the nonce: {tag}"
                );
            }
            nonce
        }
    });
    let nonces: Vec<String> = futures_util::future::join_all(loads).await;
    let distinct: HashSet<&String> = nonces.iter().collect();
    assert_eq!(
        distinct.len(),
        nonces.len(),
        "every response has its own nonce"
    );
}

async fn other_responses_allow_nothing_and_https_adds_hsts(engine: Engine) {
    let c = Community::new(engine.clone()).await;
    let response = c.app.post_form("/api/me", &[], Some(&c.guest)).await;
    let headers = response.headers();
    assert_eq!(
        headers["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(headers.get("strict-transport-security").is_none());

    let app = spawn_app_configured(engine, |s| {
        s.public_url = Some("https://chat.example".parse().unwrap());
    })
    .await;
    let response = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000"
    );
}
