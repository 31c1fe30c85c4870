//! The browser side of being in a call: joining through the socket, the local media, and the
//! socket's call events handed to the model and the transport.

use std::rc::Rc;

use futures::StreamExt;
use futures::channel::mpsc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::calls::MediaState;
use shared::live::{ClientCommand, ServerEvent};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::level::LevelMeter;
use super::livekit::LiveKitCall;
use super::media;
use super::mesh::Mesh;
use super::model::{Call, Phase, Source};
use super::state::CallState;
use super::transport::{CallTransport, sleep_ms};
use crate::chat::store::CallNotice;

/// Joins the call: the microphone first (a refusal is explained and the person joins muted),
/// then the room through the socket; the socket's call events are handled until leaving. The
/// server's entry says how the media travels: the transport is made then.
pub fn join(state: CallState) {
    spawn_local(async move {
        let Some(user) = state.me.user().await else {
            return;
        };
        state.note.set(None);
        state.call.set(Some(Call::new(state.room, user.id)));
        let (inbox, mut notices) = mpsc::unbounded();
        state.chat.attach_call(inbox);
        let microphone = state.microphone.get_untracked();
        let mut microphone = match media::open(Source::Microphone, microphone.as_deref()).await {
            Ok(track) => Some(track),
            Err(words) => {
                state.note.set(Some(words));
                None
            }
        };
        state.media.set(MediaState {
            microphone: microphone.is_some(),
            ..MediaState::default()
        });
        list_devices(state).await;
        enter(state);
        while let Some(notice) = notices.next().await {
            if let Some(livekit) = first_entry(state, &notice) {
                let Some(transport) = open_transport(state, livekit).await else {
                    break;
                };
                let microphone = microphone.take();
                let _ = state.microphone_track.try_set_value(microphone.clone());
                transport.publish(Source::Microphone, microphone);
                transport.spawn_meter();
                let _ = state.transport.try_set_value(Some(transport));
                spawn_own_meter(state);
            }
            handle(state, notice);
        }
        if let Some(track) = microphone {
            track.stop();
        }
    });
}

/// Asks the server for a seat (again after a reconnect); without a socket the call waits
/// for `Reconnected`.
fn enter(state: CallState) {
    state.chat.command(ClientCommand::JoinCall {
        room: state.room,
        media: state.media.get_untracked(),
    });
}

/// Whether `notice` lets this browser into the call for the first time (no transport yet),
/// and if so whether the media goes through LiveKit.
fn first_entry(state: CallState, notice: &CallNotice) -> Option<bool> {
    match notice {
        CallNotice::Event(event) => match &**event {
            ServerEvent::CallEntered { room, livekit, .. }
                if *room == state.room
                    && state.transport.try_with_value(Option::is_none) == Some(true) =>
            {
                Some(*livekit)
            }
            _ => None,
        },
        CallNotice::Reconnected => None,
    }
}

/// The transport the server's entry asked for; a LiveKit server that cannot be reached ends
/// the call here, saying so.
async fn open_transport(state: CallState, livekit: bool) -> Option<Rc<dyn CallTransport>> {
    if !livekit {
        return Some(Mesh::new(
            state.room,
            state.sources,
            state.chat,
            state.call,
            state.remote,
        ));
    }
    match LiveKitCall::connect(state.room, state.call, state.remote).await {
        Ok(transport) => Some(transport),
        Err(words) => {
            state
                .chat
                .command(ClientCommand::LeaveCall { room: state.room });
            let _ = state
                .call
                .try_update(|c| c.as_mut().map(|c| c.refused(words)));
            stop(state);
            None
        }
    }
}

/// One notice for the call; the transport (none before the first entry, or after LiveKit could
/// not be reached) carries out what it asks of the media.
fn handle(state: CallState, notice: CallNotice) {
    let transport = state.transport.try_get_value().flatten();
    let room = state.room;
    let event = match notice {
        CallNotice::Reconnected => {
            if state.active_untracked() {
                enter(state);
            }
            return;
        }
        CallNotice::Event(event) => event,
    };
    let mut ended = false;
    let actions = state.call.try_update(|call| {
        let call = call.as_mut()?;
        let actions = match *event {
            ServerEvent::CallEntered {
                room: r,
                others,
                ice_servers,
                ..
            } if r == room => {
                if let Some(transport) = &transport {
                    transport.use_ice_servers(ice_servers);
                }
                call.entered(others)
            }
            ServerEvent::CallRefused { room: r, message } if r == room => call.refused(message),
            ServerEvent::CallJoined {
                room: r,
                participant,
                ..
            } if r == room => call.joined(participant),
            ServerEvent::CallLeft {
                room: r,
                profile_id,
                ..
            } if r == room => call.left(profile_id),
            ServerEvent::CallRingEnded {
                room: r, outcome, ..
            } if r == room => call.ring_ended(outcome),
            ServerEvent::CallMediaChanged {
                room: r,
                profile_id,
                media,
                ..
            } if r == room => {
                call.media_changed(profile_id, media);
                Vec::new()
            }
            ServerEvent::CallSignal {
                room: r,
                from,
                signal,
                ..
            } if r == room => {
                if let Some(transport) = &transport {
                    transport.signal(from, signal);
                }
                Vec::new()
            }
            _ => Vec::new(),
        };
        ended = matches!(call.phase, Phase::Refused(_) | Phase::Ended(_));
        Some(actions)
    });
    if let Some(transport) = &transport {
        transport.apply(actions.flatten().unwrap_or_default());
    }
    if ended {
        stop(state);
    }
}

