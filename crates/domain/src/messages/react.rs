//! Reacting to a message (written once for both message tables): whoever may read the thread
//! may react; each change takes the thread's next sequence number, so the message travels as an
//! update (live, and to those catching up by sequence number) with all its reactions.

use shared::ids::{MessageId, ProfileId};
use shared::messages::Message;

use super::reactions;
use super::rows::{Row, one};
use super::thread_table::{ThreadTable, reachable, restamp};
use crate::Domain;
use crate::communities::CommunityError;
use crate::limits::Rule;

/// Adds (`on`) or takes back `me`'s reaction `emoji` to a message; the message as it then is.
/// Doing what is already done changes nothing and publishes nothing.
pub(crate) async fn react<T: ThreadTable>(
    domain: &Domain,
    me: ProfileId,
    message_id: MessageId,
    emoji: &str,
    on: bool,
) -> Result<Message, CommunityError> {
    domain.limits.check(Rule::React, me)?;
    let emoji = reactions::emoji(emoji)?;
    domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                let (row, thread, access) = reachable::<T>(txn, me, message_id).await?;
                if row.deleted() {
                    return Err(CommunityError::Invalid(
                        "A deleted message cannot take reactions.".into(),
                    ));
                }
                if !reactions::set(txn, row.id(), access.member.id, &emoji, on).await? {
                    return one(txn, row).await;
                }
                restamp::<T>(txn, outbox, (thread, message_id), None).await
            })
        })
        .await
}
