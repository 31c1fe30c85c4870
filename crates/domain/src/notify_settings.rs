//! Per-person notification settings: muting and the notification level, for a server and for
//! each of its channels. Only a member may set them for their server's channels; each change is
//! told to the person's other sockets (`NotifySettingsChanged`).

use entity::{channel_notify, member, server_notify};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    EntityTrait, QueryFilter, QuerySelect,
};
use shared::ids::{ChannelId, ProfileId, ServerId};
use shared::live::ServerEvent;
use shared::notify::{ChannelNotify, NotifyLevel, NotifySettings, ServerNotify};
use uuid::Uuid;

use crate::Domain;
use crate::communities::CommunityError;
use crate::communities::access::membership;
use crate::messages::channel_access;
use crate::writer::Outbox;

/// Everything `me` has set, in the servers they are in.
pub async fn settings(domain: &Domain, me: ProfileId) -> Result<NotifySettings, CommunityError> {
    let db = &domain.db;
    let servers: Vec<Uuid> = member::Entity::find()
        .select_only()
        .column(member::Column::ServerId)
        .filter(member::Column::ProfileId.eq(me.0))
        .filter(member::Column::LeftAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let server_rows = server_notify::Entity::find()
        .filter(server_notify::Column::ProfileId.eq(me.0))
        .filter(server_notify::Column::ServerId.is_in(servers.clone()))
        .all(db)
        .await?;
    let channel_rows = channel_notify::Entity::find()
        .filter(channel_notify::Column::ProfileId.eq(me.0))
        .inner_join(entity::channel::Entity)
        .filter(entity::channel::Column::ServerId.is_in(servers))
        .all(db)
        .await?;
    Ok(NotifySettings {
        servers: server_rows
            .into_iter()
            .map(|r| {
                let level = NotifyLevel::from_code(&r.level).unwrap_or_default();
                let notify = ServerNotify {
                    muted: r.muted,
                    level,
                };
                (ServerId(r.server_id), notify)
            })
            .collect(),
        channels: channel_rows
            .into_iter()
            .map(|r| {
                let level = r.level.as_deref().and_then(NotifyLevel::from_code);
                let notify = ChannelNotify {
                    muted: r.muted,
                    level,
                };
                (ChannelId(r.channel_id), notify)
            })
            .collect(),
    })
}

/// Sets what `me` hears from a server they are in.
pub async fn set_server(
    domain: &Domain,
    me: ProfileId,
    server_id: ServerId,
    notify: ServerNotify,
) -> Result<(), CommunityError> {
    domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                membership(txn, me, server_id).await?;
                let row = server_notify::ActiveModel {
                    profile_id: Set(me.0),
                    server_id: Set(server_id.0),
                    muted: Set(notify.muted),
                    level: Set(notify.level.code().to_owned()),
                };
                use server_notify::Column::{Level, Muted, ProfileId as Profile, ServerId as Of};
                save(txn, outbox, me, row, [Profile, Of], [Muted, Level]).await
            })
        })
        .await
}

/// Sets what `me` hears from a channel of a server they are in.
pub async fn set_channel(
    domain: &Domain,
    me: ProfileId,
    channel_id: ChannelId,
    notify: ChannelNotify,
) -> Result<(), CommunityError> {
    domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                channel_access(txn, me, channel_id).await?;
                let row = channel_notify::ActiveModel {
                    profile_id: Set(me.0),
                    channel_id: Set(channel_id.0),
                    muted: Set(notify.muted),
                    level: Set(notify.level.map(|l| l.code().to_owned())),
                };
                use channel_notify::Column::{ChannelId as Of, Level, Muted, ProfileId as Profile};
                save(txn, outbox, me, row, [Profile, Of], [Muted, Level]).await
            })
        })
        .await
}

/// Inserts `row` or updates `values` of the one with the same `keys`, and tells `me`'s other
/// sockets once committed.
async fn save<A>(
    db: &impl ConnectionTrait,
    outbox: &Outbox,
    me: ProfileId,
    row: A,
    keys: [<A::Entity as EntityTrait>::Column; 2],
    values: [<A::Entity as EntityTrait>::Column; 2],
) -> Result<(), CommunityError>
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
{
    A::Entity::insert(row)
        .on_conflict(OnConflict::columns(keys).update_columns(values).to_owned())
        .exec(db)
        .await?;
    outbox.publish(ServerEvent::NotifySettingsChanged { profile_id: me });
    Ok(())
}
