//! Attaching a file to a message: choose it, see a preview, add a caption, watch the upload's
//! progress. Wrong types and files over the size limit are refused before anything is sent (and the
//! server checks the bytes again).

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::files::ATTACHMENT_MAX_MB;

use super::upload::upload_attachment_with_progress;
use crate::ui::Modal;

const ACCEPT: &str = "image/png,image/jpeg,image/gif,image/webp,application/pdf";

/// What was chosen, for the preview.
#[derive(Debug, Clone, PartialEq)]
enum Preview {
    Image(String),
    Document(String),
}

#[component]
pub fn AttachModal(on_close: Callback<()>, on_send: Callback<(String, String)>) -> impl IntoView {
    let input = NodeRef::<Input>::new();
    let preview = RwSignal::new(None::<Preview>);
    let caption = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let progress = RwSignal::new(None::<f64>);
    let chosen = move || {
        input
            .get_untracked()
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
    };
    let on_change = move |_| {
        error.set(None);
        preview.set(None);
        let Some(file) = chosen() else {
            return;
        };
        if let Err(e) = check(&file.type_(), file.size()) {
            error.set(Some(e));
            return;
        }
        preview.set(Some(if file.type_() == "application/pdf" {
            Preview::Document(file.name())
        } else {
            Preview::Image(web_sys::Url::create_object_url_with_blob(&file).unwrap_or_default())
        }));
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(file) = chosen() else {
            error.set(Some("Choose a file to attach.".into()));
            return;
        };
        if let Err(e) = check(&file.type_(), file.size()) {
            error.set(Some(e));
            return;
        }
        progress.set(Some(0.0));
        spawn_local(async move {
            match upload_attachment_with_progress(file, progress).await {
                Ok(url) => on_send.run((caption.get_untracked().trim().to_owned(), url)),
                Err(e) => {
                    error.set(Some(e.to_string()));
                    progress.set(None);
                }
            }
        });
    };
    view! {
        <Modal title="Add an attachment" subtitle=format!("Send an image or a PDF (at most {ATTACHMENT_MAX_MB} MB).") on_close>
            <form class="modal-form" on:submit=submit>
                <label for="attachment-file">"File"</label>
                <input id="attachment-file" type="file" accept=ACCEPT node_ref=input on:change=on_change />
                {move || {
                    preview
                        .get()
                        .map(|p| match p {
                            Preview::Image(src) => view! { <img class="attach-preview" src=src alt="Preview of the chosen image" /> }.into_any(),
                            Preview::Document(name) => view! { <p class="attach-preview-file">{format!("PDF: {name}")}</p> }.into_any(),
                        })
                }}
                <label for="attachment-caption">"Caption (optional)"</label>
                <input id="attachment-caption" type="text" maxlength="2000" prop:value=move || caption.get() on:input=move |ev| caption.set(event_target_value(&ev)) />
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                {move || {
                    progress
                        .get()
                        .map(|p| {
                            let percent = (p * 100.0).round();
                            view! {
                                <label for="upload-progress">"Uploading"</label>
                                <progress id="upload-progress" max="100" value=percent>{format!("{percent}%")}</progress>
                            }
                        })
                }}
                <div class="modal-actions">
                    <button type="button" class="secondary" on:click=move |_| on_close.run(())>"Cancel"</button>
                    <button type="submit" class="primary" disabled=move || progress.get().is_some()>"Send"</button>
                </div>
            </form>
        </Modal>
    }
}

/// Refuses what the server would refuse, before uploading.
fn check(mime: &str, size: f64) -> Result<(), String> {
    if !ACCEPT.split(',').any(|accepted| accepted == mime) {
        return Err("Only PNG, JPEG, GIF or WebP images and PDF files can be attached.".into());
    }
    // File sizes in the browser are doubles; any real size is far below 2^53.
    if size > (ATTACHMENT_MAX_MB * 1024 * 1024) as f64 {
        return Err(format!("The file is larger than {ATTACHMENT_MAX_MB} MB."));
    }
    Ok(())
}
