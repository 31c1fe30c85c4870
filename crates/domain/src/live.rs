//! Who may follow which live topic.

use shared::ids::{ProfileId, ServerId};
use shared::live::Topic;

use crate::Domain;
use crate::communities::CommunityError;
use crate::communities::access::membership;
use crate::conversations::participant;
use crate::messages::channel_access;

/// Checks that `me` may follow `topic` (membership of its server, now) and returns that server,
/// whose removal events end the subscription.
pub async fn authorize(
    domain: &Domain,
    me: ProfileId,
    topic: Topic,
) -> Result<ServerId, CommunityError> {
    match topic {
        Topic::Server(server_id) => {
            membership(&domain.db, me, server_id).await?;
            Ok(server_id)
        }
        Topic::Channel(channel_id) => {
            let (channel, _) = channel_access(&domain.db, me, channel_id).await?;
            Ok(ServerId(channel.server_id))
        }
        Topic::Conversation(id) => {
            let (_, access) = participant(&domain.db, me, id).await?;
            Ok(ServerId(access.server.id))
        }
        // The server follows these for each socket itself; nothing in them is for a client.
        Topic::Account(_) | Topic::Access(_) => Err(CommunityError::NotFound),
    }
}
