//! Who sits in which call room, in this node's memory (one node; several share `RedisCalls`).
//! A person is in one room at a time, through one connection (a socket): joining elsewhere, or
//! from another tab, moves them.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use shared::calls::{CallParticipant, CallRoom, MediaState};
use shared::ids::{ProfileId, ServerId};
use uuid::Uuid;

/// One participant's place in a room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    pub participant: CallParticipant,
    /// The socket the person joined through: signals for them go to it alone.
    pub connection: Uuid,
    /// The server the room belongs to (a conversation's too).
    pub server_id: ServerId,
}

/// The room was full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;

/// What a join changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    /// Everyone else in the room, in the order they joined.
    pub others: Vec<CallParticipant>,
    /// The seat the person gave up elsewhere by joining (another room).
    pub moved_from: Option<(CallRoom, Seat)>,
}

#[derive(Debug, Default)]
pub struct Roster {
    rooms: Mutex<HashMap<CallRoom, Vec<Seat>>>,
}

impl Roster {
    fn rooms(&self) -> MutexGuard<'_, HashMap<CallRoom, Vec<Seat>>> {
        self.rooms.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Seats the person in `room` (replacing their seat there, or leaving another room), unless
    /// the room already holds `cap` other people.
    pub fn join(&self, room: CallRoom, seat: Seat, cap: usize) -> Result<Joined, Full> {
        let me = seat.participant.profile_id;
        let mut rooms = self.rooms();
        let seats = rooms.get(&room).map_or(&[][..], Vec::as_slice);
        let here = seats.iter().any(|s| s.participant.profile_id == me);
        if !here && seats.len() >= cap {
            return Err(Full);
        }
        let moved_from = rooms
            .iter()
            .find(|(r, seats)| **r != room && seats.iter().any(|s| s.participant.profile_id == me))
            .map(|(r, _)| *r)
            .and_then(|other| Some((other, take(&mut rooms, other, me, None)?)));
        let seats = rooms.entry(room).or_default();
        match seats.iter_mut().find(|s| s.participant.profile_id == me) {
            Some(mine) => *mine = seat,
            None => seats.push(seat),
        }
        let others = seats
            .iter()
            .filter(|s| s.participant.profile_id != me)
            .map(|s| s.participant.clone())
            .collect();
        Ok(Joined { others, moved_from })
    }

    /// Nobody sits in `room`.
    pub fn is_empty(&self, room: CallRoom) -> bool {
        self.rooms().get(&room).is_none_or(Vec::is_empty)
    }

    /// Removes the person's seat in `room`: only the one taken through `connection` when given
    /// (a socket that closed must not end the seat the person took again from another).
    pub fn leave(&self, room: CallRoom, me: ProfileId, connection: Option<Uuid>) -> Option<Seat> {
        take(&mut self.rooms(), room, me, connection)
    }

    /// Changes what the person sends; their participant as it now is.
    pub fn set_media(
        &self,
        room: CallRoom,
        me: ProfileId,
        connection: Uuid,
        media: MediaState,
    ) -> Option<Seat> {
        let mut rooms = self.rooms();
        let seat = rooms
            .get_mut(&room)?
            .iter_mut()
            .find(|s| s.participant.profile_id == me && s.connection == connection)?;
        seat.participant.media = media;
        Some(seat.clone())
    }

    /// The person's seat in `room`.
    pub fn seat(&self, room: CallRoom, who: ProfileId) -> Option<Seat> {
        self.rooms()
            .get(&room)?
            .iter()
            .find(|s| s.participant.profile_id == who)
            .cloned()
    }

    /// Every room of `server_id` with someone in it, and who.
    pub fn of_server(&self, server_id: ServerId) -> Vec<(CallRoom, Vec<CallParticipant>)> {
        self.rooms()
            .iter()
            .filter(|(_, seats)| seats.first().is_some_and(|s| s.server_id == server_id))
            .map(|(room, seats)| (*room, seats.iter().map(|s| s.participant.clone()).collect()))
            .collect()
    }

