//! Pinned messages (written once for both message tables): staff pin in a channel, either
//! person in a direct conversation; anyone who may read the thread sees its pins, the latest
//! pinned first. A pin or unpin takes the thread's next sequence number, so the message travels
//! as an update (live, and to those catching up) with its new `pinned` flag.

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use shared::ids::{MessageId, ProfileId};
use shared::live::Thread;
use shared::messages::{MAX_PINS, Message};
use shared::permissions::Action;
use uuid::Uuid;

use super::rows::{Row, one, with_authors};
use super::thread_table::{ThreadTable, reachable, restamp};
use crate::Domain;
use crate::communities::CommunityError;
use crate::limits::Rule;

/// Pins (`on`) or unpins a message; the message as it then is. Doing what is already done
/// changes nothing and publishes nothing.
pub(crate) async fn pin<T: ThreadTable>(
    domain: &Domain,
    me: ProfileId,
    message_id: MessageId,
    on: bool,
) -> Result<Message, CommunityError> {
    domain.limits.check(Rule::Edit, me)?;
    domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                let (row, thread, access) = reachable::<T>(txn, me, message_id).await?;
                let direct = matches!(T::thread(thread), Thread::Conversation(_));
                access.require(Action::PinMessage { direct })?;
                if row.deleted() {
                    return Err(CommunityError::Invalid(
                        "A deleted message cannot be pinned.".into(),
                    ));
                }
                if row.pinned() == on {
                    return one(txn, row).await;
                }
                if on && count::<T>(txn, thread).await? >= MAX_PINS as u64 {
                    let place = if direct { "conversation" } else { "channel" };
                    return Err(CommunityError::Invalid(format!(
                        "This {place} already has {MAX_PINS} pinned messages: unpin one first."
                    )));
                }
                let pinned_at = sea_orm::Value::from(on.then(Utc::now));
                restamp::<T>(
                    txn,
                    outbox,
                    (thread, message_id),
                    Some((T::PINNED_AT, pinned_at)),
                )
                .await
            })
        })
        .await
}

/// The thread's pinned messages, the latest pinned first (whoever may read the thread).
pub(crate) async fn pinned<T: ThreadTable>(
    domain: &Domain,
    me: ProfileId,
    thread: Uuid,
) -> Result<Vec<Message>, CommunityError> {
    let db = &domain.db;
    T::access(db, me, thread).await?;
    let rows = T::Entity::find()
        .filter(T::THREAD.eq(thread))
        .filter(T::PINNED_AT.is_not_null())
        .order_by_desc(T::PINNED_AT)
        .limit(MAX_PINS as u64)
        .all(db)
        .await?;
    with_authors(db, rows).await
}

async fn count<T: ThreadTable>(
    db: &impl sea_orm::ConnectionTrait,
    thread: Uuid,
) -> Result<u64, CommunityError> {
    Ok(T::Entity::find()
        .filter(T::THREAD.eq(thread))
        .filter(T::PINNED_AT.is_not_null())
        .count(db)
        .await?)
}
