//! Who stored which file and what it belongs to. An upload is its owner's alone until it is
//! attached to something (a server's icon, a channel message, a direct message), and from then on
//! readable by whoever may see that thing. A file never attached within a day is removed, and
//! removing what a file belongs to removes the file.

use chrono::{Duration, Utc};
use entity::upload;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};
use shared::ids::{ConversationId, ProfileId, ServerId};
use uuid::Uuid;

use crate::Domain;
use crate::communities::CommunityError;
use crate::communities::access::membership;
use crate::conversations::participant;
use crate::files::{FileError, FileKey, FileKind};
use crate::limits::Rule;

/// How long an upload may wait to be attached before it is removed.
pub const UNATTACHED_FOR: Duration = Duration::days(1);

/// What a file is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    Icon {
        server: ServerId,
    },
    /// A profile's picture.
    Avatar {
        profile: ProfileId,
    },
    Message {
        server: ServerId,
        message: Uuid,
    },
    DirectMessage {
        server: ServerId,
        conversation: ConversationId,
        message: Uuid,
    },
}

impl Usage {
    fn name(self) -> &'static str {
        match self {
            Usage::Icon { .. } => "icon",
            Usage::Avatar { .. } => "avatar",
            Usage::Message { .. } => "message",
            Usage::DirectMessage { .. } => "direct_message",
        }
    }
}

/// Stores `me`'s upload within their limits (uploads and volume per hour) and storage quota, and
/// records it as theirs, not yet attached.
pub async fn store(
    domain: &Domain,
    me: ProfileId,
    bytes: Vec<u8>,
    allowed: &[FileKind],
    max_mb: usize,
) -> Result<FileKey, FileError> {
    domain.limits.check(Rule::Upload, me)?;
    let kib = u32::try_from(bytes.len().div_ceil(1024)).unwrap_or(u32::MAX);
    domain.limits.check_n(Rule::UploadKib, me, kib)?;
    let quota = domain.limits.settings().storage_per_account_mb;
    let used = stored_bytes(&domain.db, me).await?;
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    if used.saturating_add(size) > i64::try_from(quota * 1024 * 1024).unwrap_or(i64::MAX) {
        return Err(FileError::QuotaFull(quota));
    }
    let key = domain.files.put(bytes, allowed, max_mb).await?;
    let record = upload::ActiveModel {
        key: Set(key.to_string()),
        owner_id: Set(me.0),
        size_bytes: Set(size),
        kind: Set(key.kind().extension().to_owned()),
        created_at: Set(Utc::now()),
        usage: Set(None),
        server_id: Set(None),
        conversation_id: Set(None),
        message_id: Set(None),
    };
    let recorded = domain
        .write(move |txn, _| Box::pin(async move { record.insert(txn).await.map(drop) }))
        .await;
    if let Err(e) = recorded {
        domain.files.delete(&key).await;
        return Err(anyhow::Error::new(e).context("record the upload").into());
    }
    Ok(key)
}

/// The bytes `me` has stored, attached or not.
async fn stored_bytes(db: &impl ConnectionTrait, me: ProfileId) -> Result<i64, FileError> {
    let total: Option<Option<i64>> = upload::Entity::find()
        .select_only()
        // PostgreSQL sums BIGINT to NUMERIC: cast back, on both engines alike.
        .column_as(Expr::cust("CAST(SUM(size_bytes) AS BIGINT)"), "total")
        .filter(upload::Column::OwnerId.eq(me.0))
        .into_tuple()
        .one(db)
        .await
        .map_err(|e| FileError::Unexpected(anyhow::Error::new(e).context("sum uploads")))?;
    Ok(total.flatten().unwrap_or(0))
}

