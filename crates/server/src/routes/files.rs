//! `GET /files/{key}`: uploaded files, served with their real type, `nosniff`, and cached for
//! good (a key never changes content).

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Domain;
use domain::files::FileKey;

pub async fn serve(State(domain): State<Domain>, Path(key): Path<String>) -> Response {
    let Some(key) = FileKey::parse(&key) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match domain.files.get(&key).await {
        Ok(Some(bytes)) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(key.kind().content_type()),
                ),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = ?e, "serving a file failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
