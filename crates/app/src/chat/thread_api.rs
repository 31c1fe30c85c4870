//! The message server functions, chosen by thread: the chat views work the same way for a
//! channel and a direct conversation.

use shared::AppError;
use shared::ids::MessageId;
use shared::live::Thread;
use shared::messages::{Changes, HistoryPage, Message, Opening};
use uuid::Uuid;

use crate::messages::api::{
    channel_changes, channel_history, conversation_changes, conversation_history,
    delete_direct_message, delete_message, edit_direct_message, edit_message, open_thread,
    pin_direct_message, pin_message, pinned_messages, react_direct_message, react_message,
    send_direct_message, send_message,
};

pub async fn history(thread: Thread, before: Option<MessageId>) -> Result<HistoryPage, AppError> {
    match thread {
        Thread::Channel(id) => channel_history(id, before, None, None, None).await,
        Thread::Conversation(id) => conversation_history(id, before, None, None, None).await,
    }
}

/// The page of messages newer than `after`.
pub async fn newer(thread: Thread, after: MessageId) -> Result<HistoryPage, AppError> {
    match thread {
        Thread::Channel(id) => channel_history(id, None, Some(after), None, None).await,
        Thread::Conversation(id) => conversation_history(id, None, Some(after), None, None).await,
    }
}

/// How the thread opens: at `at`, or at the reader's first unread message.
pub async fn opening(thread: Thread, at: Option<MessageId>) -> Result<Opening, AppError> {
    let (channel_id, conversation_id) = thread.parts();
    open_thread(channel_id, conversation_id, at, None).await
}

pub async fn changes(thread: Thread, since: i64) -> Result<Changes, AppError> {
    match thread {
        Thread::Channel(id) => channel_changes(id, since).await,
        Thread::Conversation(id) => conversation_changes(id, since).await,
    }
}

pub async fn send(
    thread: Thread,
    content: String,
    file_url: Option<String>,
    reply_to: Option<MessageId>,
    nonce: Uuid,
) -> Result<Message, AppError> {
    match thread {
        Thread::Channel(id) => send_message(id, content, file_url, reply_to, nonce).await,
        Thread::Conversation(id) => {
            send_direct_message(id, content, file_url, reply_to, nonce).await
        }
    }
}

pub async fn edit(thread: Thread, id: MessageId, content: String) -> Result<Message, AppError> {
    match thread {
        Thread::Channel(_) => edit_message(id, content).await,
        Thread::Conversation(_) => edit_direct_message(id, content).await,
    }
}

pub async fn delete(thread: Thread, id: MessageId) -> Result<Message, AppError> {
    match thread {
        Thread::Channel(_) => delete_message(id).await,
        Thread::Conversation(_) => delete_direct_message(id).await,
    }
}

/// Adds (`on`) or takes back the reader's reaction `emoji` to a message.
pub async fn react(
    thread: Thread,
    id: MessageId,
    emoji: String,
    on: bool,
) -> Result<Message, AppError> {
    match thread {
        Thread::Channel(_) => react_message(id, emoji, on).await,
        Thread::Conversation(_) => react_direct_message(id, emoji, on).await,
    }
}

/// Pins (`on`) or unpins a message.
pub async fn pin(thread: Thread, id: MessageId, on: bool) -> Result<Message, AppError> {
    match thread {
        Thread::Channel(_) => pin_message(id, on).await,
        Thread::Conversation(_) => pin_direct_message(id, on).await,
    }
}

/// The thread's pinned messages, the latest pinned first.
pub async fn pinned(thread: Thread) -> Result<Vec<Message>, AppError> {
    let (channel_id, conversation_id) = thread.parts();
    pinned_messages(channel_id, conversation_id).await
}
