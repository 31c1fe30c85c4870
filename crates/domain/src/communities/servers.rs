//! Creating, listing, showing, editing, deleting, joining and leaving servers.

use anyhow::Context;
use chrono::Utc;
use entity::{channel, member, profile, server};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};
use shared::calls::CallRoom;
use shared::community::{
    ChannelCall, ChannelInfo, GENERAL, InvitePreview, MemberInfo, ServerDetails, ServerName,
    ServerSummary,
};
use shared::ids::{ChannelId, MemberId, ProfileId, ServerId};
use shared::live::ServerEvent;
use shared::permissions::{Action, Role};
use uuid::Uuid;

use super::CommunityError;
use super::access::{db_role, membership, role};
use super::channels::kind;
use super::members::depart;
use crate::Domain;
use crate::accounts::avatar::image_url;
use crate::files::FileKey;
use crate::limits::Rule;
use crate::uploads::{self, Usage};

/// Creates a server owned by `me`, with `me` as its ADMIN and a TEXT channel `general`.
pub async fn create(
    domain: &Domain,
    me: ProfileId,
    name: ServerName,
    image: Option<FileKey>,
) -> Result<ServerSummary, CommunityError> {
    domain.limits.check(Rule::Create, me)?;
    domain
        .write(move |txn, _| {
            Box::pin(async move {
                let now = Utc::now();
                let server = server::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    name: Set(name.as_str().to_owned()),
                    image_url: Set(image.as_ref().map(FileKey::url)),
                    invite_code: Set(new_invite_code()),
                    owner_id: Set(me.0),
                    created_at: Set(now),
                    updated_at: Set(now),
                    channels_version: Set(0),
                }
                .insert(txn)
                .await?;
                member::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    role: Set(member::Role::Admin),
                    profile_id: Set(me.0),
                    server_id: Set(server.id),
                    created_at: Set(now),
                    updated_at: Set(now),
                    left_at: Set(None),
                }
                .insert(txn)
                .await?;
                channel::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    name: Set(GENERAL.to_owned()),
                    kind: Set(channel::ChannelKind::Text),
                    creator_id: Set(Some(me.0)),
                    server_id: Set(server.id),
                    last_seq: Set(0),
                    last_message_seq: Set(0),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(txn)
                .await?;
                if let Some(icon) = &image {
                    let usage = Usage::Icon {
                        server: ServerId(server.id),
                    };
                    uploads::claim(txn, me, icon, usage).await?;
                }
                Ok(summary(server))
            })
        })
        .await
}

/// The servers `me` belongs to, oldest membership first (the rail's order).
pub async fn list_mine(
    domain: &Domain,
    me: ProfileId,
) -> Result<Vec<ServerSummary>, CommunityError> {
    let rows = member::Entity::find()
        .filter(member::Column::ProfileId.eq(me.0))
        .filter(member::Column::LeftAt.is_null())
        .order_by_asc(member::Column::CreatedAt)
        .find_also_related(server::Entity)
        .all(&domain.db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(_, s)| s.map(summary))
        .collect())
}

/// The server as `me` sees it: channels, members, and the invite code for those who manage it.
pub async fn details(
    domain: &Domain,
    me: ProfileId,
    server_id: ServerId,
) -> Result<ServerDetails, CommunityError> {
    let access = membership(&domain.db, me, server_id).await?;
    let channels = channel::Entity::find()
        .filter(channel::Column::ServerId.eq(server_id.0))
        .order_by_asc(channel::Column::CreatedAt)
        .order_by_asc(channel::Column::Name)
        .all(&domain.db)
        .await?
        .into_iter()
        .map(|c| ChannelInfo {
            id: ChannelId(c.id),
            name: c.name,
            kind: kind(c.kind),
        })
        .collect();
    let owner_id = access.server.owner_id;
    let members: Vec<MemberInfo> = member::Entity::find()
        .filter(member::Column::ServerId.eq(server_id.0))
        .filter(member::Column::LeftAt.is_null())
        .order_by_asc(member::Column::CreatedAt)
        .find_also_related(profile::Entity)
        .all(&domain.db)
        .await?
        .into_iter()
        .filter_map(|(m, p)| p.map(|p| member_info(m, p, owner_id)))
        .collect();
    let me_info = members
        .iter()
        .find(|m| m.id == MemberId(access.member.id))
        .cloned()
        .context("the caller is missing from the member list")?;
    let invite_code = access
        .require(Action::ManageInvite)
        .is_ok()
        .then(|| access.server.invite_code.clone());
    // Who is in which call is shown when known: Redis being away does not fail the page.
    let calls = domain
        .calls
        .of_server(server_id)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "who is in the server's calls is unknown");
            Vec::new()
        })
        .into_iter()
        .filter_map(|(room, participants)| match room {
            CallRoom::Channel(channel_id) => Some(ChannelCall {
                channel_id,
                participants,
            }),
            CallRoom::Conversation(_) => None,
        })
        .collect();
    Ok(ServerDetails {
        server: summary(access.server),
        invite_code,
        me: me_info,
        channels,
        members,
        calls,
    })
}

