//! Bans: kicking can also ban, and a banned person cannot rejoin by any invite until an admin
//! lifts the ban.

use chrono::Utc;
use entity::{ban, profile};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use shared::community::BanInfo;
use shared::ids::{ProfileId, ServerId};
use shared::permissions::Action;

use super::CommunityError;
use super::access::membership;
use crate::Domain;
use crate::accounts::avatar::image_url;

/// The server's bans, newest first (ADMIN).
pub async fn list(
    domain: &Domain,
    me: ProfileId,
    server_id: ServerId,
) -> Result<Vec<BanInfo>, CommunityError> {
    membership(&domain.db, me, server_id)
        .await?
        .require(Action::ManageBans)?;
    let rows = ban::Entity::find()
        .filter(ban::Column::ServerId.eq(server_id.0))
        .order_by_desc(ban::Column::CreatedAt)
        .find_also_related(profile::Entity)
        .all(&domain.db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(b, p)| {
            let p = p?;
            Some(BanInfo {
                profile_id: ProfileId(p.id),
                image_url: Some(image_url(&p)),
                name: p.name,
                banned_at: b.created_at,
            })
        })
        .collect())
}

/// Lifts a ban (ADMIN): the person may join again by an invite. Lifting a ban that is not
/// there is `NotFound`.
pub async fn lift(
    domain: &Domain,
    me: ProfileId,
    server_id: ServerId,
    banned: ProfileId,
) -> Result<(), CommunityError> {
    domain
        .write(move |txn, _| {
            Box::pin(async move {
                membership(txn, me, server_id)
                    .await?
                    .require(Action::ManageBans)?;
                let deleted = ban::Entity::delete_by_id((server_id.0, banned.0))
                    .exec(txn)
                    .await?;
                if deleted.rows_affected == 0 {
                    return Err(CommunityError::NotFound);
                }
                Ok(())
            })
        })
        .await
}

/// Records that `banned` may not come back to `server_id` (inside the kick's transaction).
pub(super) async fn record(
    db: &impl ConnectionTrait,
    server_id: ServerId,
    banned: ProfileId,
    by: ProfileId,
) -> Result<(), CommunityError> {
    ban::ActiveModel {
        server_id: Set(server_id.0),
        profile_id: Set(banned.0),
        banned_by: Set(Some(by.0)),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Whether `who` is banned from `server_id`.
pub(super) async fn is_banned(
    db: &impl ConnectionTrait,
    server_id: ServerId,
    who: ProfileId,
) -> Result<bool, CommunityError> {
    Ok(ban::Entity::find_by_id((server_id.0, who.0))
        .one(db)
        .await?
        .is_some())
}