/// Leaves the call: the server is told, every link closes, every device is released.
pub fn leave(state: CallState) {
    if state.active_untracked() {
        state
            .chat
            .command(ClientCommand::LeaveCall { room: state.room });
    }
    stop(state);
    let _ = state.call.try_set(None);
}

/// Releases what this browser holds for the call (the view keeps saying why it ended).
fn stop(state: CallState) {
    state.chat.detach_call();
    if let Some(transport) = state.transport.try_update_value(Option::take).flatten() {
        transport.leave();
    }
    let _ = state.preview.try_set(None);
    let _ = state.microphone_track.try_set_value(None);
    let _ = state.speaking.try_set(false);
    let _ = state.media.try_set(MediaState::default());
}

/// Marks this browser's own tile while its microphone hears speech (and a little after, so the
/// ring does not flicker between words), for as long as the call has a transport, following the
/// microphone as it is switched or muted.
fn spawn_own_meter(state: CallState) {
    /// Readings a second, and how many quiet ones in a row end the mark.
    const EVERY_MS: i32 = 100;
    const HOLD: u32 = 4;
    spawn_local(async move {
        let mut meter: Option<LevelMeter> = None;
        let mut quiet = HOLD;
        while state.transport.try_with_value(Option::is_some) == Some(true) {
            let track = state.microphone_track.try_get_value().flatten();
            meter = match (meter, &track) {
                (Some(m), Some(t)) if m.hears(t) => Some(m),
                (_, Some(t)) => LevelMeter::new(t),
                (_, None) => None,
            };
            quiet = match meter.as_mut().is_some_and(LevelMeter::speaking) {
                true => 0,
                false => quiet.saturating_add(1),
            };
            let speaking = quiet < HOLD;
            if state.speaking.try_get_untracked() != Some(speaking) {
                let _ = state.speaking.try_set(speaking);
            }
            sleep_ms(EVERY_MS).await;
        }
    });
}

/// Turns a source on (the chosen device, or a screen the person picks) or off (releasing the
/// device: muting puts out the browser's recording mark).
pub fn toggle(state: CallState, source: Source) {
    let on = !source.is_on(state.media.get_untracked());
    spawn_local(async move {
        let track = if on {
            let device = chosen(state, source).and_then(|d| d.get_untracked());
            match media::open(source, device.as_deref()).await {
                Ok(track) => Some(track),
                Err(words) => {
                    state.note.set(Some(words));
                    return;
                }
            }
        } else {
            None
        };
        if let (Some(track), Source::Screen) = (&track, source) {
            // The browser's own "Stop sharing" ends the track.
            let ended = Closure::once_into_js(move || switch(state, Source::Screen, None));
            track.set_onended(Some(ended.unchecked_ref()));
        }
        switch(state, source, track);
    });
}

/// A device was picked: the source, if on, continues from it.
pub fn choose(state: CallState, source: Source, device: String) {
    let Some(choice) = chosen(state, source) else {
        return;
    };
    choice.set(Some(device.clone()));
    if !source.is_on(state.media.get_untracked()) {
        return;
    }
    spawn_local(async move {
        match media::open(source, Some(&device)).await {
            Ok(track) => switch(state, source, Some(track)),
            Err(words) => state.note.set(Some(words)),
        }
    });
}

/// The device picked for `source` (screens are picked by the browser each time).
fn chosen(state: CallState, source: Source) -> Option<RwSignal<Option<String>>> {
    match source {
        Source::Microphone => Some(state.microphone),
        Source::Camera => Some(state.camera),
        Source::Screen => None,
    }
}

/// Sends `track` as `source` (or stops it), and tells the others what is now sent.
fn switch(state: CallState, source: Source, track: Option<web_sys::MediaStreamTrack>) {
    let Some(transport) = state.transport.try_get_value().flatten() else {
        if let Some(track) = track {
            track.stop();
        }
        return;
    };
    let on = track.is_some();
    if source == Source::Camera {
        let preview = track
            .as_ref()
            .and_then(|t| web_sys::MediaStream::new_with_tracks(&js_sys::Array::of1(t)).ok());
        state.preview.set(preview);
    }
    if source == Source::Microphone {
        let _ = state.microphone_track.try_set_value(track.clone());
    }
    transport.publish(source, track);
    state.note.set(None);
    state.media.update(|m| source.set(m, on));
    state.chat.command(ClientCommand::SetCallMedia {
        room: state.room,
        media: state.media.get_untracked(),
    });
}

async fn list_devices(state: CallState) {
    let (microphones, cameras) = media::devices().await;
    state.microphones.set(microphones);
    state.cameras.set(cameras);
}
