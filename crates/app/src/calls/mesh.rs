//! The peer-to-peer transport: one `RTCPeerConnection` to each other participant (a mesh, for
//! rooms of at most `P2P_ROOM_CAP`), signalling relayed by the server over the socket. Every
//! link carries one media line per local source of the room (microphone; camera and screen in
//! video rooms and direct calls), created by the newcomer's offer; turning a source on or off
//! replaces the track on that line, so no renegotiation is needed.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use futures::StreamExt;
use futures::channel::mpsc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::calls::{CallRoom, IceServer, Signal};
use shared::ids::ProfileId;
use shared::live::ClientCommand;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    MediaStream, MediaStreamTrack, RtcConfiguration, RtcIceCandidateInit, RtcIceServer,
    RtcPeerConnection, RtcPeerConnectionIceEvent, RtcPeerConnectionState, RtcRtpTransceiver,
    RtcRtpTransceiverDirection, RtcRtpTransceiverInit, RtcSdpType, RtcSessionDescriptionInit,
    RtcTrackEvent,
};

use super::model::Source;
use super::model::{Action, Call, Link};
use super::transport::{CallTransport, Remote, quietly, sleep_ms};
use crate::chat::store::Chat;

/// An audio level (0–1, from the receiver's statistics) above which a person is speaking.
const SPEAKING_LEVEL: f64 = 0.02;

pub struct Mesh {
    room: CallRoom,
    /// The local sources every link carries, in media-line order.
    sources: &'static [Source],
    chat: Chat,
    call: RwSignal<Option<Call>>,
    remote: RwSignal<HashMap<ProfileId, Remote>, LocalStorage>,
    local: RefCell<HashMap<Source, MediaStreamTrack>>,
    peers: RefCell<HashMap<ProfileId, Peer>>,
    ice: RefCell<Vec<IceServer>>,
    me: Weak<Mesh>,
}

struct Peer {
    connection: RtcPeerConnection,
    inbox: mpsc::UnboundedSender<Signal>,
    // Kept alive as long as the connection calls them.
    _handlers: [Closure<dyn FnMut(JsValue)>; 3],
}

impl Mesh {
    pub fn new(
        room: CallRoom,
        sources: &'static [Source],
        chat: Chat,
        call: RwSignal<Option<Call>>,
        remote: RwSignal<HashMap<ProfileId, Remote>, LocalStorage>,
    ) -> Rc<Self> {
        Rc::new_cyclic(|me| Mesh {
            room,
            sources,
            chat,
            call,
            remote,
            local: RefCell::default(),
            peers: RefCell::default(),
            ice: RefCell::default(),
            me: me.clone(),
        })
    }

