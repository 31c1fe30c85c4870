//! Channel messages: send (idempotent by nonce), edit, soft delete, keyset history, and
//! "changes since sequence N". Every create, edit and delete takes the channel's next sequence
//! number in the same transaction, so a client that knows its last number can catch up exactly.

mod authors;
pub(crate) mod rows;
pub(crate) mod shared_steps;

use chrono::Utc;
use entity::{channel, message};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use shared::ids::{ChannelId, MessageId, ProfileId, ServerId};
use shared::live::Thread;
use shared::messages::{Changes, HistoryPage, Message, MessageText};
use shared::permissions::Action;
use uuid::Uuid;

use crate::Domain;
use crate::communities::CommunityError;
use crate::communities::access::{Membership, membership};
use crate::files::FileKey;
use shared_steps::{Change, Revision, capped, page, publish, revise_row};

/// The most changes one `changes_since` answer carries.
pub const CHANGES_CAP: u64 = 500;

/// Posts a message. A retry with the same nonce returns the first message and creates nothing.
pub async fn send(
    domain: &Domain,
    me: ProfileId,
    channel_id: ChannelId,
    text: MessageText,
    file: Option<FileKey>,
    nonce: Uuid,
) -> Result<Message, CommunityError> {
    let _writer = domain.write_lock().await;
    let txn = domain.db.begin().await?;
    let (channel, access) = channel_access(&txn, me, channel_id).await?;
    access.require(Action::SendMessage)?;
    if let Some(first) = by_nonce(&txn, access.member.id, nonce).await? {
        return same_channel(first, channel_id, &domain.db).await;
    }
    let seq = next_seq(&txn, channel.id).await?;
    let now = Utc::now();
    let inserted = message::ActiveModel {
        id: Set(Uuid::now_v7()),
        content: Set(text.as_str().to_owned()),
        file_url: Set(file.map(|k| k.url())),
        deleted: Set(false),
        edited_at: Set(None),
        member_id: Set(access.member.id),
        channel_id: Set(channel.id),
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
                Thread::Channel(channel_id),
                Change::Created,
                &message,
            );
            Ok(message)
        }
        // The same send racing itself: the unique (member, nonce) kept the first one.
        Err(e) if is_unique_violation(&e) => {
            drop(txn);
            let first = by_nonce(&domain.db, access.member.id, nonce).await?.ok_or(
                CommunityError::Unexpected(anyhow::anyhow!("nonce clash without a row")),
            )?;
            same_channel(first, channel_id, &domain.db).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Newest-first history: up to `limit` messages older than `before` (or the newest).
pub async fn history(
    domain: &Domain,
    me: ProfileId,
    channel_id: ChannelId,
    before: Option<MessageId>,
    limit: u64,
) -> Result<HistoryPage, CommunityError> {
    channel_access(&domain.db, me, channel_id).await?;
    let mut query = message::Entity::find()
        .filter(message::Column::ChannelId.eq(channel_id.0))
        .order_by_desc(message::Column::Id)
        .limit(limit + 1);
    if let Some(before) = before {
        query = query.filter(message::Column::Id.lt(before.0));
    }
    let (rows, before) = page(query.all(&domain.db).await?, limit, |m| m.id);
    Ok(HistoryPage {
        messages: with_authors(&domain.db, rows).await?,
        before,
    })
}

/// Every message created, edited or deleted after `since`, oldest change first, capped.
pub async fn changes_since(
    domain: &Domain,
    me: ProfileId,
    channel_id: ChannelId,
    since: i64,
) -> Result<Changes, CommunityError> {
    channel_access(&domain.db, me, channel_id).await?;
    let rows = message::Entity::find()
        .filter(message::Column::ChannelId.eq(channel_id.0))
        .filter(message::Column::Seq.gt(since))
        .order_by_asc(message::Column::Seq)
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

/// Replaces a message's text (its author only; not once deleted).
pub async fn edit(
    domain: &Domain,
    me: ProfileId,
    message_id: MessageId,
    text: MessageText,
) -> Result<Message, CommunityError> {
    revise(domain, me, message_id, Revision::Edit(text)).await
}

/// Soft-deletes a message (its author, or a MODERATOR or ADMIN): the row stays, its text
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
    let seq = next_seq(&txn, row.channel_id).await?;
    let thread = Thread::Channel(ChannelId(row.channel_id));
    let now = Utc::now();
    let mut active = row.into_active_model();
    revise_row!(active, &revision, seq, now);
    let row = active.update(&txn).await?;
    txn.commit().await?;
    let message = one(&domain.db, row).await?;
    publish(domain, thread, revision.change(), &message);
    Ok(message)
}

/// Takes the channel's next sequence number. The UPDATE locks the channel row (PostgreSQL) or
/// the database (SQLite) until the transaction ends, so numbers are never handed out twice.
async fn next_seq(db: &impl ConnectionTrait, channel_id: Uuid) -> Result<i64, CommunityError> {
    channel::Entity::update_many()
        .col_expr(
            channel::Column::LastSeq,
            Expr::col(channel::Column::LastSeq).add(1),
        )
        .filter(channel::Column::Id.eq(channel_id))
        .exec(db)
        .await?;
    let channel = channel::Entity::find_by_id(channel_id)
        .one(db)
        .await?
        .ok_or(CommunityError::NotFound)?;
    Ok(channel.last_seq)
}

/// The channel and the caller's membership of its server (NotFound for non-members).
pub(crate) async fn channel_access(
    db: &impl ConnectionTrait,
    me: ProfileId,
    channel_id: ChannelId,
) -> Result<(channel::Model, Membership), CommunityError> {
    let channel = channel::Entity::find_by_id(channel_id.0)
        .one(db)
        .await?
        .ok_or(CommunityError::NotFound)?;
    let access = membership(db, me, ServerId(channel.server_id)).await?;
    Ok((channel, access))
}

async fn message_access(
    db: &impl ConnectionTrait,
    me: ProfileId,
    message_id: MessageId,
) -> Result<(message::Model, Membership), CommunityError> {
    let row = message::Entity::find_by_id(message_id.0)
        .one(db)
        .await?
        .ok_or(CommunityError::NotFound)?;
    let (_, access) = channel_access(db, me, ChannelId(row.channel_id)).await?;
    Ok((row, access))
}

async fn by_nonce(
    db: &impl ConnectionTrait,
    member_id: Uuid,
    nonce: Uuid,
) -> Result<Option<message::Model>, DbErr> {
    message::Entity::find()
        .filter(message::Column::MemberId.eq(member_id))
        .filter(message::Column::Nonce.eq(nonce))
        .one(db)
        .await
}

/// A retried send answers with the first message, which must be in the same channel.
async fn same_channel(
    first: message::Model,
    channel_id: ChannelId,
    db: &impl ConnectionTrait,
) -> Result<Message, CommunityError> {
    if first.channel_id != channel_id.0 {
        return Err(CommunityError::Conflict(
            "That nonce was already used for another message.".into(),
        ));
    }
    one(db, first).await
}

async fn one(db: &impl ConnectionTrait, row: message::Model) -> Result<Message, CommunityError> {
    rows::one(db, row).await
}

async fn with_authors(
    db: &impl ConnectionTrait,
    rows: Vec<message::Model>,
) -> Result<Vec<Message>, CommunityError> {
    rows::with_authors(db, rows).await
}

pub(crate) fn is_unique_violation(e: &DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
