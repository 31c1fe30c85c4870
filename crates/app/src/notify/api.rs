//! Notification server functions: the person's settings, changing them, and what a browser
//! notification about one message says.

use leptos::prelude::*;
use shared::AppError;
use shared::ids::{ChannelId, ConversationId, MessageId, ServerId};
use shared::messages::NotificationText;
use shared::notify::{NotifyLevel, NotifySettings};

#[cfg(feature = "ssr")]
use crate::auth::session::{domain, require_user};

#[server(prefix = "/api", endpoint = "load_notify_settings")]
pub async fn load_notify_settings() -> Result<NotifySettings, AppError> {
    let me = require_user().await?;
    Ok(domain::notify_settings::settings(&domain()?, me.id).await?)
}

/// Mutes a server or not, and sets which of its messages notify.
#[server(prefix = "/api", endpoint = "set_server_notify")]
pub async fn set_server_notify(
    server_id: ServerId,
    muted: bool,
    level: NotifyLevel,
) -> Result<(), AppError> {
    let me = require_user().await?;
    let notify = shared::notify::ServerNotify { muted, level };
    Ok(domain::notify_settings::set_server(&domain()?, me.id, server_id, notify).await?)
}

/// Mutes a channel or not, and sets which of its messages notify (none: as its server).
#[server(prefix = "/api", endpoint = "set_channel_notify")]
pub async fn set_channel_notify(
    channel_id: ChannelId,
    muted: bool,
    level: Option<NotifyLevel>,
) -> Result<(), AppError> {
    let me = require_user().await?;
    let notify = shared::notify::ChannelNotify { muted, level };
    Ok(domain::notify_settings::set_channel(&domain()?, me.id, channel_id, notify).await?)
}

/// What a notification about a message of a channel or a conversation says.
#[server(prefix = "/api", endpoint = "load_notification")]
pub async fn load_notification(
    channel_id: Option<ChannelId>,
    conversation_id: Option<ConversationId>,
    message_id: MessageId,
) -> Result<NotificationText, AppError> {
    let me = require_user().await?;
    let thread = shared::live::Thread::one_of(channel_id, conversation_id)?;
    Ok(domain::notification_text::text(&domain()?, me.id, thread, message_id).await?)
}
