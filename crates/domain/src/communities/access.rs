//! Loading "who is the caller in this server" and turning it into a permission decision.

use entity::{member, server};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use shared::ids::{ProfileId, ServerId};
use shared::permissions::{Action, Actor, Role, can};

use super::CommunityError;

/// The caller's membership of a server, with the server itself.
pub struct Membership {
    pub server: server::Model,
    pub member: member::Model,
}

impl Membership {
    pub fn actor(&self) -> Actor {
        Actor::member(role(self.member.role), self.is_owner())
    }

    pub fn is_owner(&self) -> bool {
        self.server.owner_id == self.member.profile_id
    }

    /// Refuses with `Forbidden` unless the caller may do `action`.
    pub fn require(&self, action: Action) -> Result<(), CommunityError> {
        if can(self.actor(), action) {
            Ok(())
        } else {
            Err(CommunityError::Forbidden)
        }
    }
}

/// The caller's membership, or `NotFound` when the server does not exist or they are not in it.
pub async fn membership(
    db: &impl ConnectionTrait,
    me: ProfileId,
    server_id: ServerId,
) -> Result<Membership, CommunityError> {
    let found = member::Entity::find()
        .filter(member::Column::ServerId.eq(server_id.0))
        .filter(member::Column::ProfileId.eq(me.0))
        .filter(member::Column::LeftAt.is_null())
        .find_also_related(server::Entity)
        .one(db)
        .await?;
    match found {
        Some((member, Some(server))) => Ok(Membership { server, member }),
        _ => Err(CommunityError::NotFound),
    }
}

pub fn role(role: member::Role) -> Role {
    match role {
        member::Role::Admin => Role::Admin,
        member::Role::Moderator => Role::Moderator,
        member::Role::Guest => Role::Guest,
    }
}

pub fn db_role(role: Role) -> member::Role {
    match role {
        Role::Admin => member::Role::Admin,
        Role::Moderator => member::Role::Moderator,
        Role::Guest => member::Role::Guest,
    }
}
