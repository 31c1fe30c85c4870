//! Message server functions (channels and direct conversations): who is signed in, parse the
//! input, call the domain.

use leptos::prelude::*;
use shared::AppError;
use shared::ids::{ChannelId, ConversationId, MemberId, MessageId, ServerId};
use shared::messages::{Changes, Conversation, HistoryPage, Message};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::session::{domain, require_user};

/// The text and attachment of a message form, parsed.
#[cfg(feature = "ssr")]
fn message_input(
    content: &str,
    file_url: Option<&str>,
) -> Result<
    (
        shared::messages::MessageText,
        Option<domain::files::FileKey>,
    ),
    AppError,
> {
    let file = domain::files::FileKey::from_form(file_url)?;
    let text = shared::messages::MessageText::parse(content, file.is_some())?;
    Ok((text, file))
}

/// Posts a message (a reply to `reply_to`, when given); `nonce` makes a retried send return
/// the first message instead of a copy.
#[server(prefix = "/api", endpoint = "send_message")]
pub async fn send_message(
    channel_id: ChannelId,
    content: String,
    file_url: Option<String>,
    reply_to: Option<MessageId>,
    nonce: Uuid,
) -> Result<Message, AppError> {
    let me = require_user().await?;
    let (text, file) = message_input(&content, file_url.as_deref())?;
    let domain = domain()?;
    Ok(domain::messages::send(&domain, &me, channel_id, text, file, reply_to, nonce).await?)
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

/// Adds (`on: true`) or takes back the caller's reaction `emoji` to a channel message.
#[server(prefix = "/api", endpoint = "react_message")]
pub async fn react_message(
    message_id: MessageId,
    emoji: String,
    on: bool,
) -> Result<Message, AppError> {
    let me = require_user().await?;
    Ok(domain::messages::react(&domain()?, me.id, message_id, &emoji, on).await?)
}

/// Pins (`on: true`) or unpins a channel message (moderators and admins).
#[server(prefix = "/api", endpoint = "pin_message")]
pub async fn pin_message(message_id: MessageId, on: bool) -> Result<Message, AppError> {
    let me = require_user().await?;
    Ok(domain::messages::pin(&domain()?, me.id, message_id, on).await?)
}

/// A page of history, newest first (30 by default, at most 100): the newest, or read from one
/// of `before`, `after` or `around` a message.
#[server(prefix = "/api", endpoint = "channel_history")]
pub async fn channel_history(
    channel_id: ChannelId,
    before: Option<MessageId>,
    after: Option<MessageId>,
    around: Option<MessageId>,
    limit: Option<u64>,
) -> Result<HistoryPage, AppError> {
    let me = require_user().await?;
    let at = shared::messages::HistoryAt::from_cursors(before, after, around)?;
    let limit = shared::messages::page_size(limit);
    Ok(domain::messages::history(&domain()?, me.id, channel_id, at, limit).await?)
}

/// Everything that changed after sequence number `since` (for reconnects and polling).
#[server(prefix = "/api", endpoint = "channel_changes")]
pub async fn channel_changes(channel_id: ChannelId, since: i64) -> Result<Changes, AppError> {
    let me = require_user().await?;
    Ok(domain::messages::changes_since(&domain()?, me.id, channel_id, since).await?)
}

/// Opens (finding or creating) the conversation with another member of a server.
#[server(prefix = "/api", endpoint = "open_conversation")]
pub async fn open_conversation(
    server_id: ServerId,
    member_id: MemberId,
) -> Result<Conversation, AppError> {
    let me = require_user().await?;
    Ok(domain::conversations::open(&domain()?, me.id, server_id, member_id).await?)
}

#[server(prefix = "/api", endpoint = "send_direct_message")]
pub async fn send_direct_message(
    conversation_id: ConversationId,
    content: String,
    file_url: Option<String>,
    reply_to: Option<MessageId>,
    nonce: Uuid,
) -> Result<Message, AppError> {
    let me = require_user().await?;
    let (text, file) = message_input(&content, file_url.as_deref())?;
    let domain = domain()?;
    let sent = domain::direct_messages::send;
    Ok(sent(&domain, &me, conversation_id, text, file, reply_to, nonce).await?)
}

#[server(prefix = "/api", endpoint = "edit_direct_message")]
pub async fn edit_direct_message(
    message_id: MessageId,
    content: String,
) -> Result<Message, AppError> {
    let me = require_user().await?;
    let text = shared::messages::MessageText::parse(&content, true)?;
    Ok(domain::direct_messages::edit(&domain()?, me.id, message_id, text).await?)
}

#[server(prefix = "/api", endpoint = "delete_direct_message")]
pub async fn delete_direct_message(message_id: MessageId) -> Result<Message, AppError> {
    let me = require_user().await?;
    Ok(domain::direct_messages::delete(&domain()?, me.id, message_id).await?)
}

#[server(prefix = "/api", endpoint = "react_direct_message")]
pub async fn react_direct_message(
    message_id: MessageId,
    emoji: String,
    on: bool,
) -> Result<Message, AppError> {
    let me = require_user().await?;
    Ok(domain::direct_messages::react(&domain()?, me.id, message_id, &emoji, on).await?)
}

#[server(prefix = "/api", endpoint = "pin_direct_message")]
pub async fn pin_direct_message(message_id: MessageId, on: bool) -> Result<Message, AppError> {
    let me = require_user().await?;
    Ok(domain::direct_messages::pin(&domain()?, me.id, message_id, on).await?)
}

#[server(prefix = "/api", endpoint = "conversation_history")]
pub async fn conversation_history(
    conversation_id: ConversationId,
    before: Option<MessageId>,
    after: Option<MessageId>,
    around: Option<MessageId>,
    limit: Option<u64>,
) -> Result<HistoryPage, AppError> {
    let me = require_user().await?;
    let at = shared::messages::HistoryAt::from_cursors(before, after, around)?;
    let limit = shared::messages::page_size(limit);
    Ok(domain::direct_messages::history(&domain()?, me.id, conversation_id, at, limit).await?)
}

#[server(prefix = "/api", endpoint = "conversation_changes")]
pub async fn conversation_changes(
    conversation_id: ConversationId,
    since: i64,
) -> Result<Changes, AppError> {
    let me = require_user().await?;
    Ok(domain::direct_messages::changes_since(&domain()?, me.id, conversation_id, since).await?)
}

/// How a channel (`channel_id`) or a conversation (`conversation_id`) opens for the reader: at
/// the message `at`, or at the first message they have not read, with a page that reaches it.
#[server(prefix = "/api", endpoint = "open_thread")]
pub async fn open_thread(
    channel_id: Option<ChannelId>,
    conversation_id: Option<ConversationId>,
    at: Option<MessageId>,
    limit: Option<u64>,
) -> Result<shared::messages::Opening, AppError> {
    let me = require_user().await?;
    let limit = shared::messages::page_size(limit);
    let domain = domain()?;
    Ok(
        match shared::live::Thread::one_of(channel_id, conversation_id)? {
            shared::live::Thread::Channel(id) => {
                domain::messages::opening(&domain, me.id, id, at, limit).await?
            }
            shared::live::Thread::Conversation(id) => {
                domain::direct_messages::opening(&domain, me.id, id, at, limit).await?
            }
        },
    )
}

/// The pinned messages of a channel (`channel_id`) or a conversation (`conversation_id`), the
/// latest pinned first.
#[server(prefix = "/api", endpoint = "pinned_messages")]
pub async fn pinned_messages(
    channel_id: Option<ChannelId>,
    conversation_id: Option<ConversationId>,
) -> Result<Vec<Message>, AppError> {
    let me = require_user().await?;
    let domain = domain()?;
    Ok(
        match shared::live::Thread::one_of(channel_id, conversation_id)? {
            shared::live::Thread::Channel(id) => {
                domain::messages::pinned(&domain, me.id, id).await?
            }
            shared::live::Thread::Conversation(id) => {
                domain::direct_messages::pinned(&domain, me.id, id).await?
            }
        },
    )
}
