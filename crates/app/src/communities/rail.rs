//! The left rail: one icon per server, the open one marked, and "+" to create another.

use std::collections::HashSet;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use shared::AppError;
use shared::community::ServerSummary;
use shared::ids::ServerId;
use shared::live::Topic;
use shared::unread::Unread;

use super::api::my_servers;
use super::create_server::CreateServerModal;
use super::state::Refresh;
use crate::chat::store::Chat;
use crate::notify::Notifications;
use crate::ui::{Avatar, Glyph, Icon};
use crate::unread::{UnreadMarks, mentions_label, unread_label};

#[component]
pub fn ServerRail() -> impl IntoView {
    let refresh = Refresh::get();
    let servers = Resource::new(move || refresh.track(), |_| my_servers());
    let location = use_location();
    let marks = UnreadMarks::get();
    let notifications = Notifications::get();
    let active = Memo::new(move |_| {
        location
            .pathname
            .get()
            .strip_prefix("/servers/")
            .and_then(|rest| rest.split('/').next())
            .map(str::to_owned)
    });
    let creating = RwSignal::new(false);
    follow_every_server(servers);
    view! {
        <nav class="server-rail" aria-label="Servers">
            <A href="/" attr:class="rail-home" attr:aria-label="Home">
                "CH"
            </A>
            <A href="/direct" attr:class="rail-server rail-direct" attr:aria-label="Direct Messages" attr:title="Direct Messages">
                <span class="server-icon direct-icon" aria-hidden="true"><Icon glyph=Glyph::Chat /></span>
                {move || {
                    let n = marks.direct();
                    (n > 0).then(|| view! {
                        <span class="rail-mentions" role="status" aria-label=unread_label(n)>{Unread::label(n)}</span>
                    })
                }}
            </A>
            <div class="rail-separator"></div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    servers
                        .await
                        .unwrap_or_default()
                        .into_iter()
                        .map(|s| {
                            let id = s.id.to_string();
                            let server_id = s.id;
                            let (label, title) = (s.name.clone(), s.name.clone());
                            let is_active = {
                                let id = id.clone();
                                move || active.get().as_deref() == Some(id.as_str())
                            };
                            view! {
                                <A
                                    href=format!("/servers/{id}")
                                    attr:class=move || {
                                        if is_active() { "rail-server active" } else { "rail-server" }
                                    }
                                    attr:aria-label=label
                                    attr:title=title
                                >
                                    <Avatar name=s.name.clone() image_url=s.image_url.clone() class="server-icon" />
                                    {move || match marks.server(server_id, |channel| {
                                        notifications.with_settings(|s| s.marks_unread(server_id, channel))
                                    }) {
                                        (_, mentions @ 1..) => view! {
                                            <span class="rail-mentions" role="status" aria-label=mentions_label(mentions)>
                                                {Unread::label(mentions)}
                                            </span>
                                        }
                                        .into_any(),
                                        (true, 0) => view! {
                                            <span class="rail-dot" role="img" aria-label="Unread messages"></span>
                                        }
                                        .into_any(),
                                        (false, 0) => ().into_any(),
                                    }}
                                </A>
                            }
                        })
                        .collect_view()
                })}
            </Transition>
            <button type="button" class="rail-add" aria-label="Create a server" on:click=move |_| creating.set(true)>
                "+"
            </button>
            <Show when=move || creating.get()>
                <CreateServerModal on_close=Some(Callback::new(move |()| creating.set(false))) />
            </Show>
        </nav>
    }
}

/// Follows the topic of every server on the rail (its new messages mark it unread, whichever is
/// open), following newcomers and leaving those gone as the list changes (in the browser: effects
/// run only there).
fn follow_every_server(servers: Resource<Result<Vec<ServerSummary>, AppError>>) {
    let chat = Chat::get();
    let followed = StoredValue::new(HashSet::<ServerId>::new());
    Effect::new(move |_| {
        let Some(Ok(list)) = servers.get() else {
            return;
        };
        let now: HashSet<ServerId> = list.iter().map(|s| s.id).collect();
        followed.update_value(|before| {
            for id in now.difference(before) {
                chat.follow(Topic::Server(*id));
            }
            for id in before.difference(&now) {
                chat.unfollow(Topic::Server(*id));
            }
            *before = now;
        });
    });
    on_cleanup(move || {
        for id in followed.get_value() {
            chat.unfollow(Topic::Server(id));
        }
    });
}
