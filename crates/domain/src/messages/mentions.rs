//! What a message mentions, checked before it is stored: only current members of the thread's
//! server, at most `MAX_MENTIONS`, and `@everyone` only in a channel by its moderators and
//! admins. A channel message keeps one `message_mention` row per member it mentions (its
//! mention counts read them); an edit replaces them.

use entity::{member, message_mention};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use shared::ids::{MemberId, ProfileId};
use shared::live::Thread;
use shared::mentions::{MAX_MENTIONS, Mentions};
use shared::messages::MessageText;
use shared::permissions::Action;
use uuid::Uuid;

use crate::communities::CommunityError;
use crate::communities::access::Membership;

/// What a message mentions, once allowed: the members and the people they are.
#[derive(Default)]
pub(crate) struct Mentioned {
    pub mentions: Mentions,
    pub profiles: Vec<ProfileId>,
}

/// Checks what `text`, written by `access` in `thread`, mentions.
pub(crate) async fn check(
    db: &impl ConnectionTrait,
    access: &Membership,
    thread: Thread,
    text: &MessageText,
) -> Result<Mentioned, CommunityError> {
    let mentions = Mentions::of(text.as_str());
    if mentions.everyone {
        if matches!(thread, Thread::Conversation(_)) {
            return Err(CommunityError::Invalid(
                "@everyone can only be used in a server's channels.".into(),
            ));
        }
        if access.require(Action::MentionEveryone).is_err() {
            return Err(CommunityError::Invalid(
                "Only moderators and admins can mention @everyone.".into(),
            ));
        }
    }
    if mentions.members.len() > MAX_MENTIONS {
        return Err(CommunityError::Invalid(format!(
            "A message can mention at most {MAX_MENTIONS} members."
        )));
    }
    let profiles = if mentions.members.is_empty() {
        Vec::new()
    } else {
        member::Entity::find()
            .select_only()
            .column(member::Column::ProfileId)
            .filter(member::Column::Id.is_in(mentions.members.iter().map(|m| m.0)))
            .filter(member::Column::ServerId.eq(access.server.id))
            .filter(member::Column::LeftAt.is_null())
            .into_tuple::<Uuid>()
            .all(db)
            .await?
            .into_iter()
            .map(ProfileId)
            .collect()
    };
    if profiles.len() != mentions.members.len() {
        return Err(CommunityError::Invalid(
            "You can only mention members of this server.".into(),
        ));
    }
    Ok(Mentioned { mentions, profiles })
}

/// Where a channel message is: its id, channel and creation sequence number.
pub(crate) struct Place {
    pub message: Uuid,
    pub channel: Uuid,
    pub created_seq: i64,
}

/// Stores the members a channel message mentions, in place of those it mentioned before.
pub(crate) async fn save(
    db: &impl ConnectionTrait,
    place: Place,
    members: &[MemberId],
    replacing: bool,
) -> Result<(), CommunityError> {
    let message = place.message;
    if replacing {
        message_mention::Entity::delete_many()
            .filter(message_mention::Column::MessageId.eq(message))
            .exec(db)
            .await?;
    }
    if members.is_empty() {
        return Ok(());
    }
    message_mention::Entity::insert_many(members.iter().map(|m| message_mention::ActiveModel {
        message_id: Set(message),
        member_id: Set(m.0),
        channel_id: Set(place.channel),
        created_seq: Set(place.created_seq),
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// The members a channel message mentions by name, as stored.
pub(crate) async fn named(
    db: &impl ConnectionTrait,
    message: Uuid,
) -> Result<Vec<Uuid>, CommunityError> {
    Ok(message_mention::Entity::find()
        .select_only()
        .column(message_mention::Column::MemberId)
        .filter(message_mention::Column::MessageId.eq(message))
        .into_tuple::<Uuid>()
        .all(db)
        .await?)
}
