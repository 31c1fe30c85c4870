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
use super::ringing::{Ring, Which};
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
    let calls = &domain.calls;
    if let Some(ring) = calls
        .stop_ringing(room, Which::Callee(me.profile_id))
        .await?
    {
        calls.answered(room, &ring).await?;
        ring_ended(domain, room, ring, RingOutcome::Answered);
        return Ok(());
    }
    // Entering again (after a reconnect) while it rings does not ring again.
    if !alone || calls.ringing(room).await?.is_some() {
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
    let ring = calls
        .ring(
            room,
            me.profile_id,
            access.member.id,
            ProfileId(callee.profile_id),
        )
        .await?;
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
        let missed = async {
            if let Some(ring) = domain.calls.stop_ringing(room, Which::Id(ring.id)).await? {
                unanswered(&domain, room, ring, RingOutcome::Missed).await?;
            }
            anyhow::Ok(())
        };
        if let Err(e) = missed.await {
            tracing::warn!(error = %e, "an unanswered call was not ended");
        }
    });
    Ok(())
}

/// Turns down the direct call ringing for `me` in `room`: the caller's call ends too.
pub async fn decline(domain: &Domain, me: ProfileId, room: CallRoom) -> Result<(), CommunityError> {
    let ring = domain
        .calls
        .stop_ringing(room, Which::Callee(me))
        .await?
        .ok_or_else(|| CommunityError::Invalid("No call is ringing for you there.".into()))?;
    unanswered(domain, room, ring, RingOutcome::Declined).await?;
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
async fn unanswered(
    domain: &Domain,
    room: CallRoom,
    ring: Ring,
    outcome: RingOutcome,
) -> anyhow::Result<()> {
    ring_ended(domain, room, ring, outcome);
    if let Some(seat) = domain.calls.leave(room, ring.caller, None).await? {
        domain.hub.publish(&left(room, &seat));
    }
    Ok(())
}

/// A seat in `room` was given up: a caller hanging up stops the ringing, and the last one out
/// of an answered direct call writes down how long it lasted.
pub(super) async fn seat_given_up(
    domain: &Domain,
    room: CallRoom,
    seat: &Seat,
) -> anyhow::Result<()> {
    if !matches!(room, CallRoom::Conversation(_)) {
        return Ok(());
    }
    let calls = &domain.calls;
    let caller = seat.participant.profile_id;
    if let Some(ring) = calls.stop_ringing(room, Which::Caller(caller)).await? {
        ring_ended(domain, room, ring, RingOutcome::Cancelled);
    }
    if calls.is_empty(room).await?
        && let Some(answered) = calls.over(room).await?
    {
        let seconds = answered.seconds();
        write_line(
            domain,
            room,
            answered.caller_member,
            CallLine::Ended { seconds },
        );
    }
    Ok(())
}
