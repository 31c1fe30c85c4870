//! Read-state server functions: what is unread, and marking read or unread.

use leptos::prelude::*;
use shared::AppError;
use shared::ids::{ChannelId, ConversationId, MessageId, ServerId};
use shared::unread::Unread;

#[cfg(feature = "ssr")]
use crate::auth::session::{domain, require_user};
#[cfg(feature = "ssr")]
use shared::live::Thread;

/// Everything the signed-in person has not read, in every server.
#[server(prefix = "/api", endpoint = "load_unread")]
pub async fn load_unread() -> Result<Unread, AppError> {
    let me = require_user().await?;
    Ok(domain::read_state::unread(&domain()?, me.id).await?)
}

/// Marks a channel (`channel_id`) or a conversation (`conversation_id`) read up to `seq`;
/// where it now stands (never further back than before).
#[server(prefix = "/api", endpoint = "mark_read")]
pub async fn mark_read(
    channel_id: Option<ChannelId>,
    conversation_id: Option<ConversationId>,
    seq: i64,
) -> Result<i64, AppError> {
    let me = require_user().await?;
    let thread = Thread::one_of(channel_id, conversation_id)?;
    Ok(domain::read_state::mark_read(&domain()?, me.id, thread, seq).await?)
}

/// Marks a thread unread from `message_id` on.
#[server(prefix = "/api", endpoint = "mark_unread")]
pub async fn mark_unread(
    channel_id: Option<ChannelId>,
    conversation_id: Option<ConversationId>,
    message_id: MessageId,
) -> Result<i64, AppError> {
    let me = require_user().await?;
    let thread = Thread::one_of(channel_id, conversation_id)?;
    Ok(domain::read_state::mark_unread(&domain()?, me.id, thread, message_id).await?)
}

/// Marks every channel of a server read.
#[server(prefix = "/api", endpoint = "mark_server_read")]
pub async fn mark_server_read(server_id: ServerId) -> Result<(), AppError> {
    let me = require_user().await?;
    Ok(domain::read_state::mark_server_read(&domain()?, me.id, server_id).await?)
}
