//! Direct calls: the first person into a conversation's room calls the other, whose pages ring
//! until they answer, decline, or `RING_SECONDS` pass; the conversation keeps a line for each
//! call ("Missed video call", "Call — 4 min").

use std::time::Duration;

use entity::member;
use sea_orm::EntityTrait;
use shared::calls::{CallParticipant, CallRoom, RING_SECONDS, RingOutcome};
use shared::ids::{ConversationId, MemberId, ProfileId, ServerId};
use shared::live::ServerEvent;
use shared::messages::CallLine;
use uuid::Uuid;

use super::left;
use super::ringing::Ring;
use super::roster::Seat;
use crate::Domain;
use crate::communities::CommunityError;
use crate::conversations::participant;
use crate::direct_messages;

/// In a direct conversation, the first to enter calls the other (it rings on every page they
/// have open, for `RING_SECONDS`); the other entering answers.
pub(super) async fn ring_or_answer(
    domain: &Domain,
    conversation: ConversationId,
    me: &CallParticipant,
    alone: bool,
) -> Result<(), CommunityError> {
    let room = CallRoom::Conversation(conversation);
    if let Some(ring) = domain.rings.stop(room, |r| r.callee == me.profile_id) {
        domain.rings.answered(room, &ring);
        ring_ended(domain, room, ring, RingOutcome::Answered);
        return Ok(());
    }
    // Entering again (after a reconnect) while it rings does not ring again.
    if !alone || domain.rings.current(room).is_some() {
        return Ok(());
    }
    let (row, access) = participant(&domain.db, me.profile_id, conversation).await?;
    let other = if row.member_one_id == access.member.id {
        row.member_two_id
    } else {
        row.member_one_id
    };
    let callee = member::Entity::find_by_id(other)
        .one(&domain.db)
        .await?
        .filter(|m| m.left_at.is_none())
        .ok_or(CommunityError::NotFound)?;
    let ring = domain.rings.start(
        room,
        me.profile_id,
        access.member.id,
        ProfileId(callee.profile_id),
    );
    domain.hub.publish(&ServerEvent::CallRinging {
        room,
        server_id: ServerId(access.server.id),
        callee: ring.callee,
        caller: me.clone(),
        caller_member: MemberId(access.member.id),
    });
    let domain = domain.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(RING_SECONDS)).await;
        if let Some(ring) = domain.rings.stop(room, |r| r.id == ring.id) {
            unanswered(&domain, room, ring, RingOutcome::Missed);
        }
    });
    Ok(())
}

/// Turns down the direct call ringing for `me` in `room`: the caller's call ends too.
pub fn decline(domain: &Domain, me: ProfileId, room: CallRoom) -> Result<(), CommunityError> {
    let ring = domain
        .rings
        .stop(room, |r| r.callee == me)
        .ok_or_else(|| CommunityError::Invalid("No call is ringing for you there.".into()))?;
    unanswered(domain, room, ring, RingOutcome::Declined);
    Ok(())
}

/// Tells both people how the ringing ended; unless answered, the conversation gets a "Missed
/// video call" line.
fn ring_ended(domain: &Domain, room: CallRoom, ring: Ring, outcome: RingOutcome) {
    for to in [ring.caller, ring.callee] {
        domain
            .hub
            .publish(&ServerEvent::CallRingEnded { room, to, outcome });
    }
    if outcome != RingOutcome::Answered {
        write_line(domain, room, ring.caller_member, CallLine::Missed);
    }
}

/// Writes a call line into the conversation (in the background: the call's events do not
/// wait for the database).
fn write_line(domain: &Domain, room: CallRoom, caller_member: Uuid, line: CallLine) {
    let CallRoom::Conversation(conversation) = room else {
        return;
    };
    let domain = domain.clone();
    tokio::spawn(async move {
        if let Err(e) =
            direct_messages::post_call_line(&domain, conversation, caller_member, line).await
        {
            tracing::warn!(error = %e, "could not write a call line");
        }
    });
}

/// A call nobody answered: the caller leaves the room as well.
fn unanswered(domain: &Domain, room: CallRoom, ring: Ring, outcome: RingOutcome) {
    ring_ended(domain, room, ring, outcome);
    if let Some(seat) = domain.calls.leave(room, ring.caller, None) {
        domain.hub.publish(&left(room, &seat));
    }
}

/// A seat in `room` was given up: a caller hanging up stops the ringing, and the last one out
/// of an answered direct call writes down how long it lasted.
pub(super) fn seat_given_up(domain: &Domain, room: CallRoom, seat: &Seat) {
    let caller = seat.participant.profile_id;
    if let Some(ring) = domain.rings.stop(room, |r| r.caller == caller) {
        ring_ended(domain, room, ring, RingOutcome::Cancelled);
    }
    if domain.calls.is_empty(room)
        && let Some(answered) = domain.rings.over(room)
    {
        let seconds = u32::try_from(answered.at.elapsed().as_secs()).unwrap_or(u32::MAX);
        write_line(
            domain,
            room,
            answered.caller_member,
            CallLine::Ended { seconds },
        );
    }
}
