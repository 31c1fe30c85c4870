//! What a browser notification about a message says, for someone who may read it: who wrote
//! where ("Alice in #random (Rustaceans)", or "Alice" for a direct message), the first line of
//! the text as read (mentions by name), and the address that opens the thread at the message.

use entity::{conversation, direct_message, message};
use sea_orm::EntityTrait;
use shared::ids::{MemberId, MessageId, ProfileId};
use shared::live::Thread;
use shared::mentions::Mentions;
use shared::messages::NotificationText;
use uuid::Uuid;

use crate::Domain;
use crate::communities::CommunityError;
use crate::conversations::participant;
use crate::messages::authors;
use crate::messages::channel_access;
use crate::messages::preview::preview;
use crate::messages::rows::Row;

/// The most characters of the text a notification shows.
const BODY_CHARS: usize = 140;

pub async fn text(
    domain: &Domain,
    me: ProfileId,
    thread: Thread,
    message_id: MessageId,
) -> Result<NotificationText, CommunityError> {
    let db = &domain.db;
    let (content, author, deleted, call, title_place, path) = match thread {
        Thread::Channel(id) => {
            let (channel, access) = channel_access(db, me, id).await?;
            let row = message::Entity::find_by_id(message_id.0)
                .one(db)
                .await?
                .filter(|m| m.channel_id == channel.id)
                .ok_or(CommunityError::NotFound)?;
            let place = format!(" in #{} ({})", channel.name, access.server.name);
            let path = format!("/servers/{}/channels/{}", access.server.id, channel.id);
            let call = row.call();
            (row.content, row.member_id, row.deleted, call, place, path)
        }
        Thread::Conversation(id) => {
            let (conversation, access) = participant(db, me, id).await?;
            let row = direct_message::Entity::find_by_id(message_id.0)
                .one(db)
                .await?
                .filter(|m| m.conversation_id == conversation.id)
                .ok_or(CommunityError::NotFound)?;
            let other = other_member(&conversation, access.member.id);
            let path = format!("/servers/{}/conversations/{}", access.server.id, other);
            let call = row.call();
            (
                row.content,
                row.member_id,
                row.deleted,
                call,
                String::new(),
                path,
            )
        }
    };
    let mut people: Vec<Uuid> = Mentions::of(&content).members.iter().map(|m| m.0).collect();
    people.push(author);
    let names = authors::load(db, &people).await?;
    let author_name = names
        .get(&author)
        .map(|a| a.name.clone())
        .ok_or(CommunityError::NotFound)?;
    let name = |m: MemberId| names.get(&m.0).map(|a| a.name.clone());
    let body = preview(&content, deleted, call, name, BODY_CHARS);
    Ok(NotificationText {
        title: format!("{author_name}{title_place}"),
        body,
        path: format!("{path}?message={message_id}"),
    })
}

fn other_member(conversation: &conversation::Model, mine: Uuid) -> Uuid {
    if conversation.member_one_id == mine {
        conversation.member_two_id
    } else {
        conversation.member_one_id
    }
}
