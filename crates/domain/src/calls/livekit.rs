//! LiveKit access tokens: a room joined on the LiveKit server (for calls larger than a
//! peer-to-peer mesh) needs a token this server signs, naming who may do what in which room.

use std::time::Duration;

use livekit_api::access_token::{AccessToken, VideoGrants};
use shared::calls::CallRoom;
use shared::ids::ProfileId;

use super::RoomKind;
use crate::communities::CommunityError;

/// How long a token lets its holder join: a browser asks for a new one each time it joins.
pub const TOKEN_TTL: Duration = Duration::from_secs(10 * 60);

/// Where the LiveKit server is, and the key pair it trusts.
#[derive(Clone)]
pub struct LiveKit {
    pub url: String,
    key: String,
    secret: String,
}

impl std::fmt::Debug for LiveKit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveKit")
            .field("url", &self.url)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl LiveKit {
    pub fn new(url: String, key: String, secret: String) -> Self {
        Self { url, key, secret }
    }

    /// A token for `me` (shown as `name`) in `room`, with what a room of `kind` allows.
    pub fn token(
        &self,
        me: ProfileId,
        name: &str,
        room: CallRoom,
        kind: RoomKind,
    ) -> Result<String, CommunityError> {
        AccessToken::with_api_key(&self.key, &self.secret)
            .with_identity(&me.to_string())
            .with_name(name)
            .with_ttl(TOKEN_TTL)
            .with_grants(grants(room, kind))
            .to_jwt()
            .map_err(|e| CommunityError::Unexpected(anyhow::anyhow!("sign a LiveKit token: {e}")))
    }
}

/// The LiveKit room of a call: the channel's or the conversation's id.
fn room_name(room: CallRoom) -> String {
    match room {
        CallRoom::Channel(id) => id.to_string(),
        CallRoom::Conversation(id) => id.to_string(),
    }
}

/// Join, hear everyone, and send what the room carries: the microphone in an audio channel; the
/// camera and the screen too in a video channel or a direct call. No data messages, no admin.
fn grants(room: CallRoom, kind: RoomKind) -> VideoGrants {
    let sources: &[&str] = match kind {
        RoomKind::Audio => &["microphone"],
        RoomKind::Video | RoomKind::Direct => {
            &["microphone", "camera", "screen_share", "screen_share_audio"]
        }
    };
    VideoGrants {
        room_join: true,
        room: room_name(room),
        can_publish: Some(true),
        can_subscribe: Some(true),
        can_publish_data: Some(false),
        can_publish_sources: sources.iter().map(|s| (*s).to_owned()).collect(),
        can_update_own_metadata: Some(false),
        ..VideoGrants::default()
    }
}
