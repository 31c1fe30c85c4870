//! Create or edit a channel: a name and a type (ADMIN, MODERATOR).

use leptos::prelude::*;
use shared::community::{ChannelKind, ServerDetails};
use shared::ids::ChannelId;

use super::api::{CreateChannel, UpdateChannel};
use super::state::OpenDialog;
use crate::auth::pages::FormError;
use crate::ui::Modal;

#[component]
pub fn CreateChannelModal(details: ServerDetails, kind: ChannelKind) -> impl IntoView {
    let dialog = OpenDialog::get();
    let action = ServerAction::<CreateChannel>::new();
    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(kind);
    let server_id = details.server.id;
    dialog.finish_when(action.value(), move |created| {
        Some(format!("/servers/{server_id}/channels/{}", created.id))
    });
    view! {
        <Modal title="Create channel" on_close=dialog.closer()>
            <form
                class="modal-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    action.dispatch(CreateChannel { server_id, name: name.get(), kind: chosen.get().code().to_owned() });
                }
            >
                <ChannelFields name chosen />
                <FormError value=action.value() />
                <div class="modal-actions">
                    <button type="submit" class="primary" disabled=move || action.pending().get()>
                        "Create Channel"
                    </button>
                </div>
            </form>
        </Modal>
    }
}

#[component]
pub fn EditChannelModal(details: ServerDetails, channel_id: ChannelId) -> impl IntoView {
    let dialog = OpenDialog::get();
    let action = ServerAction::<UpdateChannel>::new();
    let current = details
        .channels
        .iter()
        .find(|c| c.id == channel_id)
        .cloned();
    let name = RwSignal::new(current.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let chosen = RwSignal::new(current.map_or(ChannelKind::Text, |c| c.kind));
    dialog.finish_when(action.value(), |_| None);
    view! {
        <Modal title="Edit channel" on_close=dialog.closer()>
            <form
                class="modal-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    action.dispatch(UpdateChannel { channel_id, name: name.get(), kind: chosen.get().code().to_owned() });
                }
            >
                <ChannelFields name chosen />
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

#[component]
fn ChannelFields(name: RwSignal<String>, chosen: RwSignal<ChannelKind>) -> impl IntoView {
    view! {
        <label for="channel-name">"Channel name"</label>
        <input id="channel-name" type="text" required maxlength="100" placeholder="new-channel" bind:value=name />
        <label for="channel-type">"Channel type"</label>
        <select
            id="channel-type"
            on:change=move |ev| {
                if let Ok(kind) = ChannelKind::parse(&event_target_value(&ev)) {
                    chosen.set(kind);
                }
            }
        >
            {ChannelKind::ALL
                .into_iter()
                .map(|kind| {
                    view! {
                        <option value=kind.code() selected=move || chosen.get() == kind>
                            {kind.label()}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}