    /// A link to `to`; the newcomer's side (`offering`) creates the media lines and offers.
    fn open(&self, to: ProfileId, offering: bool) -> Option<mpsc::UnboundedSender<Signal>> {
        self.close(to);
        let connection = RtcPeerConnection::new_with_configuration(&self.configuration()).ok()?;
        let weak = self.me.clone();
        let on_candidate = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let Some(mesh) = weak.upgrade() else { return };
            let Some(candidate) = event
                .dyn_ref::<RtcPeerConnectionIceEvent>()
                .and_then(RtcPeerConnectionIceEvent::candidate)
            else {
                return;
            };
            mesh.send(
                to,
                Signal::Candidate {
                    candidate: candidate.candidate(),
                    sdp_mid: candidate.sdp_mid(),
                    sdp_m_line_index: candidate.sdp_m_line_index(),
                },
            );
        });
        let weak = self.me.clone();
        let on_track = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let (Some(mesh), Ok(event)) = (weak.upgrade(), event.dyn_into::<RtcTrackEvent>())
            else {
                return;
            };
            mesh.received(to, &event);
        });
        let weak = self.me.clone();
        let watched = connection.clone();
        let on_state = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
            let Some(mesh) = weak.upgrade() else { return };
            let link = match watched.connection_state() {
                RtcPeerConnectionState::Connected => Link::Connected,
                RtcPeerConnectionState::Disconnected => Link::Reconnecting,
                RtcPeerConnectionState::Failed => Link::Failed,
                RtcPeerConnectionState::Closed => return,
                _ => Link::Connecting,
            };
            mesh.call.update(|c| {
                if let Some(c) = c {
                    c.set_link(to, link);
                }
            });
        });
        connection.set_onicecandidate(Some(on_candidate.as_ref().unchecked_ref()));
        connection.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
        connection.set_onconnectionstatechange(Some(on_state.as_ref().unchecked_ref()));
        if offering {
            for source in self.sources {
                let init = RtcRtpTransceiverInit::new();
                init.set_direction(RtcRtpTransceiverDirection::Sendrecv);
                let kind = if *source == Source::Microphone {
                    "audio"
                } else {
                    "video"
                };
                let line = connection.add_transceiver_with_str_and_init(kind, &init);
                self.attach(&line, *source);
            }
        }
        let (inbox, signals) = mpsc::unbounded();
        spawn_local(run(
            self.me.clone(),
            to,
            connection.clone(),
            offering,
            signals,
        ));
        self.peers.borrow_mut().insert(
            to,
            Peer {
                connection,
                inbox: inbox.clone(),
                _handlers: [on_candidate, on_track, on_state],
            },
        );
        Some(inbox)
    }

    fn configuration(&self) -> RtcConfiguration {
        let configuration = RtcConfiguration::new();
        let servers = js_sys::Array::new();
        for server in self.ice.borrow().iter() {
            let entry = RtcIceServer::new();
            let urls: js_sys::Array = server.urls.iter().map(|u| JsValue::from_str(u)).collect();
            entry.set_urls(&urls);
            if let Some(username) = &server.username {
                entry.set_username(username);
            }
            if let Some(credential) = &server.credential {
                entry.set_credential(credential);
            }
            servers.push(&entry);
        }
        configuration.set_ice_servers(&servers);
        configuration
    }

    fn close(&self, to: ProfileId) {
        if let Some(peer) = self.peers.borrow_mut().remove(&to) {
            peer.connection.set_onicecandidate(None);
            peer.connection.set_ontrack(None);
            peer.connection.set_onconnectionstatechange(None);
            peer.connection.close();
        }
        self.remote.update(|r| {
            r.remove(&to);
        });
    }

    /// Puts the local track of `source` (or nothing) on a media line.
    fn attach(&self, line: &RtcRtpTransceiver, source: Source) {
        let track = self.local.borrow().get(&source).cloned();
        quietly(line.sender().replace_track(track.as_ref()));
    }

    fn send(&self, to: ProfileId, signal: Signal) {
        self.chat.command(ClientCommand::CallSignal {
            room: self.room,
            to,
            signal,
        });
    }

    /// A remote track arrived on a media line: it becomes that person's audio, camera or screen.
    fn received(&self, from: ProfileId, event: &RtcTrackEvent) {
        let Some(peer) = self.peers.borrow().get(&from).map(|p| p.connection.clone()) else {
            return;
        };
        let line = event.transceiver();
        let index = peer
            .get_transceivers()
            .iter()
            .position(|t| js_sys::Object::is(&t, &line));
        let Some(source) = index.and_then(|i| self.sources.get(i)) else {
            return;
        };
        let tracks = js_sys::Array::of1(&event.track());
        let Ok(stream) = MediaStream::new_with_tracks(&tracks) else {
            return;
        };
        self.remote.update(|r| {
            let entry = r.entry(from).or_default();
            match source {
                Source::Microphone => entry.audio = Some(stream),
                Source::Camera => entry.camera = Some(stream),
                Source::Screen => entry.screen = Some(stream),
            }
        });
    }

    /// Reads every link's statistics once: who is speaking.
    async fn measure(&self) {
        let peers: Vec<(ProfileId, RtcPeerConnection)> = self
            .peers
            .borrow()
            .iter()
            .map(|(id, p)| (*id, p.connection.clone()))
            .collect();
        for (id, connection) in peers {
            let Ok(report) = JsFuture::from(connection.get_stats()).await else {
                continue;
            };
            let mut level: f64 = 0.0;
            let stats = report.unchecked_ref::<web_sys::RtcStatsReport>().values();
            for stat in stats.into_iter().flatten() {
                if field(&stat, "type").as_string().as_deref() == Some("inbound-rtp")
                    && field(&stat, "kind").as_string().as_deref() == Some("audio")
                {
                    level = level.max(field(&stat, "audioLevel").as_f64().unwrap_or(0.0));
                }
            }
            self.call.update(|c| {
                if let Some(c) = c {
                    c.set_speaking(id, level > SPEAKING_LEVEL);
                }
            });
        }
    }
}

impl CallTransport for Mesh {
    fn use_ice_servers(&self, servers: Vec<IceServer>) {
        *self.ice.borrow_mut() = servers;
    }

    fn apply(&self, actions: Vec<Action>) {
        for action in actions {
            match action {
                Action::Offer(to) => {
                    self.open(to, true);
                }
                Action::Close(to) => self.close(to),
            }
        }
    }

    fn signal(&self, from: ProfileId, signal: Signal) {
        let inbox = self.peers.borrow().get(&from).map(|p| p.inbox.clone());
        let inbox = match (inbox, &signal) {
            (Some(inbox), Signal::Answer { .. } | Signal::Candidate { .. }) => Some(inbox),
            // A newcomer's offer (or a renewed one) opens a fresh link.
            (_, Signal::Offer { .. }) => self.open(from, false),
            (None, _) => None,
        };
        if let Some(inbox) = inbox {
            let _ = inbox.unbounded_send(signal);
        }
    }

