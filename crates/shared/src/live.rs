//! The live feed's protocol: what a browser asks over `/ws`, and what the server pushes.
//! JSON with a `type` tag; topics and ids are typed, never strings.

use serde::{Deserialize, Serialize};

use uuid::Uuid;

use crate::calls::{CallParticipant, CallRoom, IceServer, MediaState, RingOutcome, Signal};
use crate::community::{ChannelInfo, MemberInfo, ServerSummary};
use crate::ids::{ChannelId, ConversationId, MemberId, MessageId, ProfileId, ServerId};
use crate::messages::{Message, is_false};
use crate::permissions::Role;

/// The close code of a socket whose session ended (signed out, or expired): the browser goes to
/// the sign-in page instead of reconnecting.
pub const CLOSE_SIGNED_OUT: u16 = 4001;

/// Something a connection can follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id")]
pub enum Topic {
    /// Messages of one channel.
    Channel(ChannelId),
    /// Messages of one direct conversation.
    Conversation(ConversationId),
    /// Channels, members and settings of one server.
    Server(ServerId),
    /// What concerns one person's own sessions. Followed by each of that person's sockets on
    /// the server side; no client can ask for it.
    Account(ProfileId),
    /// Who lost access to one server (a member left or was kicked, the server was deleted):
    /// those events go here as well as to the server's topic. Each socket following anything
    /// of the server follows it on the server side, to end its follows on a removal without
    /// hearing every event of the server; no client can ask for it.
    Access(ServerId),
}

/// Where messages live: a channel or a direct conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id")]
pub enum Thread {
    Channel(ChannelId),
    Conversation(ConversationId),
}

impl Thread {
    /// The thread a request names by a channel or a conversation: exactly one of the two.
    pub fn one_of(
        channel: Option<ChannelId>,
        conversation: Option<ConversationId>,
    ) -> Result<Self, crate::AppError> {
        match (channel, conversation) {
            (Some(id), None) => Ok(Thread::Channel(id)),
            (None, Some(id)) => Ok(Thread::Conversation(id)),
            _ => Err(crate::AppError::Validation(
                "Name one channel or one conversation.".into(),
            )),
        }
    }

    /// The thread as a request names it: its channel or its conversation.
    pub fn parts(self) -> (Option<ChannelId>, Option<ConversationId>) {
        match self {
            Thread::Channel(id) => (Some(id), None),
            Thread::Conversation(id) => (None, Some(id)),
        }
    }

    pub fn topic(self) -> Topic {
        match self {
            Thread::Channel(id) => Topic::Channel(id),
            Thread::Conversation(id) => Topic::Conversation(id),
        }
    }
}

/// What the browser sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum ClientCommand {
    Subscribe {
        topic: Topic,
    },
    Unsubscribe {
        topic: Topic,
    },
    Ping,
    /// Enter a call (leaving any other), sending `media`.
    JoinCall {
        room: CallRoom,
        media: MediaState,
    },
    LeaveCall {
        room: CallRoom,
    },
    SetCallMedia {
        room: CallRoom,
        media: MediaState,
    },
    /// WebRTC signalling for another participant of the same call.
    CallSignal {
        room: CallRoom,
        to: ProfileId,
        signal: Signal,
    },
    /// Turn down a direct call that rings for this person.
    DeclineCall {
        room: CallRoom,
    },
    /// The person is writing in `thread` (a thread this socket follows): its other followers
    /// are told, never stored.
    Typing {
        thread: Thread,
    },
    /// Whether the person has used this tab lately (`idle` after a while without input).
    Presence {
        idle: bool,
    },
}

