//! Uploads an attachment with `XMLHttpRequest`, which (unlike `fetch`) reports upload progress.
//! It posts the same multipart form to the same server function, `files::upload_attachment`.

use leptos::prelude::*;
use shared::AppError;

#[cfg(feature = "browser")]
pub async fn upload_attachment_with_progress(
    file: web_sys::File,
    progress: RwSignal<Option<f64>>,
) -> Result<String, AppError> {
    use leptos::server_fn::ServerFn;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let failed = |_| AppError::Request("The upload could not start.".into());
    let xhr = web_sys::XmlHttpRequest::new().map_err(failed)?;
    xhr.open("POST", <crate::files::UploadAttachment as ServerFn>::PATH)
        .map_err(failed)?;
    xhr.set_request_header("Accept", "application/json")
        .map_err(failed)?;
    let form = web_sys::FormData::new().map_err(failed)?;
    form.append_with_blob("file", &file).map_err(failed)?;
    let on_progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
            if ev.length_computable() && ev.total() > 0.0 {
                progress.set(Some(ev.loaded() / ev.total()));
            }
        });
    xhr.upload()
        .map_err(failed)?
        .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    let (done, finished) = futures::channel::oneshot::channel::<()>();
    let mut done = Some(done);
    let on_end = Closure::<dyn FnMut()>::new(move || {
        if let Some(done) = done.take() {
            let _ = done.send(());
        }
    });
    xhr.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
    xhr.send_with_opt_form_data(Some(&form)).map_err(failed)?;
    let _ = finished.await;
    let status = xhr.status().unwrap_or(0);
    let body = xhr.response_text().ok().flatten().unwrap_or_default();
    if status == 0 {
        return Err(AppError::Request("The upload was interrupted.".into()));
    }
    if (200..300).contains(&status) {
        serde_json::from_str::<String>(&body)
            .map_err(|_| AppError::Request("The server's answer was not understood.".into()))
    } else {
        Err(serde_json::from_str::<AppError>(&body)
            .unwrap_or_else(|_| AppError::Request(format!("The upload failed ({status})."))))
    }
}

/// On the server there is no file to upload.
#[cfg(not(feature = "browser"))]
pub async fn upload_attachment_with_progress(
    _file: web_sys::File,
    _progress: RwSignal<Option<f64>>,
) -> Result<String, AppError> {
    Err(AppError::Internal)
}
