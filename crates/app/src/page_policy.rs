//! The Content-Security-Policy of every page: scripts only from this origin or carrying this
//! response's nonce (the theme script and Leptos's hydration and streaming scripts get it), WASM
//! allowed to compile, nothing framed, no plugins, forms posted only here.

use leptos::prelude::*;

/// The policy for a page whose inline scripts carry `nonce`. `dev_reload` lets cargo-leptos's
/// reload socket (another port on this machine) through during `make dev`.
pub fn content_security_policy(nonce: &str, dev_reload: bool) -> String {
    let reload = if dev_reload {
        " ws://127.0.0.1:* ws://localhost:*"
    } else {
        ""
    };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; \
         connect-src 'self'{reload}; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Puts the policy with this render's nonce on the page's response.
pub fn apply() {
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        let dev_reload = std::env::var("LEPTOS_WATCH").is_ok();
        let policy = content_security_policy(&nonce.to_string(), dev_reload);
        if let Ok(value) = axum::http::HeaderValue::from_str(&policy) {
            response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_names_the_nonce_and_frames_nothing() {
        let policy = content_security_policy("abc123", false);
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(!policy.contains("ws://"));
        assert!(content_security_policy("n", true).contains("ws://localhost:*"));
    }
}
