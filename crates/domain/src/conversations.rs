//! Direct conversations: one per pair of members of a server, found or created in one step.

use chrono::Utc;
use entity::{conversation, member};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use shared::ids::{ConversationId, MemberId, ProfileId, ServerId};
use shared::messages::Conversation;
use uuid::Uuid;

use crate::Domain;
use crate::communities::CommunityError;
use crate::communities::access::{Membership, membership};
use crate::limits::Rule;
use crate::messages::rows::author;

/// Opens the conversation between `me` and `other` (a member of the same server), creating it
/// if neither has yet. The pair is stored in canonical order and is unique, so two people
/// opening it at once get the same row. Only starting a conversation counts against the
/// open-conversation limit: reopening one (every load of its page) does not.
pub async fn open(
    domain: &Domain,
    me: ProfileId,
    server_id: ServerId,
    other: MemberId,
) -> Result<Conversation, CommunityError> {
    let access = membership(&domain.db, me, server_id).await?;
    let other = member::Entity::find_by_id(other.0)
        .one(&domain.db)
        .await?
        .filter(|m| m.server_id == server_id.0 && m.left_at.is_none())
        .ok_or(CommunityError::NotFound)?;
    if other.id == access.member.id {
        return Err(CommunityError::Invalid(
            "You cannot start a conversation with yourself.".into(),
        ));
    }
    let (one, two) = canonical(access.member.id, other.id);
    let row = match find(&domain.db, one, two).await? {
        Some(row) => row,
        None => {
            domain.limits.check(Rule::OpenConversation, me)?;
            domain
                .write(move |txn, _| {
                    Box::pin(async move {
                        // Opened meanwhile (by the other person, or on another node): that one.
                        if let Some(row) = find(txn, one, two).await? {
                            return Ok(row);
                        }
                        let row = conversation::ActiveModel {
                            id: Set(Uuid::new_v4()),
                            member_one_id: Set(one),
                            member_two_id: Set(two),
                            last_seq: Set(0),
                            last_message_seq: Set(0),
                            created_at: Set(Utc::now()),
                        }
                        .insert(txn)
                        .await?;
                        Ok::<_, CommunityError>(row)
                    })
                })
                .await?
        }
    };
    Ok(Conversation {
        id: ConversationId(row.id),
        server_id,
        other: author(&domain.db, other.id).await?,
    })
}

/// The conversation and the caller's membership, if the caller is one of its two members.
/// Anyone else, and anyone no longer in the server, gets NotFound.
pub(crate) async fn participant(
    db: &impl ConnectionTrait,
    me: ProfileId,
    id: ConversationId,
) -> Result<(conversation::Model, Membership), CommunityError> {
    let row = conversation::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or(CommunityError::NotFound)?;
    let members = member::Entity::find()
        .filter(member::Column::Id.is_in([row.member_one_id, row.member_two_id]))
        .all(db)
        .await?;
    let mine = members
        .iter()
        .find(|m| m.profile_id == me.0)
        .ok_or(CommunityError::NotFound)?;
    let access = membership(db, me, ServerId(mine.server_id)).await?;
    if access.member.id != mine.id {
        return Err(CommunityError::NotFound);
    }
    Ok((row, access))
}

async fn find(
    db: &impl ConnectionTrait,
    one: Uuid,
    two: Uuid,
) -> Result<Option<conversation::Model>, CommunityError> {
    Ok(conversation::Entity::find()
        .filter(conversation::Column::MemberOneId.eq(one))
        .filter(conversation::Column::MemberTwoId.eq(two))
        .one(db)
        .await?)
}

fn canonical(a: Uuid, b: Uuid) -> (Uuid, Uuid) {
    if a < b { (a, b) } else { (b, a) }
}

#[cfg(test)]
mod tests {
    use super::canonical;
    use uuid::Uuid;

    #[test]
    fn pairs_have_one_order() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        assert_eq!(canonical(a, b), canonical(b, a));
        let (one, two) = canonical(a, b);
        assert!(one < two);
    }
}
