//! The server name in the sidebar header opens this menu: "Mark As Read" and "Notification
//! Settings" for everyone, then the items the viewer's role allows.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::community::{ChannelKind, ServerDetails};
use shared::permissions::Action;

use super::state::{Dialog, OpenDialog};
use crate::unread::api::mark_server_read;

#[component]
pub fn ServerMenu(details: ServerDetails) -> impl IntoView {
    let dialog = OpenDialog::get();
    let open = RwSignal::new(false);
    let server_id = details.server.id;
    let mark_read = move |_| {
        open.set(false);
        spawn_local(async move {
            // The marks move with the read state the server sends back to every tab.
            let _ = mark_server_read(server_id).await;
        });
    };
    let items: Vec<(&'static str, Dialog, bool)> = [
        ("Notification Settings", Dialog::Notifications, true, false),
        (
            "Invite People",
            Dialog::Invite,
            details.can(Action::ManageInvite),
            false,
        ),
        (
            "Server Settings",
            Dialog::EditServer,
            details.can(Action::EditServer),
            false,
        ),
        (
            "Manage Members",
            Dialog::Members,
            details.can(Action::EditServer),
            false,
        ),
        (
            "Create Channel",
            Dialog::CreateChannel(ChannelKind::Text),
            details.can(Action::CreateChannel),
            false,
        ),
        (
            "Delete Server",
            Dialog::DeleteServer,
            details.can(Action::DeleteServer),
            true,
        ),
        (
            "Leave Server",
            Dialog::LeaveServer,
            details.can(Action::LeaveServer),
            true,
        ),
    ]
    .into_iter()
    .filter(|(_, _, allowed, _)| *allowed)
    .map(|(label, dialog, _, danger)| (label, dialog, danger))
    .collect();
    view! {
        <div class="server-menu">
            <button
                type="button"
                class="server-header"
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="server-header-name">{details.server.name.clone()}</span>
                <span aria-hidden="true">{move || if open.get() { "✕" } else { "⌄" }}</span>
            </button>
            <Show when=move || open.get()>
                <ul class="menu" role="menu" aria-label="Server menu">
                    <li role="none">
                        <button type="button" role="menuitem" class="menu-item" on:click=mark_read>
                            "Mark As Read"
                        </button>
                    </li>
                    {items
                        .iter()
                        .map(|&(label, target, danger)| {
                            view! {
                                <li role="none">
                                    <button
                                        type="button"
                                        role="menuitem"
                                        class=if danger { "menu-item danger-text" } else { "menu-item" }
                                        on:click=move |_| {
                                            open.set(false);
                                            dialog.open(target);
                                        }
                                    >
                                        {label}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </Show>
        </div>
    }
}
