//! Confirmations for what cannot be undone: delete a channel or a server, leave a server; and
//! the inline one under a member's row (kick, hand over).

use leptos::prelude::*;
use shared::community::ServerDetails;
use shared::ids::ChannelId;

use super::api::{DeleteChannel, DeleteServer, LeaveServer};
use super::state::OpenDialog;
use crate::auth::pages::FormError;
use crate::ui::Modal;

#[component]
pub fn DeleteChannelModal(details: ServerDetails, channel_id: ChannelId) -> impl IntoView {
    let dialog = OpenDialog::get();
    let action = ServerAction::<DeleteChannel>::new();
    let name = details
        .channels
        .iter()
        .find(|c| c.id == channel_id)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let server_id = details.server.id;
    dialog.finish_when(action.value(), move |_| {
        Some(format!("/servers/{server_id}"))
    });
    view! {
        <Confirm
            title="Delete channel"
            message=format!("Are you sure? #{name} and its messages will be deleted for everyone.")
            confirm="Delete Channel"
            pending=action.pending().into()
            result=Signal::derive(move || action.value().get())
            on_confirm=Callback::new(move |()| {
                action.dispatch(DeleteChannel { channel_id });
            })
        />
    }
}

#[component]
pub fn DeleteServerModal(details: ServerDetails) -> impl IntoView {
    let action = ServerAction::<DeleteServer>::new();
    let server_id = details.server.id;
    OpenDialog::get().finish_when(action.value(), |()| Some("/".into()));
    view! {
        <Confirm
            title="Delete server"
            message=format!(
                "Are you sure you want to delete {}? Its channels and messages will be gone for everyone.",
                details.server.name,
            )
            confirm="Delete Server"
            pending=action.pending().into()
            result=Signal::derive(move || action.value().get())
            on_confirm=Callback::new(move |()| {
                action.dispatch(DeleteServer { server_id });
            })
        />
    }
}

#[component]
pub fn LeaveServerModal(details: ServerDetails) -> impl IntoView {
    let action = ServerAction::<LeaveServer>::new();
    let server_id = details.server.id;
    OpenDialog::get().finish_when(action.value(), |()| Some("/".into()));
    view! {
        <Confirm
            title="Leave server"
            message=format!("Are you sure you want to leave {}?", details.server.name)
            confirm="Leave Server"
            pending=action.pending().into()
            result=Signal::derive(move || action.value().get())
            on_confirm=Callback::new(move |()| {
                action.dispatch(LeaveServer { server_id });
            })
        />
    }
}

#[component]
fn Confirm<T: Clone + Send + Sync + 'static>(
    #[prop(into)] title: String,
    message: String,
    confirm: &'static str,
    pending: Signal<bool>,
    result: Signal<Option<Result<T, shared::AppError>>>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let dialog = OpenDialog::get();
    view! {
        <Modal title=title on_close=dialog.closer()>
            <p class="confirm-message">{message}</p>
            <FormError value=result />
            <CancelOrConfirm
                class="modal-actions"
                size=""
                on_cancel=Callback::new(move |()| dialog.close())
                disabled=pending
                confirm
                on_confirm
            />
        </Modal>
    }
}

/// A confirmation shown under the button that asked for it while `confirming`: what will
/// happen (`children`), Cancel, and the action's own button.
#[component]
pub fn InlineConfirm(
    /// The group's accessible name: the question asked.
    #[prop(into)]
    label: String,
    confirming: RwSignal<bool>,
    disabled: Signal<bool>,
    #[prop(into)] confirm: Signal<&'static str>,
    on_confirm: Callback<()>,
    children: ChildrenFn,
) -> impl IntoView {
    view! {
        <Show when=move || confirming.get()>
            <div class="kick-confirm" role="group" aria-label=label.clone()>
                {children()}
                <CancelOrConfirm
                    class="actions"
                    size=" small"
                    on_cancel=Callback::new(move |()| confirming.set(false))
                    disabled
                    confirm
                    on_confirm
                />
            </div>
        </Show>
    }
}

/// Cancel, then the action's own button (a dangerous one), in a row of class `class`; `size`
/// is added to both buttons' classes.
#[component]
fn CancelOrConfirm(
    class: &'static str,
    size: &'static str,
    on_cancel: Callback<()>,
    disabled: Signal<bool>,
    #[prop(into)] confirm: Signal<&'static str>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    view! {
        <div class=class>
            <button type="button" class=format!("secondary{size}") on:click=move |_| on_cancel.run(())>
                "Cancel"
            </button>
            <button
                type="button"
                class=format!("danger{size}")
                disabled=move || disabled.get()
                on:click=move |_| on_confirm.run(())
            >
                {move || confirm.get()}
            </button>
        </div>
    }
}
