//! Managing members: switching GUEST and MODERATOR, kicking (with a ban, if asked), and
//! handing the server over to another member.

use chrono::Utc;
use entity::{member, server};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use shared::ids::{MemberId, ProfileId, ServerId};
use shared::live::ServerEvent;
use shared::permissions::{Action, Role, Target};

use super::CommunityError;
use super::access::{Membership, db_role, membership, role};
use crate::Domain;

/// Sets a member's role to GUEST or MODERATOR (ADMIN; never on themself or the owner).
pub async fn set_role(
    domain: &Domain,
    me: ProfileId,
    server_id: ServerId,
    member_id: MemberId,
    new_role: Role,
) -> Result<(), CommunityError> {
    if new_role == Role::Admin {
        return Err(CommunityError::Invalid(
            "Members can be made Guest or Moderator.".into(),
        ));
    }
    domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                let access = membership(txn, me, server_id).await?;
                let target = target_member(txn, &access, member_id).await?;
                access.require(Action::ChangeRole(target_of(&access, &target)))?;
                let mut active = target.into_active_model();
                active.role = Set(db_role(new_role));
                active.updated_at = Set(Utc::now());
                active.update(txn).await?;
                outbox.publish(ServerEvent::MemberRoleChanged {
                    server_id,
                    member_id,
                    role: new_role,
                });
                Ok(())
            })
        })
        .await
}

/// Hands the server over to `member_id` (owner only), who must be a moderator or an admin:
/// they become its owner and an admin; the former owner stays, an admin.
pub async fn transfer_ownership(
    domain: &Domain,
    me: ProfileId,
    server_id: ServerId,
    member_id: MemberId,
) -> Result<(), CommunityError> {
    domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                let access = membership(txn, me, server_id).await?;
                access.require(Action::TransferOwnership)?;
                let target = target_member(txn, &access, member_id).await?;
                if target.profile_id == me.0 {
                    return Err(CommunityError::Invalid(
                        "You already own this server.".into(),
                    ));
                }
                let new_owner = ProfileId(target.profile_id);
                match role(target.role) {
                    Role::Guest => {
                        return Err(CommunityError::Invalid(
                            "A server is handed over to a moderator or an admin: make them a \
                             moderator first."
                                .into(),
                        ));
                    }
                    Role::Moderator => {
                        let mut active = target.into_active_model();
                        active.role = Set(db_role(Role::Admin));
                        active.updated_at = Set(Utc::now());
                        active.update(txn).await?;
                        outbox.publish(ServerEvent::MemberRoleChanged {
                            server_id,
                            member_id,
                            role: Role::Admin,
                        });
                    }
                    Role::Admin => {}
                }
                let mut server = access.server.into_active_model();
                server.owner_id = Set(new_owner.0);
                server.updated_at = Set(Utc::now());
                server::ActiveModel::update(server, txn).await?;
                outbox.publish(ServerEvent::OwnerChanged {
                    server_id,
                    owner_id: new_owner,
                });
                Ok(())
            })
        })
        .await
}

/// Removes a member from the server (ADMIN; never themself or the owner); with `ban`, they
/// cannot come back by any invite until the ban is lifted. Their live sockets stop following
/// the server at once (they hear `MemberKicked`).
pub async fn kick(
    domain: &Domain,
    me: ProfileId,
    server_id: ServerId,
    member_id: MemberId,
    ban: bool,
) -> Result<(), CommunityError> {
    let kicked = domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                let access = membership(txn, me, server_id).await?;
                let target = target_member(txn, &access, member_id).await?;
                access.require(Action::Kick(target_of(&access, &target)))?;
                let profile_id = ProfileId(target.profile_id);
                depart(txn, target).await?;
                if ban {
                    super::bans::record(txn, server_id, profile_id, me).await?;
                }
                outbox.publish(ServerEvent::MemberKicked {
                    server_id,
                    member_id,
                    profile_id,
                });
                Ok::<_, CommunityError>(profile_id)
            })
        })
        .await?;
    crate::calls::lose_server(domain, kicked, server_id).await;
    Ok(())
}

/// Marks a member as gone. The row stays, so their messages stay in the history.
pub(crate) async fn depart(
    db: &impl sea_orm::ConnectionTrait,
    member: member::Model,
) -> Result<(), CommunityError> {
    let now = Utc::now();
    let mut active = member.into_active_model();
    active.left_at = Set(Some(now));
    active.updated_at = Set(now);
    active.update(db).await?;
    Ok(())
}

/// The member `member_id` of the caller's server; members of other servers are `NotFound`.
async fn target_member(
    db: &impl sea_orm::ConnectionTrait,
    access: &Membership,
    member_id: MemberId,
) -> Result<member::Model, CommunityError> {
    member::Entity::find_by_id(member_id.0)
        .one(db)
        .await?
        .filter(|m| m.server_id == access.server.id && m.left_at.is_none())
        .ok_or(CommunityError::NotFound)
}

fn target_of(access: &Membership, target: &member::Model) -> Target {
    Target {
        is_self: target.id == access.member.id,
        is_owner: target.profile_id == access.server.owner_id,
        role: role(target.role),
    }
}
