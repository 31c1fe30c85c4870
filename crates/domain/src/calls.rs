//! Calls in audio and video channels and direct conversations: who may join which room, who is
//! in it (`store`: this node's memory, or Redis shared by several nodes), and the WebRTC
//! signalling relayed between the participants of one room. Joining checks the database; a seat then stands for that check until the person
//! leaves, their socket goes, or they lose the server (kick, leave, deletion), which frees it.

mod direct;
pub mod ice;
pub mod livekit;
pub mod redis_calls;
pub mod ringing;
pub mod roster;
pub mod store;

use entity::{channel, profile};
use sea_orm::EntityTrait;
use std::time::Duration;

use shared::calls::{
    CallParticipant, CallRoom, IceServer, LIVEKIT_ROOM_CAP, LiveKitAccess, MediaState,
    P2P_ROOM_CAP, Signal,
};
use shared::ids::{ProfileId, ServerId};
use shared::live::ServerEvent;
use uuid::Uuid;

use crate::Domain;
use crate::accounts::avatar::image_url;
use crate::communities::CommunityError;
use crate::conversations::participant;
use crate::messages::channel_access;
use roster::{Full, Seat};

pub use direct::decline;

/// What a peer-to-peer room refuses its fifth person with.
pub const ROOM_FULL: &str = "This room is full. Larger calls need a LiveKit server (see README).";

/// Whether calls' media goes through the configured LiveKit server (else peer to peer).
fn through_livekit(domain: &Domain) -> bool {
    domain.livekit.is_some()
}

/// How many people one room holds: a peer-to-peer mesh few, a LiveKit room many.
fn room_cap(domain: &Domain) -> usize {
    if through_livekit(domain) {
        LIVEKIT_ROOM_CAP
    } else {
        P2P_ROOM_CAP
    }
}

fn room_full(domain: &Domain) -> String {
    if through_livekit(domain) {
        "This room is full.".into()
    } else {
        ROOM_FULL.into()
    }
}

/// What kind of call a room holds, which decides what may be sent in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomKind {
    /// An audio channel: microphones only.
    Audio,
    Video,
    /// A call in a direct conversation: audio, camera and screen.
    Direct,
}

impl RoomKind {
    /// `media` with what this kind of room does not carry turned off.
    pub fn allow(self, media: MediaState) -> MediaState {
        match self {
            RoomKind::Audio => MediaState {
                microphone: media.microphone,
                camera: false,
                screen: false,
            },
            RoomKind::Video | RoomKind::Direct => media,
        }
    }
}

/// Checks that `me` may be in `room` now: a member of the channel's server (a text channel holds
/// no calls), or one of the conversation's two people. Its server and kind.
pub async fn access(
    domain: &Domain,
    me: ProfileId,
    room: CallRoom,
) -> Result<(ServerId, RoomKind), CommunityError> {
    match room {
        CallRoom::Channel(channel_id) => {
            let (channel, _) = channel_access(&domain.db, me, channel_id).await?;
            let kind = match channel.kind {
                channel::ChannelKind::Audio => RoomKind::Audio,
                channel::ChannelKind::Video => RoomKind::Video,
                channel::ChannelKind::Text => {
                    return Err(CommunityError::Invalid(
                        "Text channels have no calls.".into(),
                    ));
                }
            };
            Ok((ServerId(channel.server_id), kind))
        }
        CallRoom::Conversation(id) => {
            let (_, access) = participant(&domain.db, me, id).await?;
            Ok((ServerId(access.server.id), RoomKind::Direct))
        }
    }
}

/// `access`, and the person's profile (for their name and picture in the call).
async fn entrant(
    domain: &Domain,
    me: ProfileId,
    room: CallRoom,
) -> Result<(ServerId, RoomKind, profile::Model), CommunityError> {
    let (server_id, kind) = access(domain, me, room).await?;
    let profile = profile::Entity::find_by_id(me.0)
        .one(&domain.db)
        .await?
        .ok_or(CommunityError::NotFound)?;
    Ok((server_id, kind, profile))
}

