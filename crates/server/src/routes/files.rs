//! `GET /files/{key}`: an uploaded file, for a signed-in person who may see what it belongs to
//! (everyone else gets 404, the same as for a file that does not exist). Streamed from the store,
//! never read whole into memory; cached only by that person's browser; PDFs are downloaded, never
//! shown inline, and sandboxed if opened.

use app::auth::session::CookiePolicy;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use domain::Domain;
use domain::files::{FileKey, FileKind};

use crate::auth_gate::resource_reader;

/// A key never changes content, but access can end (a kick): a day in that browser only.
const CACHE: &str = "private, max-age=86400";

pub async fn serve(
    State(domain): State<Domain>,
    State(cookies): State<CookiePolicy>,
    jar: CookieJar,
    Path(key): Path<String>,
) -> Response {
    let not_found = || StatusCode::NOT_FOUND.into_response();
    let Some(key) = FileKey::parse(&key) else {
        return not_found();
    };
    let me = match resource_reader(&domain, cookies, &jar).await {
        Ok(me) => me,
        Err(refused) => return refused,
    };
    match domain::uploads::readable(&domain, me, &key).await {
        Ok(true) => {}
        Ok(false) => return not_found(),
        Err(e) => return failed(&e),
    }
    match domain.files.open(&key).await {
        Ok(Some((size, stream))) => file_response(&key, size, Body::from_stream(stream)),
        Ok(None) => not_found(),
        Err(e) => failed(&e),
    }
}

fn file_response(key: &FileKey, size: u64, body: Body) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(key.kind().content_type()),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE));
    if key.kind() == FileKind::Pdf {
        headers.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment"),
        );
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox; default-src 'none'"),
        );
    }
    response
}

fn failed(e: &dyn std::fmt::Debug) -> Response {
    tracing::error!(error = ?e, "serving a file failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}
