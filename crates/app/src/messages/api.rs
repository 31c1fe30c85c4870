//! Message server functions: who is signed in, parse the input, call `domain::messages`.

use leptos::prelude::*;
use shared::AppError;
use shared::ids::{ChannelId, MessageId};
use shared::messages::{Changes, HistoryPage, Message};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::session::{domain, require_user};

/// Posts a message; `nonce` makes a retried send return the first message instead of a copy.
#[server(prefix = "/api", endpoint = "send_message")]
pub async fn send_message(
    channel_id: ChannelId,
    content: String,
    file_url: Option<String>,
    nonce: Uuid,
) -> Result<Message, AppError> {
    let me = require_user().await?;
    let file_url = crate::files::own_file_url(file_url)?;
    let text = shared::messages::MessageText::parse(&content, file_url.is_some())?;
    Ok(domain::messages::send(&domain()?, me.id, channel_id, text, file_url, nonce).await?)
}

#[server(prefix = "/api", endpoint = "edit_message")]
pub async fn edit_message(message_id: MessageId, content: String) -> Result<Message, AppError> {
    let me = require_user().await?;
    let text = shared::messages::MessageText::parse(&content, true)?;
    Ok(domain::messages::edit(&domain()?, me.id, message_id, text).await?)
}

#[server(prefix = "/api", endpoint = "delete_message")]
pub async fn delete_message(message_id: MessageId) -> Result<Message, AppError> {
    let me = require_user().await?;
    Ok(domain::messages::delete(&domain()?, me.id, message_id).await?)
}

/// A page of history, newest first, older than `before` (30 by default, at most 100).
#[server(prefix = "/api", endpoint = "channel_history")]
pub async fn channel_history(
    channel_id: ChannelId,
    before: Option<MessageId>,
    limit: Option<u64>,
) -> Result<HistoryPage, AppError> {
    let me = require_user().await?;
    let limit = shared::messages::page_size(limit);
    Ok(domain::messages::history(&domain()?, me.id, channel_id, before, limit).await?)
}

/// Everything that changed after sequence number `since` (for reconnects and polling).
#[server(prefix = "/api", endpoint = "channel_changes")]
pub async fn channel_changes(channel_id: ChannelId, since: i64) -> Result<Changes, AppError> {
    let me = require_user().await?;
    Ok(domain::messages::changes_since(&domain()?, me.id, channel_id, since).await?)
}