    /// Empties `room` (its channel is gone); the seats it had.
    pub fn clear(&self, room: CallRoom) -> Vec<Seat> {
        self.rooms().remove(&room).unwrap_or_default()
    }

    /// The one seat the person holds, and where.
    pub fn of_person(&self, me: ProfileId) -> Option<(CallRoom, Seat)> {
        self.rooms().iter().find_map(|(room, seats)| {
            seats
                .iter()
                .find(|s| s.participant.profile_id == me)
                .map(|s| (*room, s.clone()))
        })
    }
}

fn take(
    rooms: &mut HashMap<CallRoom, Vec<Seat>>,
    room: CallRoom,
    me: ProfileId,
    connection: Option<Uuid>,
) -> Option<Seat> {
    let seats = rooms.get_mut(&room)?;
    let at = seats.iter().position(|s| {
        s.participant.profile_id == me && connection.is_none_or(|c| c == s.connection)
    })?;
    let seat = seats.remove(at);
    if seats.is_empty() {
        rooms.remove(&room);
    }
    Some(seat)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ids::{ChannelId, ConversationId};

    fn seat(server: ServerId, name: &str) -> Seat {
        Seat {
            participant: CallParticipant {
                seat: Uuid::new_v4(),
                profile_id: ProfileId(Uuid::new_v4()),
                name: name.into(),
                image_url: None,
                media: MediaState::default(),
            },
            connection: Uuid::new_v4(),
            server_id: server,
        }
    }

    fn names(people: &[CallParticipant]) -> Vec<&str> {
        people.iter().map(|p| p.name.as_str()).collect()
    }

    #[test]
    fn a_room_takes_up_to_its_cap_and_rejoining_does_not_count_twice() {
        let roster = Roster::default();
        let server = ServerId(Uuid::new_v4());
        let room = CallRoom::Channel(ChannelId(Uuid::new_v4()));
        let people: Vec<Seat> = ["Ann", "Bo", "Cy", "Di"]
            .iter()
            .map(|n| seat(server, n))
            .collect();
        for (i, p) in people.iter().enumerate() {
            let joined = roster.join(room, p.clone(), 4).unwrap();
            assert_eq!(joined.others.len(), i);
        }
        assert_eq!(roster.join(room, seat(server, "Ed"), 4), Err(Full));
        // Ann again, from another tab: still four, her seat now on the new socket.
        let mut again = people[0].clone();
        again.connection = Uuid::new_v4();
        let joined = roster.join(room, again.clone(), 4).unwrap();
        assert_eq!(names(&joined.others), ["Bo", "Cy", "Di"]);
        assert_eq!(roster.seat(room, again.participant.profile_id), Some(again));
    }

    #[test]
    fn joining_elsewhere_moves_and_an_old_socket_cannot_end_the_new_seat() {
        let roster = Roster::default();
        let server = ServerId(Uuid::new_v4());
        let voice = CallRoom::Channel(ChannelId(Uuid::new_v4()));
        let dm = CallRoom::Conversation(ConversationId(Uuid::new_v4()));
        let ann = seat(server, "Ann");
        let me = ann.participant.profile_id;
        roster.join(voice, ann.clone(), 4).unwrap();
        let mut moved = ann.clone();
        moved.connection = Uuid::new_v4();
        let joined = roster.join(dm, moved.clone(), 2).unwrap();
        assert_eq!(joined.moved_from, Some((voice, ann.clone())));
        assert_eq!(roster.seat(voice, me), None);
        assert!(roster.of_server(server).iter().all(|(r, _)| *r == dm));

        assert_eq!(roster.leave(dm, me, Some(ann.connection)), None);
        assert_eq!(roster.of_person(me), Some((dm, moved.clone())));
        let media = MediaState {
            microphone: true,
            ..MediaState::default()
        };
        assert_eq!(roster.set_media(dm, me, ann.connection, media), None);
        let changed = roster.set_media(dm, me, moved.connection, media).unwrap();
        assert!(changed.participant.media.microphone);
        assert_eq!(roster.leave(dm, me, Some(moved.connection)), Some(changed));
        assert!(roster.of_server(server).is_empty(), "an empty room is gone");
    }
}
