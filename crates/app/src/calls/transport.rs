//! What the call view asks of a media transport, whichever carries the call: peer to peer
//! (`mesh`) or through a LiveKit server (`livekit`).

use shared::calls::{IceServer, Signal};
use shared::ids::ProfileId;
use web_sys::{MediaStream, MediaStreamTrack};

use super::model::Action;
use super::model::Source;

/// What one other participant sends, as streams the view plays.
#[derive(Clone, Default)]
pub struct Remote {
    pub audio: Option<MediaStream>,
    pub camera: Option<MediaStream>,
    pub screen: Option<MediaStream>,
}

#[cfg_attr(not(feature = "browser"), allow(dead_code))]
pub trait CallTransport {
    /// The STUN/TURN servers new links may use (given with each entry into the call).
    fn use_ice_servers(&self, servers: Vec<IceServer>);
    /// Carries out what the call's last event asked for (open or close links).
    fn apply(&self, actions: Vec<Action>);
    /// Signalling relayed from another participant.
    fn signal(&self, from: ProfileId, signal: Signal);
    /// Sends this track as `source` (or stops sending it) to everyone in the call.
    fn publish(&self, source: Source, track: Option<MediaStreamTrack>);
    /// Starts measuring who is speaking (until the transport is dropped).
    fn spawn_meter(&self);
    /// Closes every link and stops every local track.
    fn leave(&self);
}

/// Waits for `promise` in the background; a failure is logged, not left unhandled.
#[cfg(feature = "browser")]
pub fn quietly(promise: js_sys::Promise) {
    leptos::task::spawn_local(async move {
        if let Err(e) = wasm_bindgen_futures::JsFuture::from(promise).await {
            leptos::logging::warn!("call: {e:?}");
        }
    });
}

#[cfg(feature = "browser")]
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