/// Seats `me` in `room` through the socket `connection` (leaving any other room). The answer to
/// the joiner, `CallEntered`: everyone else already there (to whom the joiner sends offers), and
/// how the media travels (peer to peer with these ICE servers, or through LiveKit).
pub async fn join(
    domain: &Domain,
    me: ProfileId,
    connection: Uuid,
    room: CallRoom,
    media: MediaState,
) -> Result<ServerEvent, CommunityError> {
    let (server_id, kind, profile) = entrant(domain, me, room).await?;
    let participant = CallParticipant {
        profile_id: me,
        seat: Uuid::new_v4(),
        image_url: Some(image_url(&profile)),
        name: profile.name,
        media: kind.allow(media),
    };
    let seat = Seat {
        participant: participant.clone(),
        connection,
        server_id,
    };
    let joined = domain
        .calls
        .join(room, seat, room_cap(domain))
        .await?
        .map_err(|Full| CommunityError::Conflict(room_full(domain)))?;
    if let Some((from, seat)) = joined.moved_from {
        vacated(domain, from, &seat).await;
    }
    domain.hub.publish(&ServerEvent::CallJoined {
        server_id,
        room,
        participant: participant.clone(),
    });
    if let CallRoom::Conversation(id) = room {
        direct::ring_or_answer(domain, id, &participant, joined.others.is_empty()).await?;
    }
    Ok(ServerEvent::CallEntered {
        room,
        others: joined.others,
        ice_servers: ice_servers(domain, me),
        livekit: through_livekit(domain),
    })
}

/// A seat was given up: everyone hears of it, and in a direct conversation the ringing or the
/// call's record follows (`direct`).
async fn vacated(domain: &Domain, room: CallRoom, seat: &Seat) {
    domain.hub.publish(&left(room, seat));
    if let Err(e) = direct::seat_given_up(domain, room, seat).await {
        tracing::warn!(error = %e, "a direct call's end was not recorded");
    }
}

/// The STUN/TURN servers `me`'s links may use now (with fresh TURN credentials); none when the
/// media goes through LiveKit.
fn ice_servers(domain: &Domain, me: ProfileId) -> Vec<IceServer> {
    if through_livekit(domain) {
        return Vec::new();
    }
    domain.ice.servers(me, chrono::Utc::now())
}

/// Takes `me` out of `room`, if they sit there through `connection`.
pub async fn leave(
    domain: &Domain,
    me: ProfileId,
    connection: Uuid,
    room: CallRoom,
) -> Result<(), CommunityError> {
    if let Some(seat) = domain.calls.leave(room, me, Some(connection)).await? {
        vacated(domain, room, &seat).await;
    }
    Ok(())
}

/// Changes what `me` sends in `room` (as far as the room's kind allows).
pub async fn set_media(
    domain: &Domain,
    me: ProfileId,
    connection: Uuid,
    room: CallRoom,
    media: MediaState,
) -> Result<(), CommunityError> {
    let (server_id, kind) = access(domain, me, room).await?;
    let seat = domain
        .calls
        .set_media(room, me, connection, kind.allow(media))
        .await?
        .ok_or_else(not_in_call)?;
    domain.hub.publish(&ServerEvent::CallMediaChanged {
        server_id,
        room,
        profile_id: me,
        media: seat.participant.media,
    });
    Ok(())
}

/// Relays `signal` from `me` (in `room` through `connection`) to `to`, in the same room: it
/// reaches `to`'s socket in the call and nothing else.
pub async fn relay(
    domain: &Domain,
    me: ProfileId,
    connection: Uuid,
    room: CallRoom,
    to: ProfileId,
    signal: Signal,
) -> Result<(), CommunityError> {
    if !signal.within_limits() {
        return Err(CommunityError::Invalid(
            "That signalling message is too long.".into(),
        ));
    }
    let mine = domain.calls.seat(room, me).await?.ok_or_else(not_in_call)?;
    if mine.connection != connection {
        return Err(not_in_call());
    }
    let theirs = domain
        .calls
        .seat(room, to)
        .await?
        .filter(|_| to != me)
        .ok_or(CommunityError::NotFound)?;
    domain.hub.publish(&ServerEvent::CallSignal {
        room,
        from: me,
        to,
        connection: theirs.connection,
        signal,
    });
    Ok(())
}

/// How long a call seat outlives its socket: a client that reconnects within it takes the seat
/// back instead of leaving and rejoining the call.
pub const SEAT_GRACE: Duration = Duration::from_secs(15);

