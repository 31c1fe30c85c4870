//! "Invite friends": the link to copy, and a way to replace it (ADMIN, MODERATOR).

use leptos::prelude::*;
use shared::community::ServerDetails;

use super::api::RegenerateInvite;
use super::state::{OpenDialog, Refresh};
use crate::auth::pages::FormError;
use crate::ui::{Modal, copy_to_clipboard};

#[component]
pub fn InviteModal(details: ServerDetails) -> impl IntoView {
    let dialog = OpenDialog::get();
    let refresh = Refresh::get();
    let regenerate = ServerAction::<RegenerateInvite>::new();
    let code = RwSignal::new(details.invite_code.clone().unwrap_or_default());
    let server_id = details.server.id;
    Effect::new(move |_| {
        if let Some(Ok(new_code)) = regenerate.value().get() {
            code.set(new_code);
            refresh.bump();
        }
    });
    let link = move || format!("{}/invite/{}", origin(), code.get());
    let copied = RwSignal::new(false);
    let copy = move |_| {
        copy_to_clipboard(&link());
        copied.set(true);
        set_timeout(
            move || copied.set(false),
            std::time::Duration::from_millis(1500),
        );
    };
    view! {
        <Modal title="Invite friends" on_close=dialog.closer()>
            <div class="modal-form">
                <label for="invite-link">"Invite link"</label>
                <div class="input-row">
                    <input id="invite-link" type="text" readonly prop:value=link />
                    <button type="button" class="primary" on:click=copy>
                        {move || if copied.get() { "Copied" } else { "Copy" }}
                    </button>
                </div>
                <FormError value=regenerate.value() />
                <button
                    type="button"
                    class="link-button"
                    disabled=move || regenerate.pending().get()
                    on:click=move |_| {
                        regenerate.dispatch(RegenerateInvite { server_id });
                    }
                >
                    "Generate a new link"
                </button>
            </div>
        </Modal>
    }
}

/// This site's origin in the browser (empty while rendering on the server).
fn origin() -> String {
    #[cfg(any(feature = "hydrate", feature = "csr"))]
    {
        window().location().origin().unwrap_or_default()
    }
    #[cfg(not(any(feature = "hydrate", feature = "csr")))]
    {
        String::new()
    }
}
