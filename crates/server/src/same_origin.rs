//! Cross-site requests are refused: every state-changing request (all server functions, uploads
//! included) and every `/ws` upgrade must come from one of the site's own pages. Browsers say
//! where a request comes from in `Origin` (or, failing that, `Referer`); a page on another site
//! cannot forge either. This also stops login CSRF and forced sign-outs.

use axum::extract::{Request, State};
use axum::http::header::{HOST, ORIGIN, REFERER};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use url::Url;

/// The site's own origin: the public URL's when one is set, else the one the request names in
/// `Host` (any scheme: without a public URL the server cannot know which one the browser used).
#[derive(Clone, Debug, Default)]
pub struct SiteOrigin(Option<url::Origin>);

impl SiteOrigin {
    pub fn new(public_url: Option<&Url>) -> Self {
        Self(public_url.map(Url::origin))
    }

    /// Whether a request with these headers comes from one of the site's pages.
    fn admits(&self, headers: &HeaderMap) -> bool {
        let Some(from) = source(headers) else {
            return false;
        };
        match &self.0 {
            Some(site) => from.origin() == *site,
            None => {
                let host = headers.get(HOST).and_then(|h| h.to_str().ok());
                host.is_some_and(|host| authority(&from).eq_ignore_ascii_case(host))
            }
        }
    }
}

pub async fn require(State(site): State<SiteOrigin>, req: Request, next: Next) -> Response {
    if !changes_state(&req) || site.admits(req.headers()) {
        return next.run(req).await;
    }
    (
        StatusCode::FORBIDDEN,
        "Cross-site requests are refused: use ChatterHub from its own pages.",
    )
        .into_response()
}

/// Everything but reads, and the live feed's upgrade (a GET that opens a session's socket).
fn changes_state(req: &Request) -> bool {
    let read = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    !read || req.uri().path() == "/ws"
}

/// Where the request says it comes from: `Origin`, else the origin of `Referer`.
fn source(headers: &HeaderMap) -> Option<Url> {
    let origin = headers.get(ORIGIN).and_then(|v| v.to_str().ok());
    let referer = headers.get(REFERER).and_then(|v| v.to_str().ok());
    // A sandboxed or privacy-stripped page sends "null": not the site.
    match origin {
        Some("null") => None,
        Some(origin) => Url::parse(origin).ok(),
        None => referer.and_then(|r| Url::parse(r).ok()),
    }
    .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

/// `host` or `host:port` as a `Host` header writes it (default ports left out, as browsers do).
fn authority(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn without_a_public_url_the_origin_must_name_the_host() {
        let site = SiteOrigin::new(None);
        let host = ("host", "127.0.0.1:3000");
        assert!(site.admits(&headers(&[host, ("origin", "http://127.0.0.1:3000")])));
        assert!(site.admits(&headers(&[
            host,
            ("referer", "http://127.0.0.1:3000/sign-in?next=/")
        ])));
        for refused in [
            vec![host],
            vec![host, ("origin", "http://evil.example")],
            vec![host, ("origin", "http://127.0.0.1:3001")],
            vec![
                host,
                ("origin", "null"),
                ("referer", "http://127.0.0.1:3000/"),
            ],
            vec![host, ("referer", "http://127.0.0.1:3000.evil.example/")],
            vec![host, ("origin", "file:///etc/passwd")],
            vec![("origin", "http://127.0.0.1:3000")],
        ] {
            assert!(!site.admits(&headers(&refused)), "{refused:?}");
        }
    }

    #[test]
    fn with_a_public_url_scheme_host_and_port_must_match_it() {
        let public = Url::parse("https://chat.example/").unwrap();
        let site = SiteOrigin::new(Some(&public));
        let host = ("host", "chat.example");
        assert!(site.admits(&headers(&[host, ("origin", "https://chat.example")])));
        assert!(site.admits(&headers(&[host, ("origin", "https://chat.example:443")])));
        for origin in [
            "http://chat.example",
            "https://chat.example:8443",
            "https://evil.example",
        ] {
            assert!(
                !site.admits(&headers(&[host, ("origin", origin)])),
                "{origin}"
            );
        }
    }
}
