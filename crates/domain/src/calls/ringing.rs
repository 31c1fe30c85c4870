//! Direct calls that ring: the caller sits in the conversation's room alone while the other
//! person is called, until they answer, decline, or the time runs out. Kept here in this node's
//! memory (one node; several share `RedisCalls`).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};
use shared::calls::CallRoom;
use shared::ids::ProfileId;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ring {
    /// Tells this ringing from a later one in the same room (for its timer).
    pub id: Uuid,
    pub caller: ProfileId,
    /// The caller's membership: the conversation's call lines are written in its name.
    pub caller_member: Uuid,
    pub callee: ProfileId,
}

/// Which ringing a stop means: the one for this caller or callee, or this very one (its timer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Caller(ProfileId),
    Callee(ProfileId),
    Id(Uuid),
}

impl Which {
    pub fn matches(self, ring: &Ring) -> bool {
        match self {
            Which::Caller(p) => ring.caller == p,
            Which::Callee(p) => ring.callee == p,
            Which::Id(id) => ring.id == id,
        }
    }
}

/// A direct call that was answered: when its room empties, its length is written down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answered {
    /// When, in milliseconds since 1970 (shared between nodes, unlike an `Instant`).
    pub at_ms: i64,
    pub caller_member: Uuid,
}

impl Answered {
    pub fn new(ring: &Ring) -> Self {
        Self {
            at_ms: chrono::Utc::now().timestamp_millis(),
            caller_member: ring.caller_member,
        }
    }

    /// How long the call has lasted.
    pub fn seconds(&self) -> u32 {
        let ms = chrono::Utc::now().timestamp_millis() - self.at_ms;
        u32::try_from(ms.max(0) / 1000).unwrap_or(u32::MAX)
    }
}

#[derive(Debug, Default)]
pub struct Ringing {
    rings: Mutex<HashMap<CallRoom, Ring>>,
    answered: Mutex<HashMap<CallRoom, Answered>>,
}

impl Ringing {
    fn rings(&self) -> MutexGuard<'_, HashMap<CallRoom, Ring>> {
        self.rings.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts ringing in `room` (replacing any earlier ringing there).
    pub fn start(
        &self,
        room: CallRoom,
        caller: ProfileId,
        caller_member: Uuid,
        callee: ProfileId,
    ) -> Ring {
        let ring = Ring {
            id: Uuid::new_v4(),
            caller,
            caller_member,
            callee,
        };
        self.rings().insert(room, ring);
        ring
    }

    /// The call in `room` was answered now.
    pub fn answered(&self, room: CallRoom, ring: &Ring) {
        let answered = Answered::new(ring);
        self.answered
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(room, answered);
    }

    /// The answered call in `room` is over (its room is empty).
    pub fn over(&self, room: CallRoom) -> Option<Answered> {
        self.answered
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&room)
    }

    pub fn current(&self, room: CallRoom) -> Option<Ring> {
        self.rings().get(&room).copied()
    }

    /// Stops the ringing in `room` if it is the one `which` means.
    pub fn stop(&self, room: CallRoom, which: Which) -> Option<Ring> {
        let mut rings = self.rings();
        let ring = rings.get(&room).copied().filter(|r| which.matches(r))?;
        rings.remove(&room);
        Some(ring)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ids::ConversationId;

    #[test]
    fn a_ringing_stops_once_and_only_for_its_own_check() {
        let rings = Ringing::default();
        let room = CallRoom::Conversation(ConversationId(Uuid::from_u128(1)));
        let (a, b) = (ProfileId(Uuid::from_u128(2)), ProfileId(Uuid::from_u128(3)));
        let member = Uuid::from_u128(4);
        let first = rings.start(room, a, member, b);
        assert_eq!(rings.stop(room, Which::Callee(a)), None);
        let second = rings.start(room, a, member, b);
        assert_eq!(
            rings.stop(room, Which::Id(first.id)),
            None,
            "an older timer"
        );
        assert_eq!(rings.stop(room, Which::Caller(b)), None);
        assert_eq!(rings.stop(room, Which::Callee(b)), Some(second));
        assert_eq!(rings.stop(room, Which::Caller(a)), None, "stopped once");
        // Answered, then over once.
        rings.answered(room, &second);
        assert_eq!(rings.over(room).map(|a| a.caller_member), Some(member));
        assert_eq!(rings.over(room), None);
    }
}