/// Attaches `me`'s unattached upload `key` to `usage` (inside the caller's transaction). A key
/// that is not `me`'s own fresh upload is refused: nobody attaches someone else's file.
pub(crate) async fn claim(
    db: &impl ConnectionTrait,
    me: ProfileId,
    key: &FileKey,
    usage: Usage,
) -> Result<(), CommunityError> {
    let not_yours = || CommunityError::Invalid(FileError::Foreign.to_string());
    let row = upload::Entity::find_by_id(key.to_string())
        .one(db)
        .await?
        .filter(|u| u.owner_id == me.0 && u.usage.is_none())
        .ok_or_else(not_yours)?;
    let mut active = row.into_active_model();
    active.usage = Set(Some(usage.name().to_owned()));
    let (server, conversation, message) = match usage {
        Usage::Icon { server } => (Some(server), None, None),
        Usage::Avatar { .. } => (None, None, None),
        Usage::Message { server, message } => (Some(server), None, Some(message)),
        Usage::DirectMessage {
            server,
            conversation,
            message,
        } => (Some(server), Some(conversation.0), Some(message)),
    };
    active.server_id = Set(server.map(|s| s.0));
    active.conversation_id = Set(conversation);
    active.message_id = Set(message);
    active.update(db).await?;
    Ok(())
}

/// The keys of every file belonging to `server` (its icon, its channels' and conversations'
/// attachments), to remove once the server is gone.
pub(crate) async fn of_server(
    db: &impl ConnectionTrait,
    server: ServerId,
) -> Result<Vec<FileKey>, CommunityError> {
    let keys: Vec<String> = upload::Entity::find()
        .select_only()
        .column(upload::Column::Key)
        .filter(upload::Column::ServerId.eq(server.0))
        .into_tuple()
        .all(db)
        .await?;
    Ok(keys.iter().filter_map(|k| FileKey::parse(k)).collect())
}

/// Removes files and their records, after what they belonged to is gone. Failures are logged:
/// the deletion that caused this has happened and stands.
pub(crate) async fn remove(domain: &Domain, keys: impl IntoIterator<Item = FileKey>) {
    let mut removed = Vec::new();
    for key in keys {
        domain.files.delete(&key).await;
        removed.push(key.to_string());
    }
    if removed.is_empty() {
        return;
    }
    let forgotten = domain
        .write(move |txn, _| {
            Box::pin(async move {
                upload::Entity::delete_many()
                    .filter(upload::Column::Key.is_in(removed))
                    .exec(txn)
                    .await
                    .map(drop)
            })
        })
        .await;
    if let Err(e) = forgotten {
        tracing::warn!(error = %e, "could not forget removed uploads");
    }
}

/// Whether `me` may download `key`: their own upload; a server icon (shown on invite cards to
/// anyone with the link); an attachment in a server they belong to or a conversation they are in.
pub async fn readable(
    domain: &Domain,
    me: ProfileId,
    key: &FileKey,
) -> Result<bool, CommunityError> {
    let Some(row) = upload::Entity::find_by_id(key.to_string())
        .one(&domain.db)
        .await?
    else {
        return Ok(false);
    };
    if row.owner_id == me.0 {
        return Ok(true);
    }
    let allowed = match (row.usage.as_deref(), row.server_id, row.conversation_id) {
        (Some("icon"), Some(_), _) => Ok(()),
        // A picture is seen where its person is: by those who share a server with them.
        (Some("avatar"), _, _) => {
            let shown =
                crate::accounts::avatar::visible_name(&domain.db, me, ProfileId(row.owner_id))
                    .await?;
            shown.map(drop).ok_or(CommunityError::NotFound)
        }
        (Some("message"), Some(server), _) => {
            membership(&domain.db, me, ServerId(server)).await.map(drop)
        }
        (Some("direct_message"), _, Some(conversation)) => {
            participant(&domain.db, me, ConversationId(conversation))
                .await
                .map(drop)
        }
        _ => Err(CommunityError::NotFound),
    };
    match allowed {
        Ok(()) => Ok(true),
        Err(CommunityError::NotFound | CommunityError::Forbidden) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Removes uploads never attached within `UNATTACHED_FOR`; how many went.
pub async fn sweep_unattached(domain: &Domain) -> Result<usize, CommunityError> {
    let cutoff = Utc::now() - UNATTACHED_FOR;
    let keys: Vec<String> = upload::Entity::find()
        .select_only()
        .column(upload::Column::Key)
        .filter(upload::Column::Usage.is_null())
        .filter(upload::Column::CreatedAt.lt(cutoff))
        .into_tuple()
        .all(&domain.db)
        .await?;
    let keys: Vec<FileKey> = keys.iter().filter_map(|k| FileKey::parse(k)).collect();
    let count = keys.len();
    remove(domain, keys).await;
    Ok(count)
}
