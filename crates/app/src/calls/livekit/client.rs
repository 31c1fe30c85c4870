//! The part of the LiveKit browser client (npm `livekit-client`, a script served at
//! `/vendor/livekit-client.js` that defines the global `LivekitClient`) the call uses, bound with
//! wasm-bindgen; and the loading of that script, the first time a call needs it.

use js_sys::{Function, Map, Promise, Reflect};
use leptos::prelude::document;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::MediaStreamTrack;

/// Where the server serves the client (`scripts/setup-tools.sh` puts it in the site).
const SCRIPT: &str = "/vendor/livekit-client.js";
const GLOBAL: &str = "LivekitClient";

#[wasm_bindgen(js_namespace = LivekitClient)]
extern "C" {
    pub type Room;

    #[wasm_bindgen(constructor)]
    pub fn new(options: &JsValue) -> Room;

    #[wasm_bindgen(method, catch)]
    pub async fn connect(
        this: &Room,
        url: &str,
        token: &str,
        options: &JsValue,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method)]
    pub fn disconnect(this: &Room) -> Promise;

    /// Listens to one of the room's events (`RoomEvent` names).
    #[wasm_bindgen(method)]
    pub fn on(this: &Room, event: &str, listener: &Function) -> Room;

    /// `connected`, `connecting`, `reconnecting`, `signalReconnecting` or `disconnected`.
    #[wasm_bindgen(method, getter)]
    pub fn state(this: &Room) -> String;

    #[wasm_bindgen(method, getter, js_name = localParticipant)]
    pub fn local_participant(this: &Room) -> LocalParticipant;

    /// The others in the room by identity (a profile id).
    #[wasm_bindgen(method, getter, js_name = remoteParticipants)]
    pub fn remote_participants(this: &Room) -> Map;

    pub type LocalParticipant;

    #[wasm_bindgen(method, catch, js_name = publishTrack)]
    pub async fn publish_track(
        this: &LocalParticipant,
        track: &MediaStreamTrack,
        options: &JsValue,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = unpublishTrack)]
    pub async fn unpublish_track(
        this: &LocalParticipant,
        track: &MediaStreamTrack,
        stop: bool,
    ) -> Result<JsValue, JsValue>;

    pub type RemoteParticipant;

    #[wasm_bindgen(method, getter)]
    pub fn identity(this: &RemoteParticipant) -> String;

    #[wasm_bindgen(method, getter, js_name = isSpeaking)]
    pub fn is_speaking(this: &RemoteParticipant) -> bool;

    pub type RemoteTrack;

    /// `microphone`, `camera`, `screen_share`, `screen_share_audio` or `unknown`.
    #[wasm_bindgen(method, getter)]
    pub fn source(this: &RemoteTrack) -> String;

    #[wasm_bindgen(method, getter, js_name = mediaStreamTrack)]
    pub fn media_stream_track(this: &RemoteTrack) -> MediaStreamTrack;
}

/// Makes sure the client is loaded (once per page).
pub async fn load() -> Result<(), JsValue> {
    if Reflect::has(&js_sys::global(), &JsValue::from_str(GLOBAL))? {
        return Ok(());
    }
    let document = document();
    let script = document.create_element("script")?;
    script.set_attribute("src", SCRIPT)?;
    let loaded = Promise::new(&mut |resolve, reject| {
        let _ = script.add_event_listener_with_callback("load", &resolve);
        let _ = script.add_event_listener_with_callback("error", &reject);
    });
    document
        .body()
        .ok_or_else(|| JsValue::from_str("no document body"))?
        .append_child(&script)?;
    JsFuture::from(loaded).await?;
    Ok(())
}

/// `{ key: value, … }` for the client's option objects.
pub fn options(entries: &[(&str, JsValue)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in entries {
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object.into()
}
