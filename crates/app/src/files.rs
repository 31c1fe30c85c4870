//! Uploading files: the server function, and checking that a file URL is one of ours.

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use shared::AppError;

/// Stores an uploaded image (the form field `file`: PNG, JPEG, GIF or WebP, at most 4 MB) and
/// returns the URL it is served from.
#[server(prefix = "/api", endpoint = "upload_image", input = MultipartFormData)]
pub async fn upload_image(data: MultipartData) -> Result<String, AppError> {
    use domain::files::{FileKind, IMAGE_MAX_MB};
    let me = crate::auth::session::require_user().await?;
    let bytes = read_file_field(data, IMAGE_MAX_MB).await?;
    let domain = crate::auth::session::domain()?;
    let key = domain::uploads::store(&domain, me.id, bytes, FileKind::IMAGES, IMAGE_MAX_MB).await?;
    Ok(key.url())
}

/// Stores a message attachment (the form field `file`: an image or a PDF, at most 8 MB) and
/// returns the URL it is served from.
#[server(prefix = "/api", endpoint = "upload_attachment", input = MultipartFormData)]
pub async fn upload_attachment(data: MultipartData) -> Result<String, AppError> {
    use domain::files::{ATTACHMENT_MAX_MB, FileKind};
    let me = crate::auth::session::require_user().await?;
    let bytes = read_file_field(data, ATTACHMENT_MAX_MB).await?;
    let domain = crate::auth::session::domain()?;
    let key = domain::uploads::store(
        &domain,
        me.id,
        bytes,
        FileKind::ATTACHMENTS,
        ATTACHMENT_MAX_MB,
    )
    .await?;
    Ok(key.url())
}

/// The bytes of the multipart field `file`, refusing more than `max_mb` megabytes as it streams.
#[cfg(feature = "ssr")]
async fn read_file_field(data: MultipartData, max_mb: usize) -> Result<Vec<u8>, AppError> {
    let malformed = |e: String| AppError::Request(format!("malformed upload: {e}"));
    let mut multipart = data
        .into_inner()
        .ok_or_else(|| malformed("no body".into()))?;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| malformed(e.to_string()))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| malformed(e.to_string()))? {
            if bytes.len() + chunk.len() > max_mb * 1024 * 1024 {
                return Err(AppError::Validation(format!(
                    "The file is larger than {max_mb} MB."
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
    Err(AppError::Validation("Choose a file to upload.".into()))
}

/// Uploads the file chosen in a file input and returns its URL (in the browser; on the server
/// there is no file input to read).
pub async fn upload_chosen_file(input: web_sys::HtmlInputElement) -> Result<String, AppError> {
    #[cfg(any(feature = "hydrate", feature = "csr"))]
    {
        let file = input
            .files()
            .and_then(|files| files.get(0))
            .ok_or_else(|| AppError::Validation("Choose a file to upload.".into()))?;
        let data = web_sys::FormData::new().map_err(|_| AppError::Internal)?;
        data.append_with_blob("file", &file)
            .map_err(|_| AppError::Internal)?;
        upload_image(data.into()).await
    }
    #[cfg(not(any(feature = "hydrate", feature = "csr")))]
    {
        let _ = input;
        Err(AppError::Internal)
    }
}