/// What the server pushes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum ServerEvent {
    Subscribed {
        topic: Topic,
    },
    /// The connection no longer follows `topic` (left, kicked, or the topic is gone).
    Unsubscribed {
        topic: Topic,
        reason: String,
    },
    MessageCreated {
        thread: Thread,
        message: Message,
    },
    MessageUpdated {
        thread: Thread,
        message: Message,
    },
    MessageDeleted {
        thread: Thread,
        message: Message,
    },
    ChannelCreated {
        server_id: ServerId,
        channel: ChannelInfo,
    },
    ChannelUpdated {
        server_id: ServerId,
        channel: ChannelInfo,
    },
    ChannelDeleted {
        server_id: ServerId,
        channel_id: ChannelId,
    },
    MemberJoined {
        server_id: ServerId,
        member: MemberInfo,
    },
    MemberLeft {
        server_id: ServerId,
        member_id: MemberId,
        profile_id: ProfileId,
    },
    MemberRoleChanged {
        server_id: ServerId,
        member_id: MemberId,
        role: Role,
    },
    MemberKicked {
        server_id: ServerId,
        member_id: MemberId,
        profile_id: ProfileId,
    },
    ServerUpdated {
        server: ServerSummary,
    },
    /// The server's owner is now this member (who is an admin).
    OwnerChanged {
        server_id: ServerId,
        owner_id: ProfileId,
    },
    /// A member of this server changed their name or picture (or deleted their account).
    ProfileUpdated {
        server_id: ServerId,
        profile_id: ProfileId,
        name: String,
        image_url: Option<String>,
    },
    ServerDeleted {
        server_id: ServerId,
    },
    /// A session of this person ended (signed out, or replaced by a new sign-in): its sockets
    /// close. Internal to the server: never forwarded to a client.
    SessionEnded {
        profile_id: ProfileId,
        /// The session's stored id (the token's hash, never the token).
        session: String,
    },
    /// The answer to `JoinCall`: this connection is in `room`, with `others`. Peer to peer, it
    /// sends each of them an offer and its links may use `ice_servers` (none when the server has
    /// none configured); with `livekit`, the media goes through the LiveKit server instead (the
    /// browser asks for a token and connects there).
    CallEntered {
        room: CallRoom,
        others: Vec<CallParticipant>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ice_servers: Vec<IceServer>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        livekit: bool,
    },
    /// The answer to a `JoinCall` that could not be carried out (the room is full, or the person
    /// may not enter it): said to the person, who is not in the call.
    CallRefused {
        room: CallRoom,
        message: String,
    },
    CallJoined {
        server_id: ServerId,
        room: CallRoom,
        participant: CallParticipant,
    },
    CallLeft {
        server_id: ServerId,
        room: CallRoom,
        profile_id: ProfileId,
    },
    CallMediaChanged {
        server_id: ServerId,
        room: CallRoom,
        profile_id: ProfileId,
        media: MediaState,
    },
    /// A message was created in a channel of `server_id` (on the server's topic, for the unread
    /// marks and notifications of members who do not follow the channel itself), naming the
    /// people it mentions.
    ChannelActivity {
        server_id: ServerId,
        channel_id: ChannelId,
        message_id: MessageId,
        created_seq: i64,
        author: ProfileId,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        mentioned: Vec<ProfileId>,
        #[serde(default, skip_serializing_if = "is_false")]
        everyone: bool,
    },
    /// A direct message was written to `to` (on their own topic: every page they have open).
    DirectActivity {
        to: ProfileId,
        server_id: ServerId,
        conversation_id: ConversationId,
        message_id: MessageId,
        created_seq: i64,
        author: ProfileId,
    },
    /// `profile_id` has now read `thread` up to `last_read_seq` (on their own topic: their other
    /// pages and devices clear or set its badge).
    ReadUpTo {
        profile_id: ProfileId,
        thread: Thread,
        last_read_seq: i64,
    },
    /// `profile_id` changed their notification settings (on their own topic: their other pages
    /// load them again).
    NotifySettingsChanged {
        profile_id: ProfileId,
    },
    /// A direct call rings for `callee` (on their own topic: every page they have open).
    CallRinging {
        room: CallRoom,
        server_id: ServerId,
        callee: ProfileId,
        caller: CallParticipant,
        /// The caller's membership, which names the conversation's page for the callee.
        caller_member: MemberId,
    },
    /// A direct call stopped ringing, told to each of its two people (`to`).
    CallRingEnded {
        room: CallRoom,
        to: ProfileId,
        outcome: RingOutcome,
    },
    /// Signalling from `from` for `to`'s socket `connection` in the call (relayed on `to`'s own
    /// topic; other sockets of `to` drop it).
    CallSignal {
        room: CallRoom,
        from: ProfileId,
        to: ProfileId,
        connection: Uuid,
        signal: Signal,
    },
    /// `profile_id` is writing in `thread` (they said so a moment ago).
    Typing {
        thread: Thread,
        profile_id: ProfileId,
    },
    /// `profile_id`, a member of `server_id`, is now online, idle or offline (sent once per
    /// server the person belongs to).
    PresenceChanged {
        server_id: ServerId,
        profile_id: ProfileId,
        status: crate::presence::Status,
    },
    /// A command could not be carried out; the connection stays open.
    Error {
        message: String,
    },
    Pong,
}

