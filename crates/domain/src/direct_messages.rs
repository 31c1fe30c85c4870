//! Messages in a direct conversation: the same rules as channel messages (idempotent sends,
//! author-only edits, soft deletes by the author or a MODERATOR/ADMIN), readable and writable
//! only by the conversation's two members.

use chrono::Utc;
use entity::{conversation, direct_message};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use shared::ids::{ConversationId, MessageId, ProfileId};
use shared::live::Thread;
use shared::messages::{Changes, HistoryPage, Message, MessageText};
use shared::permissions::Action;
use uuid::Uuid;

use crate::Domain;
use crate::communities::CommunityError;
use crate::communities::access::Membership;
use crate::conversations::participant;
use crate::files::FileKey;
use crate::messages::rows::{one, with_authors};
use crate::messages::shared_steps::{Change, Revision, capped, page, publish, revise_row};
use crate::messages::{CHANGES_CAP, is_unique_violation};

/// Posts a direct message. A retry with the same nonce returns the first message.
pub async fn send(
    domain: &Domain,
    me: ProfileId,
    conversation_id: ConversationId,
    text: MessageText,
    file: Option<FileKey>,
    nonce: Uuid,
) -> Result<Message, CommunityError> {
    let _writer = domain.write_lock().await;
    let txn = domain.db.begin().await?;
    let (conversation, access) = participant(&txn, me, conversation_id).await?;
    access.require(Action::SendMessage)?;
    if let Some(first) = by_nonce(&txn, access.member.id, nonce).await? {
        return same_conversation(first, conversation_id, &domain.db).await;
    }
    let seq = next_seq(&txn, conversation.id).await?;
    let now = Utc::now();
    let inserted = direct_message::ActiveModel {
        id: Set(Uuid::now_v7()),
        content: Set(text.as_str().to_owned()),
        file_url: Set(file.map(|k| k.url())),
        deleted: Set(false),
        edited_at: Set(None),
        member_id: Set(access.member.id),
        conversation_id: Set(conversation.id),
        seq: Set(seq),
        nonce: Set(nonce),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await;
    match inserted {
        Ok(row) => {
            txn.commit().await?;
            let message = one(&domain.db, row).await?;
            publish(
                domain,
                Thread::Conversation(conversation_id),
                Change::Created,
                &message,
            );
            Ok(message)
        }
        Err(e) if is_unique_violation(&e) => {
            drop(txn);
            let first = by_nonce(&domain.db, access.member.id, nonce).await?.ok_or(
                CommunityError::Unexpected(anyhow::anyhow!("nonce clash without a row")),
            )?;
            same_conversation(first, conversation_id, &domain.db).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Newest-first history of the conversation, older than `before`.
pub async fn history(
    domain: &Domain,
    me: ProfileId,
    conversation_id: ConversationId,
    before: Option<MessageId>,
    limit: u64,
) -> Result<HistoryPage, CommunityError> {
    participant(&domain.db, me, conversation_id).await?;
    let mut query = direct_message::Entity::find()
        .filter(direct_message::Column::ConversationId.eq(conversation_id.0))
        .order_by_desc(direct_message::Column::Id)
        .limit(limit + 1);
    if let Some(before) = before {
        query = query.filter(direct_message::Column::Id.lt(before.0));
    }
    let (rows, before) = page(query.all(&domain.db).await?, limit, |m| m.id);
    Ok(HistoryPage {
        messages: with_authors(&domain.db, rows).await?,
        before,
    })
}

/// Everything created, edited or deleted in the conversation after `since`, capped.
pub async fn changes_since(
    domain: &Domain,
    me: ProfileId,
    conversation_id: ConversationId,
    since: i64,
) -> Result<Changes, CommunityError> {
    participant(&domain.db, me, conversation_id).await?;
    let rows = direct_message::Entity::find()
        .filter(direct_message::Column::ConversationId.eq(conversation_id.0))
        .filter(direct_message::Column::Seq.gt(since))
        .order_by_asc(direct_message::Column::Seq)
        .limit(CHANGES_CAP + 1)
        .all(&domain.db)
        .await?;
    let (rows, last_seq, more) = capped(rows, CHANGES_CAP, since, |m| m.seq);
    Ok(Changes {
        messages: with_authors(&domain.db, rows).await?,
        last_seq,
        more,
    })
}

/// Replaces a direct message's text (its author only; not once deleted).
pub async fn edit(
    domain: &Domain,
    me: ProfileId,
    message_id: MessageId,
    text: MessageText,
) -> Result<Message, CommunityError> {
    revise(domain, me, message_id, Revision::Edit(text)).await
}

/// Soft-deletes a direct message (its author, or a MODERATOR or ADMIN): the row stays, its text
/// becomes "This message has been deleted." and its file is cleared.
pub async fn delete(
    domain: &Domain,
    me: ProfileId,
    message_id: MessageId,
) -> Result<Message, CommunityError> {
    revise(domain, me, message_id, Revision::Delete).await
}

/// Edits or deletes in one transaction that takes the next sequence number, then publishes.
async fn revise(
    domain: &Domain,
    me: ProfileId,
    message_id: MessageId,
    revision: Revision,
) -> Result<Message, CommunityError> {
    let _writer = domain.write_lock().await;
    let txn = domain.db.begin().await?;
    let (row, access) = message_access(&txn, me, message_id).await?;
    if !revision.check(&access, row.member_id, row.deleted, row.file_url.is_some())? {
        txn.commit().await?;
        return one(&domain.db, row).await;
    }
    let seq = next_seq(&txn, row.conversation_id).await?;
    let thread = Thread::Conversation(ConversationId(row.conversation_id));
    let now = Utc::now();
    let mut active = row.into_active_model();
    revise_row!(active, &revision, seq, now);
    let row = active.update(&txn).await?;
    txn.commit().await?;
    let message = one(&domain.db, row).await?;
    publish(domain, thread, revision.change(), &message);
    Ok(message)
}

/// Takes the conversation's next sequence number (see `messages::next_seq` for the locking).
async fn next_seq(db: &impl ConnectionTrait, conversation_id: Uuid) -> Result<i64, CommunityError> {
    conversation::Entity::update_many()
        .col_expr(
            conversation::Column::LastSeq,
            Expr::col(conversation::Column::LastSeq).add(1),
        )
        .filter(conversation::Column::Id.eq(conversation_id))
        .exec(db)
        .await?;
    let row = conversation::Entity::find_by_id(conversation_id)
        .one(db)
        .await?
        .ok_or(CommunityError::NotFound)?;
    Ok(row.last_seq)
}

async fn message_access(
    db: &impl ConnectionTrait,
    me: ProfileId,
    message_id: MessageId,
) -> Result<(direct_message::Model, Membership), CommunityError> {
    let row = direct_message::Entity::find_by_id(message_id.0)
        .one(db)
        .await?
        .ok_or(CommunityError::NotFound)?;
    let (_, access) = participant(db, me, ConversationId(row.conversation_id)).await?;
    Ok((row, access))
}

async fn by_nonce(
    db: &impl ConnectionTrait,
    member_id: Uuid,
    nonce: Uuid,
) -> Result<Option<direct_message::Model>, DbErr> {
    direct_message::Entity::find()
        .filter(direct_message::Column::MemberId.eq(member_id))
        .filter(direct_message::Column::Nonce.eq(nonce))
        .one(db)
        .await
}

async fn same_conversation(
    first: direct_message::Model,
    conversation_id: ConversationId,
    db: &impl ConnectionTrait,
) -> Result<Message, CommunityError> {
    if first.conversation_id != conversation_id.0 {
        return Err(CommunityError::Conflict(
            "That nonce was already used for another message.".into(),
        ));
    }
    one(db, first).await
}
