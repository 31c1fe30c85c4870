//! The signals one call view shares between its parts (and with the browser session that
//! drives them).

use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use shared::calls::{CallRoom, MediaState};
use shared::ids::ProfileId;
use web_sys::{MediaStream, MediaStreamTrack};

use super::model::{Call, Device, Source, sources};
use super::transport::{CallTransport, Remote};
use crate::chat::store::Chat;
use crate::shell::Me;

/// On the server the view renders without ever joining: what only joining uses goes unread.
#[cfg_attr(not(feature = "browser"), allow(dead_code))]
#[derive(Clone, Copy)]
pub struct CallState {
    pub room: CallRoom,
    pub chat: Chat,
    pub me: Me,
    pub sources: &'static [Source],
    /// `None` until this browser asks to join.
    pub call: RwSignal<Option<Call>>,
    pub remote: RwSignal<HashMap<ProfileId, Remote>, LocalStorage>,
    /// What this browser sends.
    pub media: RwSignal<MediaState>,
    /// This browser's own camera, shown in its tile.
    pub preview: RwSignal<Option<MediaStream>, LocalStorage>,
    /// The microphone this browser sends, if any (its level makes the own tile's ring).
    pub microphone_track: StoredValue<Option<MediaStreamTrack>, LocalStorage>,
    /// Whether this browser's own microphone hears speech.
    pub speaking: RwSignal<bool>,
    /// A refusal or failure to explain (a device refused, no connection).
    pub note: RwSignal<Option<String>>,
    pub microphones: RwSignal<Vec<Device>>,
    pub cameras: RwSignal<Vec<Device>>,
    pub microphone: RwSignal<Option<String>>,
    pub camera: RwSignal<Option<String>>,
    pub transport: StoredValue<Option<Rc<dyn CallTransport>>, LocalStorage>,
}

impl CallState {
    pub fn new(room: CallRoom, video: bool) -> Self {
        Self {
            room,
            chat: Chat::get(),
            me: Me::get(),
            sources: sources(video),
            call: RwSignal::new(None),
            remote: RwSignal::new_local(HashMap::new()),
            media: RwSignal::new(MediaState::default()),
            preview: RwSignal::new_local(None),
            microphone_track: StoredValue::new_local(None),
            speaking: RwSignal::new(false),
            note: RwSignal::new(None),
            microphones: RwSignal::new(Vec::new()),
            cameras: RwSignal::new(Vec::new()),
            microphone: RwSignal::new(None),
            camera: RwSignal::new(None),
            transport: StoredValue::new_local(None),
        }
    }

    pub fn video(self) -> bool {
        self.sources.contains(&Source::Camera)
    }

    /// Whether this browser is in the call or on its way in (reactive).
    pub fn active(self) -> bool {
        self.call.with(|c| c.as_ref().is_some_and(Call::active))
    }

    /// The same, read without subscribing (and false once the view is gone).
    #[cfg(feature = "browser")]
    pub fn active_untracked(self) -> bool {
        self.call
            .try_with_untracked(|c| c.as_ref().is_some_and(Call::active))
            .unwrap_or(false)
    }
}