/// `me`'s socket `connection` has closed: whatever seat it held is freed once `SEAT_GRACE` has
/// passed, unless its person took the seat again through another socket meanwhile.
pub fn socket_closed(domain: &Domain, me: ProfileId, connection: Uuid) {
    let domain = domain.clone();
    tokio::spawn(async move {
        tokio::time::sleep(SEAT_GRACE).await;
        if let Err(e) = disconnect(&domain, me, connection).await {
            tracing::warn!(error = %e, "a closed socket's call seat was not freed");
        }
    });
}

/// Frees whatever seat `me` held through the socket `connection`.
async fn disconnect(domain: &Domain, me: ProfileId, connection: Uuid) -> anyhow::Result<()> {
    if let Some((room, seat)) = domain.calls.of_person(me).await?
        && seat.connection == connection
        && let Some(seat) = domain.calls.leave(room, me, Some(connection)).await?
    {
        vacated(domain, room, &seat).await;
    }
    Ok(())
}

/// Frees `me`'s seat in a room of a server they no longer belong to.
pub async fn lose_server(domain: &Domain, me: ProfileId, server_id: ServerId) {
    let freed = async {
        if let Some((room, seat)) = domain.calls.of_person(me).await?
            && seat.server_id == server_id
            && let Some(seat) = domain.calls.leave(room, me, None).await?
        {
            vacated(domain, room, &seat).await;
        }
        anyhow::Ok(())
    };
    if let Err(e) = freed.await {
        tracing::warn!(error = %e, "a departed member's call seat was not freed");
    }
}

/// Ends every call in `room` (its channel was deleted), or in every room of `server_id` when
/// `room` is `None` (the server was deleted).
pub async fn end(domain: &Domain, server_id: ServerId, room: Option<CallRoom>) {
    let ended = async {
        let rooms = match room {
            Some(room) => vec![room],
            None => domain
                .calls
                .of_server(server_id)
                .await?
                .into_iter()
                .map(|(r, _)| r)
                .collect(),
        };
        for room in rooms {
            for seat in domain.calls.clear(room).await? {
                vacated(domain, room, &seat).await;
            }
        }
        anyhow::Ok(())
    };
    if let Err(e) = ended.await {
        tracing::warn!(error = %e, "calls of a deleted channel or server were not ended");
    }
}

/// Takes out the seats of nodes that are gone (several nodes: see `redis_calls`), every
/// `HEARTBEAT`, and keeps this node's own seats alive.
pub fn spawn_presence(domain: &Domain) {
    if !matches!(*domain.calls, store::CallStore::Shared(_)) {
        return;
    }
    let domain = domain.clone();
    tokio::spawn(async move {
        let store::CallStore::Shared(redis) = &*domain.calls else {
            return;
        };
        let mut beat = tokio::time::interval(redis_calls::HEARTBEAT);
        loop {
            beat.tick().await;
            let swept = async {
                redis.heartbeat().await?;
                for (room, seat) in redis.sweep().await? {
                    vacated(&domain, room, &seat).await;
                }
                anyhow::Ok(())
            };
            if let Err(e) = swept.await {
                tracing::warn!(error = %e, "call presence in Redis not renewed");
            }
        }
    });
}

/// A LiveKit token for `me` in `room`, after the same checks as a join, with the server's URL.
pub async fn livekit_token(
    domain: &Domain,
    me: ProfileId,
    room: CallRoom,
) -> Result<LiveKitAccess, CommunityError> {
    let livekit = domain.livekit.as_ref().ok_or_else(|| {
        CommunityError::Invalid("This server has no LiveKit: its calls are peer to peer.".into())
    })?;
    let (_, kind, profile) = entrant(domain, me, room).await?;
    Ok(LiveKitAccess {
        url: livekit.url.clone(),
        token: livekit.token(me, &profile.name, room, kind)?,
    })
}

pub(crate) fn left(room: CallRoom, seat: &Seat) -> ServerEvent {
    ServerEvent::CallLeft {
        server_id: seat.server_id,
        room,
        profile_id: seat.participant.profile_id,
    }
}

fn not_in_call() -> CommunityError {
    CommunityError::Invalid("You are not in this call.".into())
}
