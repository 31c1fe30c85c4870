//! Choosing an image: uploads it at once, shows a preview, and hands back its URL.

use leptos::prelude::*;
use shared::AppError;

use crate::files::upload_chosen_file;
use crate::ui::Avatar;

#[component]
pub fn ImagePicker(
    /// The uploaded image's URL (also the form's `image_url` field).
    url: RwSignal<Option<String>>,
    /// Shown in the preview when there is no image.
    name: Signal<String>,
    #[prop(default = "Server image")] label: &'static str,
) -> impl IntoView {
    let upload =
        Action::new_local(|input: &web_sys::HtmlInputElement| upload_chosen_file(input.clone()));
    Effect::new(move |_| {
        if let Some(Ok(uploaded)) = upload.value().get() {
            url.set(Some(uploaded));
        }
    });
    let error = move || match upload.value().get() {
        Some(Err(e)) => Some(e),
        _ => None::<AppError>,
    };
    view! {
        <div class="image-picker">
            {move || view! { <Avatar name=name.get() image_url=url.get() class="image-preview" /> }}
            <label for="image-file">{label}</label>
            <input
                id="image-file"
                type="file"
                accept="image/png,image/jpeg,image/gif,image/webp"
                on:change=move |ev| {
                    upload.dispatch_local(event_target(&ev));
                }
            />
            <input type="hidden" name="image_url" prop:value=move || url.get().unwrap_or_default() />
            <Show when=move || upload.pending().get()>
                <p class="hint">"Uploading…"</p>
            </Show>
            {move || error().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
        </div>
    }
}