/// Renames the server and/or changes its icon (ADMIN). A new icon must be the caller's own fresh
/// upload; the icon it replaces is removed.
pub async fn update(
    domain: &Domain,
    me: ProfileId,
    server_id: ServerId,
    name: ServerName,
    image: Option<FileKey>,
) -> Result<ServerSummary, CommunityError> {
    let (server, replaced) = domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                let access = membership(txn, me, server_id).await?;
                access.require(Action::EditServer)?;
                let old = access
                    .server
                    .image_url
                    .as_deref()
                    .and_then(FileKey::from_url);
                let replaced = if image == old {
                    None
                } else {
                    if let Some(icon) = &image {
                        uploads::claim(txn, me, icon, Usage::Icon { server: server_id }).await?;
                    }
                    old
                };
                let mut active = access.server.into_active_model();
                active.name = Set(name.as_str().to_owned());
                active.image_url = Set(image.as_ref().map(FileKey::url));
                active.updated_at = Set(Utc::now());
                let server = summary(active.update(txn).await?);
                outbox.publish(ServerEvent::ServerUpdated {
                    server: server.clone(),
                });
                Ok::<_, CommunityError>((server, replaced))
            })
        })
        .await?;
    uploads::remove(domain, replaced).await;
    Ok(server)
}

/// Replaces the invite code, so old links stop working (ADMIN, MODERATOR).
pub async fn regenerate_invite(
    domain: &Domain,
    me: ProfileId,
    server_id: ServerId,
) -> Result<String, CommunityError> {
    domain.limits.check(Rule::InviteRegenerate, me)?;
    domain
        .write(move |txn, _| {
            Box::pin(async move {
                let access = membership(txn, me, server_id).await?;
                access.require(Action::ManageInvite)?;
                let code = new_invite_code();
                let mut active = access.server.into_active_model();
                active.invite_code = Set(code.clone());
                active.updated_at = Set(Utc::now());
                active.update(txn).await?;
                Ok(code)
            })
        })
        .await
}

/// Deletes the server with its members, channels and their messages, and every file that
/// belonged to it (owner only).
pub async fn delete(
    domain: &Domain,
    me: ProfileId,
    server_id: ServerId,
) -> Result<(), CommunityError> {
    let files = domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                let access = membership(txn, me, server_id).await?;
                access.require(Action::DeleteServer)?;
                let files = uploads::of_server(txn, server_id).await?;
                server::Entity::delete_by_id(server_id.0).exec(txn).await?;
                outbox.publish(ServerEvent::ServerDeleted { server_id });
                Ok::<_, CommunityError>(files)
            })
        })
        .await?;
    crate::calls::end(domain, server_id, None).await;
    uploads::remove(domain, files).await;
    Ok(())
}

/// What the invite link `code` leads to, for `me` to decide whether to join.
pub async fn preview_invite(
    domain: &Domain,
    me: ProfileId,
    code: &str,
) -> Result<InvitePreview, CommunityError> {
    let server = by_invite(&domain.db, code).await?;
    let present = || {
        member::Entity::find()
            .filter(member::Column::ServerId.eq(server.id))
            .filter(member::Column::LeftAt.is_null())
    };
    let member_count = present().count(&domain.db).await?;
    let joined = present()
        .filter(member::Column::ProfileId.eq(me.0))
        .count(&domain.db)
        .await?
        > 0;
    let banned = super::bans::is_banned(&domain.db, ServerId(server.id), me).await?;
    Ok(InvitePreview {
        server: summary(server),
        member_count,
        joined,
        banned,
    })
}

