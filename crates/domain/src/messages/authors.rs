//! Who wrote which message: members with their profiles, loaded in one query per page.

use std::collections::HashMap;

use entity::{member, profile};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use shared::ids::{MemberId, ProfileId};
use shared::messages::Author;
use uuid::Uuid;

use crate::accounts::avatar::image_url;
use crate::communities::CommunityError;
use crate::communities::access::role;

pub async fn load(
    db: &impl ConnectionTrait,
    member_ids: &[Uuid],
) -> Result<HashMap<Uuid, Author>, CommunityError> {
    if member_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut unique = member_ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let rows = member::Entity::find()
        .filter(member::Column::Id.is_in(unique))
        .find_also_related(profile::Entity)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(m, p)| {
            let p = p?;
            Some((
                m.id,
                Author {
                    member_id: MemberId(m.id),
                    profile_id: ProfileId(p.id),
                    image_url: Some(image_url(&p)),
                    name: p.name,
                    role: role(m.role),
                },
            ))
        })
        .collect())
}
