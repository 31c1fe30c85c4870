//! Server settings: rename and change the icon (ADMIN).

use leptos::prelude::*;
use shared::community::ServerDetails;

use super::api::UpdateServer;
use super::image_picker::ImagePicker;
use super::state::OpenDialog;
use crate::auth::pages::FormError;
use crate::ui::Modal;

#[component]
pub fn EditServerModal(details: ServerDetails) -> impl IntoView {
    let dialog = OpenDialog::get();
    let action = ServerAction::<UpdateServer>::new();
    let name = RwSignal::new(details.server.name.clone());
    let image_url = RwSignal::new(details.server.image_url.clone());
    let server_id = details.server.id;
    dialog.finish_when(action.value(), |_| None);
    view! {
        <Modal title="Server settings" on_close=dialog.closer()>
            <form
                class="modal-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    action.dispatch(UpdateServer { server_id, name: name.get(), image_url: image_url.get() });
                }
            >
                <ImagePicker url=image_url name=name.into() />
                <label for="server-name">"Server name"</label>
                <input id="server-name" type="text" required maxlength="100" bind:value=name />
                <FormError value=action.value() />
                <div class="modal-actions">
                    <button type="submit" class="primary" disabled=move || action.pending().get()>
                        "Save"
                    </button>
                </div>
            </form>
        </Modal>
    }
}