impl ServerEvent {
    /// The topic whose followers receive this event (`None` for replies to one connection).
    pub fn topic(&self) -> Option<Topic> {
        use ServerEvent::*;
        match self {
            MessageCreated { thread, .. }
            | MessageUpdated { thread, .. }
            | MessageDeleted { thread, .. }
            | Typing { thread, .. } => Some(thread.topic()),
            ChannelCreated { server_id, .. }
            | ChannelUpdated { server_id, .. }
            | ChannelDeleted { server_id, .. }
            | MemberJoined { server_id, .. }
            | MemberLeft { server_id, .. }
            | MemberRoleChanged { server_id, .. }
            | MemberKicked { server_id, .. }
            | ChannelActivity { server_id, .. }
            | PresenceChanged { server_id, .. }
            | OwnerChanged { server_id, .. }
            | ProfileUpdated { server_id, .. }
            | ServerDeleted { server_id } => Some(Topic::Server(*server_id)),
            ServerUpdated { server } => Some(Topic::Server(server.id)),
            SessionEnded { profile_id, .. }
            | ReadUpTo { profile_id, .. }
            | NotifySettingsChanged { profile_id }
            | DirectActivity { to: profile_id, .. } => Some(Topic::Account(*profile_id)),
            CallJoined {
                server_id, room, ..
            }
            | CallLeft {
                server_id, room, ..
            }
            | CallMediaChanged {
                server_id, room, ..
            } => Some(match room {
                CallRoom::Channel(_) => Topic::Server(*server_id),
                CallRoom::Conversation(id) => Topic::Conversation(*id),
            }),
            CallSignal { to, .. } | CallRinging { callee: to, .. } | CallRingEnded { to, .. } => {
                Some(Topic::Account(*to))
            }
            Subscribed { .. }
            | Unsubscribed { .. }
            | CallEntered { .. }
            | CallRefused { .. }
            | Error { .. }
            | Pong => None,
        }
    }

    /// The server's `Access` topic, for an event that ends someone's access to it (it goes
    /// there as well as to `topic`).
    pub fn access_topic(&self) -> Option<Topic> {
        self.removed_profile()
            .map(|(server_id, _)| Topic::Access(server_id))
    }

    /// The person who lost access to a server through this event, if any.
    pub fn removed_profile(&self) -> Option<(ServerId, Option<ProfileId>)> {
        match self {
            ServerEvent::MemberKicked {
                server_id,
                profile_id,
                ..
            }
            | ServerEvent::MemberLeft {
                server_id,
                profile_id,
                ..
            } => Some((*server_id, Some(*profile_id))),
            ServerEvent::ServerDeleted { server_id } => Some((*server_id, None)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn commands_and_events_are_tagged_json() {
        let topic = Topic::Channel(ChannelId(Uuid::nil()));
        let json = serde_json::to_string(&ClientCommand::Subscribe { topic }).unwrap();
        assert_eq!(
            json,
            r#"{"type":"Subscribe","data":{"topic":{"kind":"Channel","id":"00000000-0000-0000-0000-000000000000"}}}"#
        );
        assert_eq!(
            serde_json::from_str::<ClientCommand>(&json).unwrap(),
            ClientCommand::Subscribe { topic }
        );
        assert_eq!(
            serde_json::to_string(&ClientCommand::Ping).unwrap(),
            r#"{"type":"Ping"}"#
        );
        assert!(
            serde_json::from_str::<ClientCommand>(r#"{"type":"Subscribe","data":{"topic":"all"}}"#)
                .is_err()
        );
    }

    #[test]
    fn events_know_their_topic() {
        let server_id = ServerId(Uuid::new_v4());
        let deleted = ServerEvent::ServerDeleted { server_id };
        assert_eq!(deleted.topic(), Some(Topic::Server(server_id)));
        assert_eq!(deleted.removed_profile(), Some((server_id, None)));
        assert_eq!(deleted.access_topic(), Some(Topic::Access(server_id)));
        let activity = ServerEvent::ChannelDeleted {
            server_id,
            channel_id: ChannelId(Uuid::new_v4()),
        };
        assert_eq!(activity.topic(), Some(Topic::Server(server_id)));
        assert_eq!(activity.access_topic(), None);
        assert_eq!(ServerEvent::Pong.topic(), None);
    }
}
