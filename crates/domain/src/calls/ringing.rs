//! Direct calls that ring: the caller sits in the conversation's room alone while the other
//! person is called, on this node, until they answer, decline, or the time runs out.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use shared::calls::CallRoom;
use shared::ids::ProfileId;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ring {
    /// Tells this ringing from a later one in the same room (for its timer).
    pub id: Uuid,
    pub caller: ProfileId,
    /// The caller's membership: the conversation's call lines are written in its name.
    pub caller_member: Uuid,
    pub callee: ProfileId,
}

/// A direct call that was answered: when its room empties, its length is written down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answered {
    pub at: Instant,
    pub caller_member: Uuid,
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
        let answered = Answered {
            at: Instant::now(),
            caller_member: ring.caller_member,
        };
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

    /// Stops the ringing in `room` if `which` says it is the one meant.
    pub fn stop(&self, room: CallRoom, which: impl FnOnce(&Ring) -> bool) -> Option<Ring> {
        let mut rings = self.rings();
        let ring = rings.get(&room).copied().filter(which)?;
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
        assert_eq!(rings.stop(room, |r| r.callee == a), None);
        let second = rings.start(room, a, member, b);
        assert_eq!(
            rings.stop(room, |r| r.id == first.id),
            None,
            "an older timer"
        );
        assert_eq!(rings.stop(room, |r| r.callee == b), Some(second));
        assert_eq!(rings.stop(room, |_| true), None);
        // Answered, then over once.
        rings.answered(room, &second);
        assert_eq!(rings.over(room).map(|a| a.caller_member), Some(member));
        assert_eq!(rings.over(room), None);
    }
}