    fn publish(&self, source: Source, track: Option<MediaStreamTrack>) {
        let old = match &track {
            // `Clone::clone`: the track's own `clone()` would start a second capture.
            Some(track) => self.local.borrow_mut().insert(source, Clone::clone(track)),
            None => self.local.borrow_mut().remove(&source),
        };
        if let Some(old) = old.filter(|old| Some(old) != track.as_ref()) {
            old.stop();
        }
        let Some(index) = self.sources.iter().position(|s| *s == source) else {
            return;
        };
        for peer in self.peers.borrow().values() {
            if let Ok(line) = peer
                .connection
                .get_transceivers()
                .get(index as u32)
                .dyn_into::<RtcRtpTransceiver>()
            {
                quietly(line.sender().replace_track(track.as_ref()));
            }
        }
    }

    fn leave(&self) {
        let everyone: Vec<ProfileId> = self.peers.borrow().keys().copied().collect();
        for id in everyone {
            self.close(id);
        }
        for (_, track) in self.local.borrow_mut().drain() {
            track.stop();
        }
    }

    fn spawn_meter(&self) {
        let weak = self.me.clone();
        spawn_local(async move {
            loop {
                sleep_ms(400).await;
                let Some(mesh) = weak.upgrade() else { return };
                mesh.measure().await;
            }
        });
    }
}

/// One link's signalling, handled in arrival order (a description must be set before the
/// candidates that follow it are added).
async fn run(
    mesh: Weak<Mesh>,
    to: ProfileId,
    connection: RtcPeerConnection,
    offering: bool,
    mut signals: mpsc::UnboundedReceiver<Signal>,
) {
    if offering && let Err(e) = send_description(&mesh, to, &connection, RtcSdpType::Offer).await {
        leptos::logging::warn!("call: could not offer: {e:?}");
    }
    let mut early: Vec<RtcIceCandidateInit> = Vec::new();
    while let Some(signal) = signals.next().await {
        if mesh.upgrade().is_none() {
            return;
        }
        let done = match signal {
            Signal::Offer { sdp } => answer(&mesh, to, &connection, &sdp).await,
            Signal::Answer { sdp } => {
                describe(&connection, Side::Remote, RtcSdpType::Answer, &sdp).await
            }
            Signal::Candidate {
                candidate,
                sdp_mid,
                sdp_m_line_index,
            } => {
                let init = RtcIceCandidateInit::new(&candidate);
                init.set_sdp_mid(sdp_mid.as_deref());
                init.set_sdp_m_line_index(sdp_m_line_index);
                if connection.remote_description().is_none() {
                    early.push(init);
                    Ok(())
                } else {
                    add_candidate(&connection, &init).await
                }
            }
        };
        if let Err(e) = done {
            leptos::logging::warn!("call: signalling failed: {e:?}");
        }
        if connection.remote_description().is_some() {
            for init in early.drain(..) {
                let _ = add_candidate(&connection, &init).await;
            }
        }
    }
}

/// Creates this side's offer or answer, makes it the local description and sends it.
async fn send_description(
    mesh: &Weak<Mesh>,
    to: ProfileId,
    connection: &RtcPeerConnection,
    kind: RtcSdpType,
) -> Result<(), JsValue> {
    let offering = kind == RtcSdpType::Offer;
    let created = if offering {
        connection.create_offer()
    } else {
        connection.create_answer()
    };
    let description = JsFuture::from(created).await?;
    let sdp = field(&description, "sdp").as_string().unwrap_or_default();
    describe(connection, Side::Local, kind, &sdp).await?;
    if let Some(mesh) = mesh.upgrade() {
        let signal = if offering {
            Signal::Offer { sdp }
        } else {
            Signal::Answer { sdp }
        };
        mesh.send(to, signal);
    }
    Ok(())
}

/// Takes an offer: the local sources go on the offered media lines in order, then the answer.
async fn answer(
    mesh: &Weak<Mesh>,
    to: ProfileId,
    connection: &RtcPeerConnection,
    sdp: &str,
) -> Result<(), JsValue> {
    describe(connection, Side::Remote, RtcSdpType::Offer, sdp).await?;
    let Some(mine) = mesh.upgrade() else {
        return Ok(());
    };
    for (line, source) in connection.get_transceivers().iter().zip(mine.sources) {
        let line: RtcRtpTransceiver = line.unchecked_into();
        line.set_direction(RtcRtpTransceiverDirection::Sendrecv);
        mine.attach(&line, *source);
    }
    drop(mine);
    send_description(mesh, to, connection, RtcSdpType::Answer).await
}

/// Sets the remote (`Answer`/`Offer` from the other side) or local description.
async fn describe(
    connection: &RtcPeerConnection,
    side: Side,
    kind: RtcSdpType,
    sdp: &str,
) -> Result<(), JsValue> {
    let description = RtcSessionDescriptionInit::new(kind);
    description.set_sdp(sdp);
    let promise = match side {
        Side::Remote => connection.set_remote_description(&description),
        Side::Local => connection.set_local_description(&description),
    };
    JsFuture::from(promise).await?;
    Ok(())
}

#[derive(Clone, Copy)]
enum Side {
    Local,
    Remote,
}

async fn add_candidate(
    connection: &RtcPeerConnection,
    init: &RtcIceCandidateInit,
) -> Result<(), JsValue> {
    JsFuture::from(connection.add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(init)))
        .await?;
    Ok(())
}

fn field(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}
