//! Who is here: each open socket says online or idle; a person's status is that of their most
//! present socket on any node (`Status::of_all`), offline with none. Kept in this node's memory,
//! and in Redis when several nodes share live updates (`redis_presence`). A change of a person's
//! status is published to every server they belong to (`PresenceChanged` on its topic), so only
//! people who share a server with them hear of it; `here` answers members of a server only.

pub mod redis_presence;

use std::collections::HashMap;
use std::sync::Mutex;

use entity::member;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use shared::ids::{ProfileId, ServerId};
use shared::live::ServerEvent;
use shared::presence::{Here, Status};
use uuid::Uuid;

use crate::Domain;
use crate::communities::CommunityError;
use crate::communities::access::membership;
use redis_presence::RedisPresence;

#[derive(Default)]
pub struct Presence {
    /// This node's sockets, per person: each one's status.
    sockets: Mutex<HashMap<ProfileId, HashMap<Uuid, Status>>>,
    /// One change at a time, so each reads the sockets as they are and none overtakes another.
    updating: tokio::sync::Mutex<()>,
    store: Store,
}

enum Store {
    /// Each person's status as last published (this node alone).
    Local(Mutex<HashMap<ProfileId, Status>>),
    Shared(Box<RedisPresence>),
}

impl Default for Store {
    fn default() -> Self {
        Store::Local(Mutex::default())
    }
}

impl Presence {
    /// Presence shared through the Redis at `url` by the nodes of `deployment` (fails only on
    /// a malformed URL).
    pub fn shared(url: &str, deployment: Uuid) -> anyhow::Result<Self> {
        Ok(Self {
            store: Store::Shared(Box::new(RedisPresence::new(url, deployment)?)),
            ..Self::default()
        })
    }

    /// Records what a socket of `me` says (`Offline`: it closed).
    fn note(&self, me: ProfileId, socket: Uuid, status: Status) {
        let mut sockets = self.sockets.lock().unwrap_or_else(|p| p.into_inner());
        let mine = sockets.entry(me).or_default();
        if status == Status::Offline {
            mine.remove(&socket);
        } else {
            mine.insert(socket, status);
        }
        if mine.is_empty() {
            sockets.remove(&me);
        }
    }

    /// `me`'s status from this node's sockets.
    fn on_this_node(&self, me: ProfileId) -> Status {
        let sockets = self.sockets.lock().unwrap_or_else(|p| p.into_inner());
        Status::of_all(
            sockets
                .get(&me)
                .into_iter()
                .flat_map(|s| s.values().copied()),
        )
    }

    /// Stores `me`'s status on this node; their overall status before and after.
    async fn store(&self, me: ProfileId, here: Status) -> anyhow::Result<(Status, Status)> {
        match &self.store {
            Store::Local(known) => {
                let mut known = known.lock().unwrap_or_else(|p| p.into_inner());
                let before = known.get(&me).copied().unwrap_or_default();
                if here == Status::Offline {
                    known.remove(&me);
                } else {
                    known.insert(me, here);
                }
                Ok((before, here))
            }
            Store::Shared(redis) => redis.set(me, here).await,
        }
    }

    async fn statuses(&self, people: &[ProfileId]) -> anyhow::Result<Vec<Status>> {
        match &self.store {
            Store::Local(known) => {
                let known = known.lock().unwrap_or_else(|p| p.into_inner());
                Ok(people
                    .iter()
                    .map(|p| known.get(p).copied().unwrap_or_default())
                    .collect())
            }
            Store::Shared(redis) => redis.statuses(people).await,
        }
    }
}

/// A socket of `me` opened (`Online`), went idle or came back, or closed (`Offline`): their
/// status is worked out again and, if it changed, published to their servers.
pub async fn socket_says(domain: &Domain, me: ProfileId, socket: Uuid, status: Status) {
    let presence = &domain.presence;
    presence.note(me, socket, status);
    let _one_at_a_time = presence.updating.lock().await;
    let here = presence.on_this_node(me);
    let changed = match presence.store(me, here).await {
        Ok((before, after)) => (before != after).then_some(after),
        Err(e) => {
            tracing::warn!(error = %e, "presence not stored");
            None
        }
    };
    if let Some(status) = changed {
        announce(domain, me, status).await;
    }
}

/// Tells every server `me` belongs to that they are now `status`.
async fn announce(domain: &Domain, me: ProfileId, status: Status) {
    match servers_of(domain, me).await {
        Ok(servers) => {
            for server_id in servers {
                domain.hub.publish(&ServerEvent::PresenceChanged {
                    server_id,
                    profile_id: me,
                    status,
                });
            }
        }
        Err(e) => tracing::warn!(error = %e, "presence not published"),
    }
}

/// Renews this node's entries in Redis while it runs, and sweeps those of nodes that died,
/// announcing what became of their people (nothing to do on a node alone).
pub fn spawn_heartbeat(domain: &Domain) {
    if !matches!(domain.presence.store, Store::Shared(_)) {
        return;
    }
    let domain = domain.clone();
    tokio::spawn(async move {
        let Store::Shared(redis) = &domain.presence.store else {
            return;
        };
        let mut beat = tokio::time::interval(redis_presence::HEARTBEAT);
        loop {
            beat.tick().await;
            let swept = async {
                redis.heartbeat().await?;
                for (person, status) in redis.sweep().await? {
                    announce(&domain, person, status).await;
                }
                anyhow::Ok(())
            };
            if let Err(e) = swept.await {
                tracing::warn!(error = %e, "presence in Redis not renewed");
            }
        }
    });
}

/// The members of a server who are online or idle (for its members only).
pub async fn here(
    domain: &Domain,
    me: ProfileId,
    server_id: ServerId,
) -> Result<Vec<Here>, CommunityError> {
    membership(&domain.db, me, server_id).await?;
    let people: Vec<ProfileId> = member::Entity::find()
        .select_only()
        .column(member::Column::ProfileId)
        .filter(member::Column::ServerId.eq(server_id.0))
        .filter(member::Column::LeftAt.is_null())
        .into_tuple::<Uuid>()
        .all(&domain.db)
        .await?
        .into_iter()
        .map(ProfileId)
        .collect();
    let statuses = domain.presence.statuses(&people).await?;
    Ok(people
        .into_iter()
        .zip(statuses)
        .filter(|(_, status)| *status != Status::Offline)
        .map(|(profile_id, status)| Here { profile_id, status })
        .collect())
}

/// The servers `me` belongs to now.
async fn servers_of(domain: &Domain, me: ProfileId) -> Result<Vec<ServerId>, sea_orm::DbErr> {
    Ok(member::Entity::find()
        .select_only()
        .column(member::Column::ServerId)
        .filter(member::Column::ProfileId.eq(me.0))
        .filter(member::Column::LeftAt.is_null())
        .into_tuple::<Uuid>()
        .all(&domain.db)
        .await?
        .into_iter()
        .map(ServerId)
        .collect())
}
