//! Calls: who is in which room with which media, and the WebRTC signalling relayed between the
//! participants of one room. The media never passes through the server on the peer-to-peer path.

use serde::{Deserialize, Serialize};

use uuid::Uuid;

use crate::AppError;
use crate::ids::{ChannelId, ConversationId, ProfileId};
use crate::live::Thread;

/// Where a call happens: an audio or video channel, or a direct conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id")]
pub enum CallRoom {
    Channel(ChannelId),
    Conversation(ConversationId),
}

impl CallRoom {
    /// The room a request names by a channel or a conversation: exactly one of the two.
    pub fn one_of(
        channel: Option<ChannelId>,
        conversation: Option<ConversationId>,
    ) -> Result<Self, AppError> {
        Thread::one_of(channel, conversation).map(Self::from)
    }

    /// The thread whose channel or conversation holds the call.
    pub fn thread(self) -> Thread {
        match self {
            CallRoom::Channel(id) => Thread::Channel(id),
            CallRoom::Conversation(id) => Thread::Conversation(id),
        }
    }
}

impl From<Thread> for CallRoom {
    fn from(thread: Thread) -> Self {
        match thread {
            Thread::Channel(id) => CallRoom::Channel(id),
            Thread::Conversation(id) => CallRoom::Conversation(id),
        }
    }
}

/// How long a direct call rings before it ends as missed.
pub const RING_SECONDS: u64 = 30;

/// How the ringing of a direct call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RingOutcome {
    /// The person called joined.
    Answered,
    /// The person called turned it down.
    Declined,
    /// Nobody answered in time.
    Missed,
    /// The caller hung up first.
    Cancelled,
}

impl RingOutcome {
    /// What the caller's call view says when the call ends this way (`None`: it goes on).
    /// `Cancelled` reaches a caller's view only when the server took the seat (a caller who
    /// hangs up has closed the view).
    pub fn to_caller(self) -> Option<&'static str> {
        match self {
            RingOutcome::Answered => None,
            RingOutcome::Declined => Some("The call was declined."),
            RingOutcome::Missed => Some("No answer."),
            RingOutcome::Cancelled => Some("You are no longer in this call."),
        }
    }
}

/// At most this many people share a room on the peer-to-peer path: each sends its media to
/// every other, so the cost grows with the square of the room (a fifth needs LiveKit).
pub const P2P_ROOM_CAP: usize = 4;
/// How many a room holds when its media goes through a LiveKit server (which may set a lower
/// limit of its own).
pub const LIVEKIT_ROOM_CAP: usize = 100;

/// What a participant sends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaState {
    pub microphone: bool,
    pub camera: bool,
    pub screen: bool,
}

/// Someone in a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallParticipant {
    pub profile_id: ProfileId,
    /// New on every join: tells a join announcement that arrives after the joiner was already
    /// seen (the same seat) from a join again from another connection (a new seat).
    pub seat: Uuid,
    pub name: String,
    pub image_url: Option<String>,
    pub media: MediaState,
}

/// A STUN or TURN server the browser may use to reach the others when a direct path fails
/// (TURN with credentials good for a limited time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceServer {
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// Where and how to join a call on the LiveKit server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveKitAccess {
    pub url: String,
    /// Signed by this server; good for ten minutes.
    pub token: String,
}

/// The longest session description relayed (a browser's offer for audio, video and a screen is
/// a few KiB).
pub const MAX_SDP_BYTES: usize = 12 * 1024;
/// The longest ICE candidate line relayed.
pub const MAX_CANDIDATE_BYTES: usize = 1024;

/// One WebRTC signalling message, relayed unchanged from one participant to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Signal {
    Offer {
        sdp: String,
    },
    Answer {
        sdp: String,
    },
    Candidate {
        candidate: String,
        sdp_mid: Option<String>,
        sdp_m_line_index: Option<u16>,
    },
}

impl Signal {
    /// Whether every part is within its size limit.
    pub fn within_limits(&self) -> bool {
        match self {
            Signal::Offer { sdp } | Signal::Answer { sdp } => sdp.len() <= MAX_SDP_BYTES,
            Signal::Candidate {
                candidate, sdp_mid, ..
            } => {
                candidate.len() <= MAX_CANDIDATE_BYTES
                    && sdp_mid.as_ref().is_none_or(|m| m.len() <= 64)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooms_and_signals_are_tagged_json() {
        let room = CallRoom::Channel(ChannelId(Uuid::nil()));
        assert_eq!(
            serde_json::to_string(&room).unwrap(),
            r#"{"kind":"Channel","id":"00000000-0000-0000-0000-000000000000"}"#
        );
        let offer = Signal::Offer { sdp: "v=0".into() };
        let json = serde_json::to_string(&offer).unwrap();
        assert_eq!(json, r#"{"kind":"Offer","sdp":"v=0"}"#);
        assert_eq!(serde_json::from_str::<Signal>(&json).unwrap(), offer);
    }

    #[test]
    fn oversized_signals_are_refused() {
        assert!(
            Signal::Answer {
                sdp: "x".repeat(MAX_SDP_BYTES)
            }
            .within_limits()
        );
        assert!(
            !Signal::Offer {
                sdp: "x".repeat(MAX_SDP_BYTES + 1)
            }
            .within_limits()
        );
        let candidate = |candidate: String, mid: &str| Signal::Candidate {
            candidate,
            sdp_mid: Some(mid.into()),
            sdp_m_line_index: Some(0),
        };
        assert!(
            candidate("candidate:1 1 udp 1 127.0.0.1 5000 typ host".into(), "0").within_limits()
        );
        assert!(!candidate("x".repeat(MAX_CANDIDATE_BYTES + 1), "0").within_limits());
        assert!(!candidate("c".into(), &"m".repeat(65)).within_limits());
    }
}
