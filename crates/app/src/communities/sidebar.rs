//! The server sidebar: header menu, channels by type, and the member list.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use shared::calls::CallParticipant;
use shared::community::{ChannelInfo, ChannelKind, ServerDetails};
use shared::live::Thread;
use shared::permissions::Action;
use shared::unread::Unread;

use super::member_list::MemberList;
use super::menu::ServerMenu;
use super::state::{Dialog, OpenDialog};
use crate::notify::Notifications;
use crate::ui::{Avatar, Glyph, Icon};
use crate::unread::{UnreadMarks, mentions_label};

#[component]
pub fn ServerSidebar(details: ServerDetails) -> impl IntoView {
    let sections = ChannelKind::ALL
        .into_iter()
        .map(|kind| view! { <ChannelSection details=details.clone() kind /> })
        .collect_view();
    view! {
        <ServerMenu details=details.clone() />
        <div class="sidebar-body">
            {sections}
            <MemberList details=details.clone() />
        </div>
    }
}

#[component]
fn ChannelSection(details: ServerDetails, kind: ChannelKind) -> impl IntoView {
    let dialog = OpenDialog::get();
    let channels: Vec<ChannelInfo> = details
        .channels
        .iter()
        .filter(|c| c.kind == kind)
        .cloned()
        .collect();
    let may_create = details.can(Action::CreateChannel);
    if channels.is_empty() && !may_create {
        return ().into_any();
    }
    let title = match kind {
        ChannelKind::Text => "Text Channels",
        ChannelKind::Audio => "Voice Channels",
        ChannelKind::Video => "Video Channels",
    };
    let rows = channels
        .into_iter()
        .map(|channel| {
            let participants = details
                .calls
                .iter()
                .find(|call| call.channel_id == channel.id)
                .map(|call| call.participants.clone())
                .unwrap_or_default();
            view! { <ChannelRow details=details.clone() channel participants /> }
        })
        .collect_view();
    view! {
        <section class="sidebar-section" aria-label=title>
            <div class="section-header">
                <h3 class="section-title">{title}</h3>
                {may_create
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="icon-button"
                                aria-label=format!("Create {} channel", kind.label())
                                on:click=move |_| dialog.open(Dialog::CreateChannel(kind))
                            >
                                "+"
                            </button>
                        }
                    })}
            </div>
            <ul class="channel-list">{rows}</ul>
        </section>
    }
    .into_any()
}

#[component]
fn ChannelRow(
    details: ServerDetails,
    channel: ChannelInfo,
    participants: Vec<CallParticipant>,
) -> impl IntoView {
    let dialog = OpenDialog::get();
    let general = channel.is_general();
    let may_edit = details.can(Action::EditChannel { general });
    let may_delete = details.can(Action::DeleteChannel { general });
    let href = format!("/servers/{}/channels/{}", details.server.id, channel.id);
    let location = use_location();
    let current = {
        let href = href.clone();
        Memo::new(move |_| location.pathname.get() == href)
    };
    let id = channel.id;
    let in_call = format!("In {}", channel.name);
    let edit_label = format!("Edit channel {}", channel.name);
    let delete_label = format!("Delete channel {}", channel.name);
    let marks = UnreadMarks::get();
    let notifications = Notifications::get();
    let server_id = details.server.id;
    let muted = Memo::new(move |_| notifications.with_settings(|s| !s.marks_unread(server_id, id)));
    let has_unread = Memo::new(move |_| !muted.get() && marks.count(Thread::Channel(id)) > 0);
    let mentions = Memo::new(move |_| marks.mentions(Thread::Channel(id)));
    view! {
        <li class="channel-item" class:active=move || current.get() class:unread=has_unread class:muted=muted>
            <A href=href attr:class="channel-link" attr:aria-current=move || current.get().then_some("page")>
                <ChannelIcon kind=channel.kind />
                <span class="channel-name">{channel.name.clone()}</span>
                {move || {
                    let n = mentions.get();
                    (n > 0).then(|| view! {
                        <span class="unread-pill" role="status" aria-label=mentions_label(n)>{Unread::label(n)}</span>
                    })
                }}
                {general.then(|| view! {
                    <span class="lock" title="This channel cannot be changed" aria-label="locked" role="img">
                        <Icon glyph=Glyph::Lock />
                    </span>
                })}
            </A>
            {may_edit
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="icon-button hover-action"
                            aria-label=edit_label.clone()
                            on:click=move |_| dialog.open(Dialog::EditChannel(id))
                        >
                            <Icon glyph=Glyph::Pencil />
                        </button>
                    }
                })}
            {may_delete
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="icon-button hover-action"
                            aria-label=delete_label.clone()
                            on:click=move |_| dialog.open(Dialog::DeleteChannel(id))
                        >
                            <Icon glyph=Glyph::Trash />
                        </button>
                    }
                })}
            {(!participants.is_empty()).then(|| view! { <CallParticipants label=in_call participants /> })}
        </li>
    }
}

/// Who is in a voice or video channel's call, under the channel, with their microphone muted or
/// their camera on shown.
#[component]
fn CallParticipants(label: String, participants: Vec<CallParticipant>) -> impl IntoView {
    let rows = participants
        .into_iter()
        .map(|p| {
            view! {
                <li class="call-participant">
                    <Avatar name=p.name.clone() image_url=p.image_url.clone() />
                    <span class="member-name">{p.name.clone()}</span>
                    {(!p.media.microphone).then(|| view! {
                        <span class="call-media" role="img" aria-label="Muted" title="Muted">
                            <Icon glyph=Glyph::MicOff />
                        </span>
                    })}
                    {p.media.camera.then(|| view! {
                        <span class="call-media" role="img" aria-label="Camera on" title="Camera on">
                            <Icon glyph=Glyph::Camera />
                        </span>
                    })}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="call-participants" aria-label=label>{rows}</ul> }
}

/// `#` for text, a speaker for voice, a camera for video.
#[component]
pub fn ChannelIcon(kind: ChannelKind) -> impl IntoView {
    let glyph = match kind {
        ChannelKind::Text => Glyph::Hash,
        ChannelKind::Audio => Glyph::Speaker,
        ChannelKind::Video => Glyph::Camera,
    };
    view! {
        <span class="channel-icon" aria-label=format!("{} channel", kind.label()) role="img">
            <Icon glyph />
        </span>
    }
}