/// Joins the server behind an invite code as a GUEST; already a member is fine; someone banned
/// is refused.
pub async fn join_by_invite(
    domain: &Domain,
    me: ProfileId,
    code: &str,
) -> Result<ServerId, CommunityError> {
    domain.limits.check(Rule::Join, me)?;
    let code = code.trim().to_owned();
    domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                let server = by_invite(txn, &code).await?;
                if super::bans::is_banned(txn, ServerId(server.id), me).await? {
                    return Err(CommunityError::Banned);
                }
                let existing = member::Entity::find()
                    .filter(member::Column::ServerId.eq(server.id))
                    .filter(member::Column::ProfileId.eq(me.0))
                    .one(txn)
                    .await?;
                let now = Utc::now();
                let joined = match existing {
                    Some(m) if m.left_at.is_none() => None,
                    // Coming back: the same membership, as a guest again.
                    Some(m) => {
                        let mut active = m.into_active_model();
                        active.left_at = Set(None);
                        active.role = Set(db_role(Role::Guest));
                        active.updated_at = Set(now);
                        Some(active.update(txn).await?)
                    }
                    None => {
                        // If another node adds the same membership at once, the unique
                        // (profile, server) index keeps its row and this join has nothing to do.
                        let attempt = txn.begin().await?;
                        let inserted = member::ActiveModel {
                            id: Set(Uuid::new_v4()),
                            role: Set(db_role(Role::Guest)),
                            profile_id: Set(me.0),
                            server_id: Set(server.id),
                            created_at: Set(now),
                            updated_at: Set(now),
                            left_at: Set(None),
                        }
                        .insert(&attempt)
                        .await;
                        match inserted {
                            Ok(member) => {
                                attempt.commit().await?;
                                Some(member)
                            }
                            Err(e) if super::is_unique_violation(&e) => {
                                attempt.rollback().await?;
                                None
                            }
                            Err(e) => return Err(e.into()),
                        }
                    }
                };
                if let Some(member) = joined {
                    crate::read_state::read_history_on_joining(txn, me, ServerId(server.id))
                        .await?;
                    outbox.publish(joined_event(txn, member, server.owner_id).await?);
                }
                Ok(ServerId(server.id))
            })
        })
        .await
}

/// The server whose current invite code is `code`.
async fn by_invite(db: &impl ConnectionTrait, code: &str) -> Result<server::Model, CommunityError> {
    server::Entity::find()
        .filter(server::Column::InviteCode.eq(code.trim()))
        .one(db)
        .await?
        .ok_or(CommunityError::NotFound)
}

/// `MemberJoined` for a membership just added or renewed.
async fn joined_event(
    db: &impl ConnectionTrait,
    member: member::Model,
    owner_id: Uuid,
) -> Result<ServerEvent, CommunityError> {
    let profile = profile::Entity::find_by_id(member.profile_id)
        .one(db)
        .await?
        .ok_or(CommunityError::NotFound)?;
    Ok(ServerEvent::MemberJoined {
        server_id: ServerId(member.server_id),
        member: member_info(member, profile, owner_id),
    })
}

/// Leaves the server (anyone but the owner, who deletes it instead). Everyone following the
/// server hears of it, and the leaver's own sockets stop following its topics.
pub async fn leave(
    domain: &Domain,
    me: ProfileId,
    server_id: ServerId,
) -> Result<(), CommunityError> {
    domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                let access = membership(txn, me, server_id).await?;
                access.require(Action::LeaveServer)?;
                let member_id = MemberId(access.member.id);
                depart(txn, access.member).await?;
                outbox.publish(ServerEvent::MemberLeft {
                    server_id,
                    member_id,
                    profile_id: me,
                });
                Ok::<_, CommunityError>(())
            })
        })
        .await?;
    crate::calls::lose_server(domain, me, server_id).await;
    Ok(())
}

/// An unguessable invite code (UUID v4, 122 random bits).
fn new_invite_code() -> String {
    Uuid::new_v4().simple().to_string()
}

fn summary(s: server::Model) -> ServerSummary {
    ServerSummary {
        id: ServerId(s.id),
        name: s.name,
        image_url: s.image_url,
    }
}

pub(super) fn member_info(m: member::Model, p: profile::Model, owner_id: Uuid) -> MemberInfo {
    MemberInfo {
        id: MemberId(m.id),
        profile_id: ProfileId(p.id),
        image_url: Some(image_url(&p)),
        name: p.name,
        role: role(m.role),
        is_owner: p.id == owner_id,
    }
}
