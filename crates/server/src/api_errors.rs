//! Server functions answer every error with one status; this gives each `AppError` its own
//! (422 for bad input, 401, 403, 404, 409, 429, ...), so HTTP clients and logs see what happened.
//! A 429 also says in `Retry-After` how many seconds to wait.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use shared::AppError;

/// Error bodies are a small JSON object; anything larger is not one of ours.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn status_from_error(req: Request, next: Next) -> Response {
    let is_server_fn = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    if !is_server_fn || response.status().is_success() || response.status().is_redirection() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        parts.status = StatusCode::INTERNAL_SERVER_ERROR;
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(error.status_code())
    {
        parts.status = status;
        if let AppError::RateLimited(seconds) = error {
            parts
                .headers
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
