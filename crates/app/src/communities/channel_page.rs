//! `/servers/:server_id/channels/:channel_id`: the channel header and the start of the channel.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::community::ChannelKind;
use shared::ids::ChannelId;

use super::sidebar::ChannelIcon;
use super::state::CurrentServer;
use crate::not_found::NotFound;

#[component]
pub fn ChannelPage() -> impl IntoView {
    let params = use_params_map();
    let channel_id = Memo::new(move |_| {
        params
            .read()
            .get("channel_id")
            .and_then(|id| id.parse::<ChannelId>().ok())
    });
    let current = CurrentServer::get();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                // A server the viewer cannot see is reported once, by the server layout.
                let details = current.0.await.ok()?;
                let channel = channel_id
                    .get()
                    .and_then(|id| details.channels.into_iter().find(|c| c.id == id));
                Some(match channel {
                    None => view! { <NotFound /> }.into_any(),
                    Some(channel) => view! {
                        <header class="channel-header">
                            <ChannelIcon kind=channel.kind />
                            <h1>{channel.name.clone()}</h1>
                        </header>
                        <section class="channel-start">
                            <h2>{format!("Welcome to #{}!", channel.name)}</h2>
                            <p>{format!("This is the start of the #{} channel.", channel.name)}</p>
                            <p class="unfinished" role="note">
                                {match channel.kind {
                                    ChannelKind::Text => "Messages are not built yet: they arrive with the messaging work.",
                                    ChannelKind::Audio | ChannelKind::Video => "Calls are not built yet: they arrive with the LiveKit work.",
                                }}
                            </p>
                        </section>
                    }
                    .into_any(),
                })
            })}
        </Transition>
    }
}
