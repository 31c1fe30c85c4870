//! `/servers/:server_id/...`: loads the server for this viewer, shows its sidebar and dialogs,
//! and the channel inside. A server the viewer is not in is a plain not-found page.

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use shared::AppError;
use shared::ids::ServerId;
use shared::live::Topic;

use super::channel_form::{CreateChannelModal, EditChannelModal};
use super::confirm::{DeleteChannelModal, DeleteServerModal, LeaveServerModal};
use super::edit_server::EditServerModal;
use super::gone::{NoLongerMember, ServerUnreachable};
use super::invite::InviteModal;
use super::members::MembersModal;
use super::notify_settings::{ChannelNotifyModal, ServerNotifyModal};
use super::palette::{SearchPalette, open_search_on_ctrl_k};
use super::sidebar::ServerSidebar;
use super::state::{CurrentServer, Dialog, OpenDialog};
use crate::chat::store::Chat;
use crate::not_found::NotFound;
use crate::presence::Presence;
use crate::route_param::route_param;
use crate::shell::UserPanel;

/// What the server view shows in place of the channel.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shown {
    Server,
    /// Not a member (never was, as far as this page knows), or no such server.
    Missing,
    /// Shown a moment ago, now refused: the reader is no longer a member.
    Left(String),
    /// The server could not be loaded; the reason.
    Unreachable(String),
}

#[component]
pub fn ServerLayout() -> impl IntoView {
    let server_id = route_param::<ServerId>("server_id");
    let current = CurrentServer::provide(server_id);
    // Channel, member and server changes arrive live while the server is open.
    let chat = Chat::get();
    Effect::new(move |_| {
        if let Some(id) = server_id.get() {
            chat.follow(Topic::Server(id));
            on_cleanup(move || chat.unfollow(Topic::Server(id)));
        }
    });
    // Who is here among its members (asked only once the reader is known to be one), loaded
    // again whenever the server view reloads.
    let refresh = super::state::Refresh::get();
    let member_of = Memo::new(move |_| current.details().map(|d| d.server.id));
    Presence::get().follow_server(
        member_of,
        move || {
            refresh.track();
        },
        move || {
            current
                .details()
                .map(|d| d.members.iter().map(|m| m.profile_id).collect())
                .unwrap_or_default()
        },
    );
    // The last server shown: if it stops answering to this reader, they were removed.
    let seen = StoredValue::new(None::<(ServerId, String)>);
    let shown = Memo::new(move |_| {
        Some(match current.result()? {
            Ok(details) => {
                seen.set_value(Some((details.server.id, details.server.name)));
                Shown::Server
            }
            Err(AppError::NotFound | AppError::Forbidden | AppError::Banned) => {
                match seen.get_value() {
                    Some((id, name)) if Some(id) == server_id.get_untracked() => Shown::Left(name),
                    _ => Shown::Missing,
                }
            }
            Err(e) => Shown::Unreachable(e.to_string()),
        })
    });
    let dialog = OpenDialog::provide();
    open_search_on_ctrl_k(dialog);
    // Switching servers closes whatever dialog was open.
    Effect::new(move |_| {
        server_id.track();
        dialog.close();
    });
    view! {
        // One boundary awaits the server, so the server-rendered page already says "not found".
        // What is inside is built again only when access changes, not on every reload.
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let _ = current.ready().await;
                view! {
                    <aside class="sidebar">
                        {move || current.details().map(|d| view! { <ServerSidebar details=d /> })}
                        <UserPanel />
                    </aside>
                    <main class="content">
                        {move || match shown.get() {
                            Some(Shown::Server) => view! { <Outlet /> }.into_any(),
                            Some(Shown::Missing) => view! { <NotFound /> }.into_any(),
                            Some(Shown::Left(name)) => view! { <NoLongerMember name /> }.into_any(),
                            Some(Shown::Unreachable(error)) => {
                                view! { <ServerUnreachable error /> }.into_any()
                            }
                            None => ().into_any(),
                        }}
                    </main>
                }
            })}
        </Transition>
        {move || {
            let open = dialog.current()?;
            let d = current.details()?;
            Some(match open {
                Dialog::Invite => view! { <InviteModal details=d /> }.into_any(),
                Dialog::EditServer => view! { <EditServerModal details=d /> }.into_any(),
                Dialog::Members => view! { <MembersModal details=d /> }.into_any(),
                Dialog::CreateChannel(kind) => view! { <CreateChannelModal details=d kind /> }.into_any(),
                Dialog::EditChannel(channel_id) => view! { <EditChannelModal details=d channel_id /> }.into_any(),
                Dialog::DeleteChannel(channel_id) => view! { <DeleteChannelModal details=d channel_id /> }.into_any(),
                Dialog::DeleteServer => view! { <DeleteServerModal details=d /> }.into_any(),
                Dialog::LeaveServer => view! { <LeaveServerModal details=d /> }.into_any(),
                Dialog::Search => view! { <SearchPalette details=d /> }.into_any(),
                Dialog::Notifications => view! { <ServerNotifyModal details=d /> }.into_any(),
                Dialog::ChannelNotifications(channel_id) => {
                    view! { <ChannelNotifyModal details=d channel_id /> }.into_any()
                }
            })
        }}
    }
}

/// `/servers/:server_id` opens the server's `general` channel (the layout has loaded it).
#[component]
pub fn ServerIndex() -> impl IntoView {
    let current = CurrentServer::get();
    move || {
        current.details().and_then(|d| {
            d.general().map(|general| {
                let path = format!("/servers/{}/channels/{}", d.server.id, general.id);
                view! { <Redirect path /> }
            })
        })
    }
}
