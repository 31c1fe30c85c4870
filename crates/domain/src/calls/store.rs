//! Where call state lives: in this node's memory when it runs alone, in Redis when several
//! nodes share live updates (`--redis-url`). The call functions see one interface; only the
//! Redis one can fail (Redis unreachable), which fails the call action in hand.

use shared::calls::{CallParticipant, CallRoom, MediaState};
use shared::ids::{ProfileId, ServerId};
use uuid::Uuid;

use super::redis_calls::RedisCalls;
use super::ringing::{Answered, Ring, Ringing, Which};
use super::roster::{Full, Joined, Roster, Seat};

pub enum CallStore {
    Local { roster: Roster, rings: Ringing },
    Shared(Box<RedisCalls>),
}

impl Default for CallStore {
    fn default() -> Self {
        CallStore::Local {
            roster: Roster::default(),
            rings: Ringing::default(),
        }
    }
}

type Result<T> = anyhow::Result<T>;

impl CallStore {
    /// Seats the person in `room` (replacing their seat there, or leaving another room), unless
    /// the room already holds `cap` other people.
    pub async fn join(
        &self,
        room: CallRoom,
        seat: Seat,
        cap: usize,
    ) -> Result<std::result::Result<Joined, Full>> {
        match self {
            CallStore::Local { roster, .. } => Ok(roster.join(room, seat, cap)),
            CallStore::Shared(redis) => redis.join(room, seat, cap).await,
        }
    }

    /// Removes the person's seat in `room`: only the one taken through `connection` when given.
    pub async fn leave(
        &self,
        room: CallRoom,
        me: ProfileId,
        connection: Option<Uuid>,
    ) -> Result<Option<Seat>> {
        match self {
            CallStore::Local { roster, .. } => Ok(roster.leave(room, me, connection)),
            CallStore::Shared(redis) => redis.leave(room, me, connection).await,
        }
    }

    /// Changes what the person sends (through `connection`); their seat as it now is.
    pub async fn set_media(
        &self,
        room: CallRoom,
        me: ProfileId,
        connection: Uuid,
        media: MediaState,
    ) -> Result<Option<Seat>> {
        match self {
            CallStore::Local { roster, .. } => Ok(roster.set_media(room, me, connection, media)),
            CallStore::Shared(redis) => redis.set_media(room, me, connection, media).await,
        }
    }

    /// The person's seat in `room`.
    pub async fn seat(&self, room: CallRoom, who: ProfileId) -> Result<Option<Seat>> {
        match self {
            CallStore::Local { roster, .. } => Ok(roster.seat(room, who)),
            CallStore::Shared(redis) => Ok(redis
                .room(room)
                .await?
                .into_iter()
                .find(|s| s.participant.profile_id == who)),
        }
    }

    /// Nobody sits in `room`.
    pub async fn is_empty(&self, room: CallRoom) -> Result<bool> {
        match self {
            CallStore::Local { roster, .. } => Ok(roster.is_empty(room)),
            CallStore::Shared(redis) => Ok(redis.room(room).await?.is_empty()),
        }
    }

    /// Every room of `server_id` with someone in it, and who.
    pub async fn of_server(
        &self,
        server_id: ServerId,
    ) -> Result<Vec<(CallRoom, Vec<CallParticipant>)>> {
        match self {
            CallStore::Local { roster, .. } => Ok(roster.of_server(server_id)),
            CallStore::Shared(redis) => redis.of_server(server_id).await,
        }
    }

    /// The one seat the person holds, and where.
    pub async fn of_person(&self, me: ProfileId) -> Result<Option<(CallRoom, Seat)>> {
        match self {
            CallStore::Local { roster, .. } => Ok(roster.of_person(me)),
            CallStore::Shared(redis) => redis.of_person(me).await,
        }
    }

    /// Empties `room`; the seats it had.
    pub async fn clear(&self, room: CallRoom) -> Result<Vec<Seat>> {
        match self {
            CallStore::Local { roster, .. } => Ok(roster.clear(room)),
            CallStore::Shared(redis) => redis.clear(room).await,
        }
    }

    /// Starts ringing in `room` (replacing any earlier ringing there).
    pub async fn ring(
        &self,
        room: CallRoom,
        caller: ProfileId,
        caller_member: Uuid,
        callee: ProfileId,
    ) -> Result<Ring> {
        match self {
            CallStore::Local { rings, .. } => Ok(rings.start(room, caller, caller_member, callee)),
            CallStore::Shared(redis) => {
                let ring = Ring {
                    id: Uuid::new_v4(),
                    caller,
                    caller_member,
                    callee,
                };
                redis.ring_start(room, ring).await?;
                Ok(ring)
            }
        }
    }

    pub async fn ringing(&self, room: CallRoom) -> Result<Option<Ring>> {
        match self {
            CallStore::Local { rings, .. } => Ok(rings.current(room)),
            CallStore::Shared(redis) => redis.ring_current(room).await,
        }
    }

    /// Stops the ringing in `room` if it is the one `which` means (once, wherever asked).
    pub async fn stop_ringing(&self, room: CallRoom, which: Which) -> Result<Option<Ring>> {
        match self {
            CallStore::Local { rings, .. } => Ok(rings.stop(room, which)),
            CallStore::Shared(redis) => redis.ring_stop(room, which).await,
        }
    }

    /// The call in `room` was answered now.
    pub async fn answered(&self, room: CallRoom, ring: &Ring) -> Result<()> {
        match self {
            CallStore::Local { rings, .. } => {
                rings.answered(room, ring);
                Ok(())
            }
            CallStore::Shared(redis) => redis.answered(room, Answered::new(ring)).await,
        }
    }

    /// The answered call in `room` is over: taken once.
    pub async fn over(&self, room: CallRoom) -> Result<Option<Answered>> {
        match self {
            CallStore::Local { rings, .. } => Ok(rings.over(room)),
            CallStore::Shared(redis) => redis.over(room).await,
        }
    }
}
