//! Creating, renaming and deleting channels. `general` never changes.

use chrono::Utc;
use entity::channel;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use shared::community::{ChannelInfo, ChannelKind, ChannelName, GENERAL};
use shared::ids::{ChannelId, ProfileId, ServerId};
use shared::live::ServerEvent;
use shared::permissions::Action;
use uuid::Uuid;

use super::access::membership;
use super::{CommunityError, is_unique_violation};
use crate::Domain;
use crate::limits::Rule;

/// Creates a channel (ADMIN, MODERATOR). Names are unique within a server.
pub async fn create(
    domain: &Domain,
    me: ProfileId,
    server_id: ServerId,
    name: ChannelName,
    kind: ChannelKind,
) -> Result<ChannelInfo, CommunityError> {
    domain.limits.check(Rule::Create, me)?;
    domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                let access = membership(txn, me, server_id).await?;
                access.require(Action::CreateChannel)?;
                let now = Utc::now();
                let created = channel::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    name: Set(name.as_str().to_owned()),
                    kind: Set(db_kind(kind)),
                    creator_id: Set(Some(me.0)),
                    server_id: Set(server_id.0),
                    last_seq: Set(0),
                    last_message_seq: Set(0),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(txn)
                .await
                .map_err(name_taken)?;
                let channel = info(created);
                outbox.publish(ServerEvent::ChannelCreated {
                    server_id,
                    channel: channel.clone(),
                });
                Ok(channel)
            })
        })
        .await
}

/// Renames a channel and/or changes its type (ADMIN, MODERATOR; not `general`).
pub async fn update(
    domain: &Domain,
    me: ProfileId,
    channel_id: ChannelId,
    name: ChannelName,
    kind: ChannelKind,
) -> Result<ChannelInfo, CommunityError> {
    domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                let current = find(txn, channel_id).await?;
                let access = membership(txn, me, ServerId(current.server_id)).await?;
                access.require(Action::EditChannel {
                    general: current.name == GENERAL,
                })?;
                let mut active = current.into_active_model();
                active.name = Set(name.as_str().to_owned());
                active.kind = Set(db_kind(kind));
                active.updated_at = Set(Utc::now());
                let updated = active.update(txn).await.map_err(name_taken)?;
                let server_id = ServerId(updated.server_id);
                let channel = info(updated);
                outbox.publish(ServerEvent::ChannelUpdated {
                    server_id,
                    channel: channel.clone(),
                });
                Ok(channel)
            })
        })
        .await
}

/// Deletes a channel and its messages (ADMIN, MODERATOR; not `general`). Returns its server.
pub async fn delete(
    domain: &Domain,
    me: ProfileId,
    channel_id: ChannelId,
) -> Result<ServerId, CommunityError> {
    let server_id = domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                let current = find(txn, channel_id).await?;
                let access = membership(txn, me, ServerId(current.server_id)).await?;
                access.require(Action::DeleteChannel {
                    general: current.name == GENERAL,
                })?;
                // The server's row first, as a send locks it before the channel's.
                crate::read_state::latest::server_moved(txn, current.server_id).await?;
                channel::Entity::delete_by_id(current.id).exec(txn).await?;
                let server_id = ServerId(current.server_id);
                outbox.publish(ServerEvent::ChannelDeleted {
                    server_id,
                    channel_id,
                });
                Ok::<_, CommunityError>(server_id)
            })
        })
        .await?;
    let room = shared::calls::CallRoom::Channel(channel_id);
    crate::calls::end(domain, server_id, Some(room)).await;
    Ok(server_id)
}

async fn find(
    db: &impl sea_orm::ConnectionTrait,
    id: ChannelId,
) -> Result<channel::Model, CommunityError> {
    channel::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or(CommunityError::NotFound)
}

fn name_taken(e: sea_orm::DbErr) -> CommunityError {
    if is_unique_violation(&e) {
        CommunityError::Conflict("This server already has a channel with that name.".into())
    } else {
        e.into()
    }
}

fn info(c: channel::Model) -> ChannelInfo {
    ChannelInfo {
        id: ChannelId(c.id),
        name: c.name,
        kind: kind(c.kind),
    }
}

pub(super) fn kind(k: channel::ChannelKind) -> ChannelKind {
    match k {
        channel::ChannelKind::Text => ChannelKind::Text,
        channel::ChannelKind::Audio => ChannelKind::Audio,
        channel::ChannelKind::Video => ChannelKind::Video,
    }
}

fn db_kind(k: ChannelKind) -> channel::ChannelKind {
    match k {
        ChannelKind::Text => channel::ChannelKind::Text,
        ChannelKind::Audio => channel::ChannelKind::Audio,
        ChannelKind::Video => channel::ChannelKind::Video,
    }
}
