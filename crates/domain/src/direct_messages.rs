//! Messages in a direct conversation: the same rules as channel messages (idempotent sends,
//! author-only edits, soft deletes by the author or a MODERATOR/ADMIN), readable and writable
//! only by the conversation's two members. The steps are shared (`messages::thread_table`); this
//! module is the conversation side.

use chrono::{DateTime, Utc};
use entity::{conversation, direct_message};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use shared::ids::{ConversationId, MessageId, ProfileId};
use shared::live::Thread;
use shared::messages::{Changes, HistoryPage, Message, MessageText};
use uuid::Uuid;

use crate::Domain;
use crate::communities::CommunityError;
use crate::communities::access::Membership;
use crate::conversations::participant;
use crate::files::FileKey;
use crate::messages::shared_steps::{Revision, revise_row};
use crate::messages::thread_table::{self, NewRow, ThreadTable};

/// Posts a direct message. A retry with the same nonce returns the first message.
pub async fn send(
    domain: &Domain,
    me: ProfileId,
    conversation_id: ConversationId,
    text: MessageText,
    file: Option<FileKey>,
    nonce: Uuid,
) -> Result<Message, CommunityError> {
    thread_table::send::<Conversations>(domain, me, conversation_id.0, text, file, nonce).await
}

/// Newest-first history of the conversation, older than `before`.
pub async fn history(
    domain: &Domain,
    me: ProfileId,
    conversation_id: ConversationId,
    before: Option<MessageId>,
    limit: u64,
) -> Result<HistoryPage, CommunityError> {
    thread_table::history::<Conversations>(domain, me, conversation_id.0, before, limit).await
}

/// Everything created, edited or deleted in the conversation after `since`, capped.
pub async fn changes_since(
    domain: &Domain,
    me: ProfileId,
    conversation_id: ConversationId,
    since: i64,
) -> Result<Changes, CommunityError> {
    thread_table::changes_since::<Conversations>(domain, me, conversation_id.0, since).await
}

/// Replaces a direct message's text (its author only; not once deleted).
pub async fn edit(
    domain: &Domain,
    me: ProfileId,
    message_id: MessageId,
    text: MessageText,
) -> Result<Message, CommunityError> {
    thread_table::revise::<Conversations>(domain, me, message_id, Revision::Edit(text)).await
}

/// Soft-deletes a direct message (its author, or a MODERATOR or ADMIN): the row stays, its text
/// becomes "This message has been deleted." and its file is cleared.
pub async fn delete(
    domain: &Domain,
    me: ProfileId,
    message_id: MessageId,
) -> Result<Message, CommunityError> {
    thread_table::revise::<Conversations>(domain, me, message_id, Revision::Delete).await
}

/// The `direct_message` table: threads are conversations, readable by their two members.
struct Conversations;

impl ThreadTable for Conversations {
    type Entity = direct_message::Entity;
    type Model = direct_message::Model;
    type Active = direct_message::ActiveModel;
    type Column = direct_message::Column;

    const THREAD: direct_message::Column = direct_message::Column::ConversationId;
    const ID: direct_message::Column = direct_message::Column::Id;
    const SEQ: direct_message::Column = direct_message::Column::Seq;
    const MEMBER: direct_message::Column = direct_message::Column::MemberId;
    const NONCE: direct_message::Column = direct_message::Column::Nonce;

    fn thread(id: Uuid) -> Thread {
        Thread::Conversation(ConversationId(id))
    }

    fn thread_of(row: &direct_message::Model) -> Uuid {
        row.conversation_id
    }

    async fn access<C: ConnectionTrait>(
        db: &C,
        me: ProfileId,
        thread: Uuid,
    ) -> Result<Membership, CommunityError> {
        Ok(participant(db, me, ConversationId(thread)).await?.1)
    }

    async fn next_seq<C: ConnectionTrait>(db: &C, thread: Uuid) -> Result<i64, CommunityError> {
        conversation::Entity::update_many()
            .col_expr(
                conversation::Column::LastSeq,
                Expr::col(conversation::Column::LastSeq).add(1),
            )
            .filter(conversation::Column::Id.eq(thread))
            .exec(db)
            .await?;
        let row = conversation::Entity::find_by_id(thread)
            .one(db)
            .await?
            .ok_or(CommunityError::NotFound)?;
        Ok(row.last_seq)
    }

    fn new_row(new: NewRow) -> direct_message::ActiveModel {
        direct_message::ActiveModel {
            id: Set(Uuid::now_v7()),
            content: Set(new.text.as_str().to_owned()),
            file_url: Set(new.file.map(|k| k.url())),
            deleted: Set(false),
            edited_at: Set(None),
            member_id: Set(new.member),
            conversation_id: Set(new.thread),
            seq: Set(new.seq),
            nonce: Set(new.nonce),
            created_at: Set(new.now),
            updated_at: Set(new.now),
        }
    }

    fn revise_row(
        row: &mut direct_message::ActiveModel,
        revision: &Revision,
        seq: i64,
        now: DateTime<Utc>,
    ) {
        revise_row!(row, revision, seq, now);
    }
}
