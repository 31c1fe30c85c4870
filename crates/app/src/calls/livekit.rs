//! The LiveKit transport: every participant sends its tracks once, to the LiveKit server (an
//! SFU), which forwards them to the others; used when the server is configured with LiveKit.
//! Who is in the call still comes from this server's socket; LiveKit carries only the media.
//! A participant's LiveKit identity is their profile id (the token says so).

mod client;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::calls::{CallRoom, IceServer, Signal};
use shared::ids::ProfileId;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MediaStream, MediaStreamTrack};

use super::api::livekit_token;
use super::model::{Action, Call, Link, Source};
use super::transport::{CallTransport, Remote, quietly, sleep_ms};
use client::{RemoteParticipant, RemoteTrack, Room, options};

/// What the view says when the LiveKit server cannot be reached.
pub const UNREACHABLE: &str = "Could not reach the call server: check your network.";

/// A listener for the room's track events: (track, publication, participant).
type TrackHandler = Closure<dyn FnMut(JsValue, JsValue, JsValue)>;

pub struct LiveKitCall {
    room: Room,
    call: RwSignal<Option<Call>>,
    remote: RwSignal<HashMap<ProfileId, Remote>, LocalStorage>,
    local: RefCell<HashMap<Source, MediaStreamTrack>>,
    me: Weak<LiveKitCall>,
    // Kept alive as long as the room calls them.
    _handlers: [TrackHandler; 2],
}

impl LiveKitCall {
    /// Asks this server for a token for `room`, loads the client and connects to the LiveKit
    /// server; the failure in words.
    pub async fn connect(
        room: CallRoom,
        call: RwSignal<Option<Call>>,
        remote: RwSignal<HashMap<ProfileId, Remote>, LocalStorage>,
    ) -> Result<Rc<Self>, String> {
        let (channel_id, conversation_id) = room.thread().parts();
        let access = livekit_token(channel_id, conversation_id)
            .await
            .map_err(|e| e.to_string())?;
        if let Err(e) = client::load().await {
            leptos::logging::warn!("call: the LiveKit client did not load: {e:?}");
            return Err(UNREACHABLE.into());
        }
        let settings = options(&[
            ("adaptiveStream", JsValue::TRUE),
            ("dynacast", JsValue::TRUE),
        ]);
        let lk = Room::new(&settings);
        let transport = Rc::new_cyclic(|me: &Weak<LiveKitCall>| {
            let on_track = |subscribed: bool| {
                let me = me.clone();
                TrackHandler::new(
                    move |track: JsValue, _publication: JsValue, participant: JsValue| {
                        if let Some(transport) = me.upgrade() {
                            transport.received(track.into(), &participant.into(), subscribed);
                        }
                    },
                )
            };
            let handlers = [on_track(true), on_track(false)];
            lk.on("trackSubscribed", handlers[0].as_ref().unchecked_ref());
            lk.on("trackUnsubscribed", handlers[1].as_ref().unchecked_ref());
            LiveKitCall {
                room: lk,
                call,
                remote,
                local: RefCell::default(),
                me: me.clone(),
                _handlers: handlers,
            }
        });
        let retries = options(&[("maxRetries", JsValue::from(2))]);
        let connecting = transport.room.connect(&access.url, &access.token, &retries);
        if let Err(e) = connecting.await {
            leptos::logging::warn!("call: LiveKit refused or failed: {e:?}");
            transport.leave();
            return Err(UNREACHABLE.into());
        }
        Ok(transport)
    }

    /// Another participant's track arrived (`subscribed`) or went.
    fn received(&self, track: RemoteTrack, participant: &RemoteParticipant, subscribed: bool) {
        let Ok(from) = participant.identity().parse::<uuid::Uuid>().map(ProfileId) else {
            return;
        };
        let source = match track.source().as_str() {
            "microphone" => Source::Microphone,
            "camera" => Source::Camera,
            "screen_share" => Source::Screen,
            _ => return,
        };
        let stream = subscribed
            .then(|| {
                MediaStream::new_with_tracks(&js_sys::Array::of1(&track.media_stream_track())).ok()
            })
            .flatten();
        self.remote.update(|r| {
            let entry = r.entry(from).or_default();
            match source {
                Source::Microphone => entry.audio = stream,
                Source::Camera => entry.camera = stream,
                Source::Screen => entry.screen = stream,
            }
        });
    }

    /// Reads the room once: how the link to each person stands, and who is speaking.
    fn measure(&self) {
        let state = self.room.state();
        let others = self.room.remote_participants();
        self.call.update(|c| {
            let Some(c) = c else { return };
            let ids: Vec<ProfileId> = c.people.iter().map(|p| p.participant.profile_id).collect();
            for id in ids {
                let participant = others.get(&JsValue::from_str(&id.to_string()));
                let present = !participant.is_undefined();
                let link = match state.as_str() {
                    "connected" if present => Link::Connected,
                    "reconnecting" | "signalReconnecting" => Link::Reconnecting,
                    "disconnected" => Link::Failed,
                    _ => Link::Connecting,
                };
                let speaking = present && RemoteParticipant::from(participant).is_speaking();
                c.set_link(id, link);
                c.set_speaking(id, speaking);
            }
        });
    }
}

impl CallTransport for LiveKitCall {
    fn use_ice_servers(&self, _servers: Vec<IceServer>) {}

    /// The LiveKit server links everyone: nothing to open or close per person.
    fn apply(&self, _actions: Vec<Action>) {}

    fn signal(&self, _from: ProfileId, _signal: Signal) {}

    fn publish(&self, source: Source, track: Option<MediaStreamTrack>) {
        let old = match &track {
            // `Clone::clone`: the track's own `clone()` would start a second capture.
            Some(track) => self.local.borrow_mut().insert(source, Clone::clone(track)),
            None => self.local.borrow_mut().remove(&source),
        };
        let old = old.filter(|old| Some(old) != track.as_ref());
        let participant = self.room.local_participant();
        spawn_local(async move {
            if let Some(old) = old {
                if let Err(e) = participant.unpublish_track(&old, true).await {
                    leptos::logging::warn!("call: unpublish: {e:?}");
                }
                old.stop();
            }
            if let Some(track) = track {
                let name = match source {
                    Source::Microphone => "microphone",
                    Source::Camera => "camera",
                    Source::Screen => "screen_share",
                };
                let settings = options(&[("source", JsValue::from_str(name))]);
                if let Err(e) = participant.publish_track(&track, &settings).await {
                    leptos::logging::warn!("call: publish: {e:?}");
                }
            }
        });
    }

    fn spawn_meter(&self) {
        let me = self.me.clone();
        spawn_local(async move {
            loop {
                sleep_ms(400).await;
                let Some(transport) = me.upgrade() else {
                    return;
                };
                transport.measure();
            }
        });
    }

    fn leave(&self) {
        for (_, track) in self.local.borrow_mut().drain() {
            track.stop();
        }
        quietly(self.room.disconnect());
    }
}
