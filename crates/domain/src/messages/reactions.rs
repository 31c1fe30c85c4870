//! Reactions to messages, channel and direct alike: one emoji once per person per message, at
//! most `MAX_REACTIONS` different emojis on a message; read back with the messages they belong
//! to, each emoji in the order first used and its people in the order they reacted.

use std::collections::HashMap;

use chrono::Utc;
use entity::message_reaction;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TryInsertResult,
};
use shared::ids::MemberId;
use shared::messages::{MAX_REACTIONS, Reaction};
use uuid::Uuid;

use crate::communities::CommunityError;

/// The emoji as stored, when `raw` is one (a skin tone kept); anything else is refused.
pub(crate) fn emoji(raw: &str) -> Result<String, CommunityError> {
    emojis::get(raw)
        .map(|e| e.as_str().to_owned())
        .ok_or_else(|| CommunityError::Invalid("React with one emoji.".into()))
}

/// Adds (`on`) or takes back `member`'s reaction; whether anything changed.
pub(crate) async fn set(
    db: &impl ConnectionTrait,
    message: Uuid,
    member: Uuid,
    emoji: &str,
    on: bool,
) -> Result<bool, CommunityError> {
    let this = message_reaction::Entity::find()
        .filter(message_reaction::Column::MessageId.eq(message))
        .filter(message_reaction::Column::Emoji.eq(emoji));
    if !on {
        let gone = message_reaction::Entity::delete_many()
            .filter(message_reaction::Column::MessageId.eq(message))
            .filter(message_reaction::Column::Emoji.eq(emoji))
            .filter(message_reaction::Column::MemberId.eq(member))
            .exec(db)
            .await?;
        return Ok(gone.rows_affected > 0);
    }
    if this.count(db).await? == 0 {
        let kinds = message_reaction::Entity::find()
            .select_only()
            .column(message_reaction::Column::Emoji)
            .distinct()
            .filter(message_reaction::Column::MessageId.eq(message))
            .count(db)
            .await?;
        if kinds >= MAX_REACTIONS as u64 {
            return Err(CommunityError::Invalid(format!(
                "A message can have at most {MAX_REACTIONS} different reactions."
            )));
        }
    }
    let row = message_reaction::ActiveModel {
        message_id: Set(message),
        emoji: Set(emoji.to_owned()),
        member_id: Set(member),
        created_at: Set(Utc::now()),
    };
    let added = message_reaction::Entity::insert(row)
        .on_conflict_do_nothing_on([
            message_reaction::Column::MessageId,
            message_reaction::Column::Emoji,
            message_reaction::Column::MemberId,
        ])
        .exec_without_returning(db)
        .await?;
    Ok(matches!(added, TryInsertResult::Inserted(n) if n > 0))
}

/// Takes every reaction off a message (it was deleted).
pub(crate) async fn clear(db: &impl ConnectionTrait, message: Uuid) -> Result<(), DbErr> {
    message_reaction::Entity::delete_many()
        .filter(message_reaction::Column::MessageId.eq(message))
        .exec(db)
        .await?;
    Ok(())
}

/// The reactions of each of `messages` that has any, in one query.
pub(crate) async fn of(
    db: &impl ConnectionTrait,
    messages: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Reaction>>, DbErr> {
    let mut found: HashMap<Uuid, Vec<Reaction>> = HashMap::new();
    if messages.is_empty() {
        return Ok(found);
    }
    let rows = message_reaction::Entity::find()
        .filter(message_reaction::Column::MessageId.is_in(messages.iter().copied()))
        .order_by_asc(message_reaction::Column::CreatedAt)
        .order_by_asc(message_reaction::Column::MemberId)
        .all(db)
        .await?;
    for row in rows {
        let reactions = found.entry(row.message_id).or_default();
        let member = MemberId(row.member_id);
        match reactions.iter_mut().find(|r| r.emoji == row.emoji) {
            Some(reaction) => reaction.members.push(member),
            None => reactions.push(Reaction {
                emoji: row.emoji,
                members: vec![member],
            }),
        }
    }
    Ok(found)
}
