//! Headers every response carries: no MIME sniffing, no referrer beyond this site, camera and
//! microphone for this origin only, never framed, HSTS when the site is https. Each request gets
//! a nonce before it is handled; an HTML page's Content-Security-Policy allows the scripts that
//! carry it (`app::page_policy`); any other response without a policy of its own gets one that
//! allows nothing.

use std::sync::Arc;

use app::page_policy::{PageNonce, content_security_policy};
use axum::extract::{Request, State};
use axum::http::header::{
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

const PERMISSIONS_POLICY: HeaderName = HeaderName::from_static("permissions-policy");
const PERMISSIONS: &str = "camera=(self), microphone=(self), display-capture=(self), \
                           geolocation=(), payment=(), usb=()";
const NOTHING_ALLOWED: &str = "default-src 'none'; frame-ancestors 'none'";
/// A year, the usual HSTS lifetime.
const HSTS: &str = "max-age=31536000";

/// Whether the site is served over https (then browsers are told to keep it that way), and
/// where else pages may connect (`Settings::connect_sources`).
#[derive(Clone, Debug)]
pub struct HeaderPolicy {
    pub https: bool,
    pub connect: Arc<str>,
}

pub async fn add(State(policy): State<HeaderPolicy>, mut req: Request, next: Next) -> Response {
    let nonce = PageNonce::generate();
    req.extensions_mut().insert(nonce.clone());
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    let html = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        let page = content_security_policy(&nonce, &policy.connect);
        if let Ok(value) = HeaderValue::from_str(&page) {
            headers.insert(CONTENT_SECURITY_POLICY, value);
        }
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(PERMISSIONS_POLICY, HeaderValue::from_static(PERMISSIONS));
    if !headers.contains_key(CONTENT_SECURITY_POLICY) {
        headers.insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(NOTHING_ALLOWED),
        );
    }
    if policy.https {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}
