//! Bounds on a single request: how large its body may be (uploads get room for a file, every
//! other request a little) and how long it and its body may take, so a slow or endless client
//! cannot hold a request, an upload or a download open for ever.

use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::Limited;

/// An upload: the largest attachment (8 MB) plus the multipart form around it.
pub const UPLOAD_BODY_BYTES: usize = 9 * 1024 * 1024;
/// Everything else: a message of 2,000 characters and its fields fit many times over.
pub const OTHER_BODY_BYTES: usize = 64 * 1024;
/// The longest a handler may take to answer.
pub const HANDLER_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest a request or response body may stall between two pieces.
pub const BODY_STALL_TIMEOUT: Duration = Duration::from_secs(30);

const UPLOAD_PATHS: [&str; 2] = ["/api/upload_image", "/api/upload_attachment"];

/// The most body `path` accepts.
fn body_limit(path: &str) -> usize {
    if UPLOAD_PATHS.contains(&path) {
        UPLOAD_BODY_BYTES
    } else {
        OTHER_BODY_BYTES
    }
}

/// Refuses a declared body over the route's limit at once (413), and cuts off an undeclared one
/// as soon as it passes the limit.
pub async fn limit_body(req: Request, next: Next) -> Response {
    let limit = body_limit(req.uri().path());
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        let message = format!("The request is too large: at most {} KiB.", limit / 1024);
        return (StatusCode::PAYLOAD_TOO_LARGE, message).into_response();
    }
    let (parts, body) = req.into_parts();
    let limited = Body::new(Limited::new(body, limit));
    next.run(Request::from_parts(parts, limited)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_uploads_get_room_for_a_file() {
        assert_eq!(body_limit("/api/upload_attachment"), UPLOAD_BODY_BYTES);
        assert_eq!(body_limit("/api/send_message"), OTHER_BODY_BYTES);
        assert_eq!(body_limit("/api/upload_attachment/x"), OTHER_BODY_BYTES);
    }
}
