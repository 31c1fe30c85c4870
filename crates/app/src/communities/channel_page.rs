//! `/servers/:server_id/channels/:channel_id`: the channel header and its messages. The
//! message view is built once per channel; renames and other server changes update in place.

use leptos::prelude::*;
use shared::calls::CallRoom;
use shared::community::ChannelKind;
use shared::ids::ChannelId;
use shared::live::Thread;

use super::gone::ChannelDeleted;
use super::sidebar::ChannelIcon;
use super::state::{CurrentServer, Dialog, OpenDialog};
use crate::calls::CallView;
use crate::chat::{LiveIndicator, MessageView, PinsButton};
use crate::not_found::NotFound;
use crate::route_param::route_param;
use crate::search::SearchBox;
use crate::ui::{Glyph, Icon, NavToggle};

#[component]
pub fn ChannelPage() -> impl IntoView {
    let channel_id = route_param::<ChannelId>("channel_id");
    let current = CurrentServer::get();
    let dialog = OpenDialog::get();
    let channel = Memo::new(move |_| {
        let id = channel_id.get()?;
        current.details()?.channels.into_iter().find(|c| c.id == id)
    });
    // The last channel shown: if it disappears from the server, it was deleted.
    let seen = StoredValue::new(None::<(ChannelId, String)>);
    let shown = Memo::new(move |_| {
        channel.get().map(|c| {
            seen.set_value(Some((c.id, c.name)));
            (c.id, c.kind)
        })
    });
    let gone = move || {
        let (id, name) = seen.get_value()?;
        (Some(id) == channel_id.get_untracked()).then(|| {
            let general = current.details().and_then(|d| {
                let server_id = d.server.id;
                d.general()
                    .map(|g| format!("/servers/{server_id}/channels/{}", g.id))
            });
            view! { <ChannelDeleted name general /> }
        })
    };
    let name = Signal::derive(move || channel.get().map(|c| c.name).unwrap_or_default());
    move || {
        match shown.get() {
        None => match gone() {
            Some(deleted) => deleted.into_any(),
            None => view! { <NotFound /> }.into_any(),
        },
        Some((id, kind)) => view! {
            <header class="channel-header">
                <NavToggle />
                <ChannelIcon kind />
                <h1>{name}</h1>
                <LiveIndicator />
                <SearchBox />
                <PinsButton thread=Thread::Channel(id) />
                <button
                    type="button"
                    class="icon-button"
                    aria-label=move || format!("Notification settings for #{}", name.get())
                    on:click=move |_| dialog.open(Dialog::ChannelNotifications(id))
                >
                    <Icon glyph=Glyph::Bell />
                </button>
            </header>
            {match kind {
                ChannelKind::Text => view! {
                    <MessageView
                        thread=Thread::Channel(id)
                        composer_label=Signal::derive(move || format!("Message #{}", name.get()))
                        start=move || view! {
                            <h2>{move || format!("Welcome to #{}!", name.get())}</h2>
                            <p>{move || format!("This is the start of the #{} channel.", name.get())}</p>
                        }
                    />
                }
                .into_any(),
                ChannelKind::Audio | ChannelKind::Video => view! {
                    // The channel's text chat sits beside its call.
                    <div class="call-page">
                        <CallView
                            room=CallRoom::Channel(id)
                            video=kind == ChannelKind::Video
                            name
                            join="Join call"
                        />
                        <div class="call-chat">
                            <MessageView
                                thread=Thread::Channel(id)
                                composer_label=Signal::derive(move || format!("Message #{}", name.get()))
                                start=move || view! {
                                    <h2>{move || format!("Welcome to #{}!", name.get())}</h2>
                                    <p>"Talk here while you are in the call, or without joining it."</p>
                                }
                            />
                        </div>
                    </div>
                }
                .into_any(),
            }}
        }
        .into_any(),
    }
    }
}
