//! The call view of a voice or video channel (and, later, of a direct conversation): a tile
//! per participant, the controls, the device pickers and the call's state in words.

use leptos::html;
use leptos::prelude::*;
use shared::calls::CallRoom;
use shared::ids::ProfileId;
use web_sys::MediaStream;

use super::model::{Call, Device, Person, Source};
use super::state::CallState;
use crate::ui::{Avatar, Glyph, Icon};

#[cfg(feature = "browser")]
use super::session;

/// `join` labels the button that enters the call ("Join call" in a channel; a direct call
/// rings for the other person).
#[component]
pub fn CallView(
    room: CallRoom,
    video: bool,
    #[prop(into)] name: Signal<String>,
    join: &'static str,
) -> impl IntoView {
    // The call's state holds the browser's media objects, which the server has none of: it is
    // made once the page runs in the browser (effects run only there).
    let in_browser = RwSignal::new(false);
    Effect::new(move |_| in_browser.set(true));
    view! {
        <section class="call" aria-label=move || format!("Call in {}", name.get())>
            <Show
                when=move || in_browser.get()
                fallback=|| view! { <p class="call-status" role="status">"You are not in this call."</p> }
            >
                <CallBody room video join />
            </Show>
        </section>
    }
}

#[component]
fn CallBody(room: CallRoom, video: bool, join: &'static str) -> impl IntoView {
    let state = CallState::new(room, video);
    on_cleanup(move || {
        #[cfg(feature = "browser")]
        session::leave(state);
    });
    // A ringing call accepted from the banner (this page was opened, or already open, to
    // take it).
    #[cfg(feature = "browser")]
    Effect::new(move |_| {
        if state.chat.accepted.get() == Some(room) {
            state.chat.accepted.set(None);
            if !state.active_untracked() {
                session::join(state);
            }
        }
    });
    let status = move || state.call.with(|c| c.as_ref().map(Call::status));
    let people = move || {
        state
            .call
            .with(|c| c.as_ref().map(|c| c.people.clone()).unwrap_or_default())
    };
    view! {
        <p class="call-status" role="status">
            {move || status().unwrap_or_else(|| "You are not in this call.".into())}
        </p>
        {move || state.note.get().map(|note| view! { <p class="call-note" role="alert">{note}</p> })}
        <ul class="call-tiles">
            <Show when=move || state.active()>
                <SelfTile state />
            </Show>
            <For
                each=people
                key=|p: &Person| p.participant.profile_id
                children=move |p: Person| view! { <PersonTile state id=p.participant.profile_id /> }
            />
        </ul>
        <CallControls state join />
    }
}

#[component]
fn CallControls(state: CallState, join: &'static str) -> impl IntoView {
    view! {
        <div class="call-controls">
            <Show
                when=move || state.active()
                fallback=move || view! {
                    <button type="button" class="primary" on:click=move |_| {
                        #[cfg(feature = "browser")]
                        session::join(state);
                    }>{join}</button>
                }
            >
                <SourceToggle state source=Source::Microphone />
                {state.video().then(|| view! {
                    <SourceToggle state source=Source::Camera />
                    <SourceToggle state source=Source::Screen />
                })}
                <button type="button" class="danger" on:click=move |_| {
                    #[cfg(feature = "browser")]
                    session::leave(state);
                }>"Leave call"</button>
                <DevicePickers state />
            </Show>
        </div>
    }
}

/// Turns one source on or off; pressed while muted, or while the camera or screen is sent.
#[component]
fn SourceToggle(state: CallState, source: Source) -> impl IntoView {
    let on = move || source.is_on(state.media.get());
    let (stop, start) = match source {
        Source::Microphone => ("Mute", "Unmute"),
        Source::Camera => ("Turn camera off", "Turn camera on"),
        Source::Screen => ("Stop sharing", "Share screen"),
    };
    let pressed = move || (on() != (source == Source::Microphone)).to_string();
    view! {
        <button
            type="button"
            aria-pressed=pressed
            on:click=move |_| {
                #[cfg(feature = "browser")]
                session::toggle(state, source);
            }
        >
            {move || if on() { stop } else { start }}
        </button>
    }
}

#[component]
fn DevicePickers(state: CallState) -> impl IntoView {
    view! {
        <div class="call-devices">
            <DevicePicker state source=Source::Microphone devices=state.microphones chosen=state.microphone />
            {state.video().then(|| view! {
                <DevicePicker state source=Source::Camera devices=state.cameras chosen=state.camera />
            })}
        </div>
    }
}

