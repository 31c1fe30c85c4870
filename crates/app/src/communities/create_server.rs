//! "Customize your server": a name and an icon. The first-run version cannot be dismissed.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::api::CreateServer;
use super::image_picker::ImagePicker;
use super::state::Refresh;
use crate::auth::pages::FormError;
use crate::ui::Modal;

#[component]
pub fn CreateServerModal(
    /// `None` on first run: the person must create a server (or follow an invite link).
    on_close: Option<Callback<()>>,
) -> impl IntoView {
    let action = ServerAction::<CreateServer>::new();
    let name = RwSignal::new(String::new());
    let image_url = RwSignal::new(None::<String>);
    let refresh = Refresh::get();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(created)) = action.value().get() {
            refresh.bump();
            if let Some(close) = on_close {
                close.run(());
            }
            navigate(&format!("/servers/{}", created.id), Default::default());
        }
    });
    view! {
        <Modal
            title="Customize your server"
            subtitle="Give your new server a personality with a name and an icon. You can always change it later."
            on_close=on_close
        >
            <form
                class="modal-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    action.dispatch(CreateServer { name: name.get(), image_url: image_url.get() });
                }
            >
                <ImagePicker url=image_url name=name.into() />
                <label for="server-name">"Server name"</label>
                <input
                    id="server-name"
                    name="name"
                    type="text"
                    required
                    maxlength="100"
                    bind:value=name
                />
                <FormError value=action.value() />
                <div class="modal-actions">
                    <button type="submit" class="primary" disabled=move || action.pending().get()>
                        "Create"
                    </button>
                </div>
            </form>
        </Modal>
    }
}
