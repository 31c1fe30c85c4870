//! The Content-Security-Policy of every page: scripts only from this origin or carrying this
//! response's nonce (the theme script and Leptos's hydration and streaming scripts get it), WASM
//! allowed to compile, nothing framed, no plugins, forms posted only here.
//!
//! The nonce is made per request before rendering (`PageNonce`, put in the request by the
//! server), provided to the render as Leptos's `Nonce`, and written into the response's header
//! by the server after rendering: the header never depends on what the render managed to set.

use std::sync::Arc;

use leptos::prelude::*;

/// This request's nonce, from before the render starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageNonce(Arc<str>);

impl PageNonce {
    /// 122 random bits, as 32 hex digits.
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string().into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Makes this request's nonce the one the render puts on its inline scripts (called from
    /// the render's context, after Leptos provided a nonce of its own).
    pub fn provide_from_request() {
        let nonce = use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<PageNonce>().cloned());
        if let Some(nonce) = nonce {
            provide_context(leptos::nonce::Nonce::from_value(nonce.0));
        }
    }
}

/// The policy for a page whose inline scripts carry `nonce`, which may connect to this site and
/// to `connect` (space-separated sources: a LiveKit server, cargo-leptos's reload socket).
pub fn content_security_policy(nonce: &PageNonce, connect: &str) -> String {
    let connect = if connect.is_empty() {
        String::new()
    } else {
        format!(" {connect}")
    };
    let nonce = nonce.as_str();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; \
         connect-src 'self'{connect}; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_names_the_nonce_and_frames_nothing() {
        let nonce = PageNonce::generate();
        assert_eq!(nonce.as_str().len(), 32);
        assert_ne!(nonce, PageNonce::generate());
        let policy = content_security_policy(&nonce, "");
        let allowed = format!(
            "script-src 'self' 'nonce-{}' 'wasm-unsafe-eval'",
            nonce.as_str()
        );
        assert!(policy.contains(&allowed));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(!policy.contains("ws://"));
        assert!(policy.contains("connect-src 'self';"));
        let livekit = content_security_policy(&nonce, "https://lk.example wss://lk.example");
        assert!(livekit.contains("connect-src 'self' https://lk.example wss://lk.example;"));
    }
}