/// A labelled list of the microphones or cameras, the chosen one selected.
#[component]
fn DevicePicker(
    state: CallState,
    source: Source,
    devices: RwSignal<Vec<Device>>,
    chosen: RwSignal<Option<String>>,
) -> impl IntoView {
    let id = format!("call-{}", source.noun());
    let label = match source {
        Source::Microphone => "Microphone",
        Source::Camera | Source::Screen => "Camera",
    };
    view! {
        <label for=id.clone()>{label}</label>
        <select
            id=id
            on:change=move |_ev| {
                #[cfg(feature = "browser")]
                session::choose(state, source, event_target_value(&_ev));
                // Pages rendered on the server never change devices.
                #[cfg(not(feature = "browser"))]
                let _ = (state, source);
            }
        >
            <For
                each=move || devices.get()
                key=|d| d.id.clone()
                children=move |d| view! {
                    <option value=d.id.clone() selected=move || chosen.get().as_deref() == Some(d.id.as_str())>
                        {d.label.clone()}
                    </option>
                }
            />
        </select>
    }
}

/// This browser's own tile: its camera, or its picture.
#[component]
fn SelfTile(state: CallState) -> impl IntoView {
    let me = state.me;
    let user = Resource::new(|| (), move |_| async move { me.user().await });
    let muted = move || !state.media.get().microphone;
    view! {
        <li
            class="call-tile self"
            class:speaking=move || state.speaking.get()
            data-speaking=move || state.speaking.get().to_string()
            aria-label="You"
        >
            <Show
                when=move || state.preview.with(Option::is_some)
                fallback=move || view! {
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            user.await.map(|u| view! { <Avatar name=u.name.clone() image_url=u.image_url.clone() class="call-avatar" /> })
                        })}
                    </Suspense>
                }
            >
                <Player stream=Signal::derive(move || state.preview.get()) muted=true video=true />
            </Show>
            <span class="call-name">"You"</span>
            {move || muted().then(|| view! {
                <span class="call-mark" role="img" aria-label="Muted"><Icon glyph=Glyph::MicOff /></span>
            })}
        </li>
    }
}

/// Another participant: their camera or shared screen, or their picture; their sound; whether
/// they speak, are muted, and how the link to them stands.
#[component]
fn PersonTile(state: CallState, id: ProfileId) -> impl IntoView {
    let person = Memo::new(move |_| {
        state.call.with(|c| {
            c.as_ref().and_then(|c| {
                c.people
                    .iter()
                    .find(|p| p.participant.profile_id == id)
                    .cloned()
            })
        })
    });
    let stream = move |pick: fn(&super::transport::Remote) -> Option<MediaStream>| {
        Signal::derive(move || state.remote.with(|r| r.get(&id).and_then(pick)))
    };
    let audio = stream(|r| r.audio.clone());
    let camera = stream(|r| r.camera.clone());
    let screen = stream(|r| r.screen.clone());
    let media = move || {
        person
            .get()
            .map(|p| p.participant.media)
            .unwrap_or_default()
    };
    let name = move || person.get().map(|p| p.participant.name).unwrap_or_default();
    view! {
        <li
            class="call-tile"
            class:speaking=move || person.get().is_some_and(|p| p.speaking)
            data-speaking=move || person.get().is_some_and(|p| p.speaking).to_string()
            aria-label=name
        >
            <Show
                when=move || media().screen && screen.with(Option::is_some)
                fallback=move || view! {
                    <Show
                        when=move || media().camera && camera.with(Option::is_some)
                        fallback=move || view! {
                            {move || person.get().map(|p| view! {
                                <Avatar name=p.participant.name.clone() image_url=p.participant.image_url.clone() class="call-avatar" />
                            })}
                        }
                    >
                        <Player stream=camera muted=true video=true />
                    </Show>
                }
            >
                <Player stream=screen muted=true video=true />
            </Show>
            <Player stream=audio muted=false video=false />
            <span class="call-name">{name}</span>
            {move || (!media().microphone).then(|| view! {
                <span class="call-mark" role="img" aria-label="Muted"><Icon glyph=Glyph::MicOff /></span>
            })}
            <span class="call-link">{move || person.get().map(|p| p.link.words())}</span>
        </li>
    }
}

/// A `<video>` or `<audio>` element playing `stream`.
#[component]
fn Player(stream: Signal<Option<MediaStream>>, muted: bool, video: bool) -> impl IntoView {
    let video_ref = NodeRef::<html::Video>::new();
    let audio_ref = NodeRef::<html::Audio>::new();
    Effect::new(move |_| {
        let stream = stream.get();
        let element: Option<web_sys::HtmlMediaElement> = if video {
            video_ref.get().map(Into::into)
        } else {
            audio_ref.get().map(Into::into)
        };
        if let Some(element) = element {
            element.set_src_object(stream.as_ref());
        }
    });
    if video {
        view! { <video node_ref=video_ref autoplay playsinline muted=muted></video> }.into_any()
    } else {
        view! { <audio node_ref=audio_ref autoplay></audio> }.into_any()
    }
}
