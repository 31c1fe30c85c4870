//! Each server's channels with something written and where their latest message stands, kept in
//! this node's memory so that reading a person's unread marks does not read every channel of
//! every server they are in. The copy of a server is exact while the server's
//! `channels_version` has not moved: the write path moves it in the same transaction as every
//! change to a channel's messages (each takes the channel's next sequence number) and every
//! channel deleted, whichever node writes, so each read compares the number and reloads what
//! moved.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

use super::upkeep::run;

/// More servers than this in the copy and it starts again empty (a node serving that many
/// busy servers reloads each on its next read; the copy stays bounded).
const MAX_SERVERS: usize = 100_000;

/// One server's channels `(channel, latest)` with something written, as of `version`.
#[derive(Debug)]
pub struct Channels {
    pub version: i64,
    pub latest: Vec<(Uuid, i64)>,
}

/// This node's copy, by server.
#[derive(Default)]
pub struct LatestCopy {
    servers: Mutex<HashMap<Uuid, Arc<Channels>>>,
}

impl LatestCopy {
    /// The copy of `server` if it is as of `version`.
    pub fn current(&self, server: Uuid, version: i64) -> Option<Arc<Channels>> {
        let servers = self.servers.lock().unwrap_or_else(PoisonError::into_inner);
        servers
            .get(&server)
            .filter(|copy| copy.version == version)
            .cloned()
    }

    /// Keeps `channels` as the copy of `server`, unless one as of a later version is there.
    pub fn keep(&self, server: Uuid, channels: Arc<Channels>) {
        let mut servers = self.servers.lock().unwrap_or_else(PoisonError::into_inner);
        if servers.len() >= MAX_SERVERS && !servers.contains_key(&server) {
            servers.clear();
        }
        let newer = servers
            .get(&server)
            .is_some_and(|kept| kept.version > channels.version);
        if !newer {
            servers.insert(server, channels);
        }
    }
}

/// A message of `channel` is being created, edited or deleted: its server's copies are out of
/// date.
pub(crate) async fn channel_moved(db: &impl ConnectionTrait, channel: Uuid) -> Result<(), DbErr> {
    let sql = "UPDATE server SET channels_version = channels_version + 1
               WHERE id = (SELECT server_id FROM channel WHERE id = $1)";
    run(db, sql, vec![channel.into()]).await
}

/// A channel of `server` was deleted: its copies are out of date.
pub(crate) async fn server_moved(db: &impl ConnectionTrait, server: Uuid) -> Result<(), DbErr> {
    let sql = "UPDATE server SET channels_version = channels_version + 1 WHERE id = $1";
    run(db, sql, vec![server.into()]).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channels(version: i64, latest: i64) -> Arc<Channels> {
        Arc::new(Channels {
            version,
            latest: vec![(Uuid::from_u128(7), latest)],
        })
    }

    #[test]
    fn a_copy_serves_only_its_own_version_and_never_goes_back() {
        let copy = LatestCopy::default();
        let server = Uuid::from_u128(1);
        assert!(copy.current(server, 0).is_none(), "nothing kept yet");

        copy.keep(server, channels(3, 30));
        assert_eq!(
            copy.current(server, 3).map(|c| c.latest.clone()),
            Some(vec![(Uuid::from_u128(7), 30)])
        );
        assert!(copy.current(server, 4).is_none(), "the server moved on");
        assert!(
            copy.current(server, 2).is_none(),
            "a reader behind the copy reads again"
        );

        // A slower read of an older version does not replace a newer copy; a newer one does.
        copy.keep(server, channels(2, 20));
        assert!(copy.current(server, 3).is_some());
        copy.keep(server, channels(5, 50));
        assert!(copy.current(server, 3).is_none());
        assert_eq!(copy.current(server, 5).map(|c| c.latest[0].1), Some(50));
        assert!(copy.current(Uuid::from_u128(2), 5).is_none(), "per server");
    }
}
