//! Send, history, changes-since, edit and delete, written once over the two message tables:
//! `message` (threads are channels) and `direct_message` (threads are conversations). Each table
//! says how to check access to its thread, take the thread's next sequence number, and build or
//! revise a row; the steps themselves live here.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    FromQueryResult, IntoActiveModel, ModelTrait, QueryFilter, QueryOrder, QuerySelect, Value,
};
use shared::account::CurrentUser;
use shared::ids::{MemberId, MessageId, ProfileId, ServerId};
use shared::live::{ServerEvent, Thread};
use shared::messages::{
    Author as MessageAuthor, CallLine, Changes, HistoryAt, HistoryPage, Message, MessageText,
    Opening,
};
use shared::permissions::Action;
use uuid::Uuid;

use super::mentions::{self, Mentioned, Place};
use super::reactions;
use super::rows::{Row, Stored, call_columns, created, one, sent, with_authors};
use super::shared_steps::{Change, Revision, capped, event, page};
use super::{CHANGES_CAP, is_unique_violation};
use crate::Domain;
use crate::communities::CommunityError;
use crate::communities::access::{Membership, role};
use crate::files::FileKey;
use crate::limits::Rule;
use crate::read_state::{self, upkeep, upkeep::Concerned};
use crate::uploads::{self, Usage};

/// One message table and the kind of thread its rows belong to.
pub(crate) trait ThreadTable: Send + Sync + 'static {
    type Entity: EntityTrait<Model = Self::Model, ActiveModel = Self::Active, Column = Self::Column>;
    type Model: Stored + IntoActiveModel<Self::Active> + FromQueryResult + Send + Sync;
    /// A row as pages of history read it (`rows::Shown`).
    type Shown: Row<Table = Self::Entity> + Send + Sync;
    type Active: ActiveModelTrait<Entity = Self::Entity> + ActiveModelBehavior + Send;
    type Column: ColumnTrait;
    /// The thread's own table (channel or conversation), which keeps its `last_seq`.
    type Parent: EntityTrait;

    /// The thread's id and sequence counter in its own table, and where its latest message
    /// still standing was created (`read_state::upkeep`).
    const PARENT_ID: <Self::Parent as EntityTrait>::Column;
    const PARENT_LAST_SEQ: <Self::Parent as EntityTrait>::Column;
    const PARENT_LAST_MESSAGE_SEQ: <Self::Parent as EntityTrait>::Column;
    /// The column naming the thread (channel or conversation), and those the steps filter on.
    const THREAD: Self::Column;
    const ID: Self::Column;
    const SEQ: Self::Column;
    const CREATED_SEQ: Self::Column;
    const MEMBER: Self::Column;
    const NONCE: Self::Column;
    const DELETED: Self::Column;
    const PINNED_AT: Self::Column;

    fn thread(id: Uuid) -> Thread;
    fn thread_of(row: &Self::Model) -> Uuid;

    /// What a file attached to `message` in `thread` belongs to.
    fn usage(access: &Membership, thread: Uuid, message: Uuid) -> Usage;

    /// The caller's membership, if they may read the thread; NotFound otherwise.
    fn access<C: ConnectionTrait + Sync>(
        db: &C,
        me: ProfileId,
        thread: Uuid,
    ) -> impl Future<Output = Result<Membership, CommunityError>> + Send;

    /// The event that tells those who can read `thread` but may not follow it (unread marks,
    /// notifications) of a message `author` created there.
    fn activity<C: ConnectionTrait + Sync>(
        db: &C,
        author: &Author,
        thread: Uuid,
        created: Created,
    ) -> impl Future<Output = Result<ServerEvent, CommunityError>> + Send;

    /// Written by `row_shape!`: both tables name their columns alike but for the thread's.
    fn new_row(new: NewRow) -> Self::Active;

    fn revise_row(row: &mut Self::Active, revision: &Revision, seq: i64, now: DateTime<Utc>);
}

/// The row-building half of a `ThreadTable` impl, for the entity module `$table` whose thread
/// column is `$thread`.
macro_rules! row_shape {
    ($table:ident, $thread:ident) => {
        fn new_row(new: $crate::messages::thread_table::NewRow) -> $table::ActiveModel {
            $table::ActiveModel {
                id: sea_orm::ActiveValue::Set(uuid::Uuid::now_v7()),
                content: sea_orm::ActiveValue::Set(new.text.as_str().to_owned()),
                file_url: sea_orm::ActiveValue::Set(new.file.map(|k| k.url())),
                deleted: sea_orm::ActiveValue::Set(false),
                edited_at: sea_orm::ActiveValue::Set(None),
                member_id: sea_orm::ActiveValue::Set(new.member),
                $thread: sea_orm::ActiveValue::Set(new.thread),
                seq: sea_orm::ActiveValue::Set(new.seq),
                created_seq: sea_orm::ActiveValue::Set(new.seq),
                nonce: sea_orm::ActiveValue::Set(new.nonce),
                created_at: sea_orm::ActiveValue::Set(new.now),
                updated_at: sea_orm::ActiveValue::Set(new.now),
                call: sea_orm::ActiveValue::Set(new.call.0),
                call_seconds: sea_orm::ActiveValue::Set(new.call.1),
                mentions_everyone: sea_orm::ActiveValue::Set(new.everyone),
                reply_to: sea_orm::ActiveValue::Set(new.reply_to),
                pinned_at: sea_orm::ActiveValue::Set(None),
            }
        }

        fn revise_row(
            row: &mut $table::ActiveModel,
            revision: &$crate::messages::shared_steps::Revision,
            seq: i64,
            now: chrono::DateTime<chrono::Utc>,
        ) {
            use $crate::messages::shared_steps::Revision;
            match revision {
                Revision::Edit(text) => {
                    row.content = sea_orm::ActiveValue::Set(text.as_str().to_owned());
                    row.edited_at = sea_orm::ActiveValue::Set(Some(now));
                    row.mentions_everyone = sea_orm::ActiveValue::Set(
                        shared::mentions::Mentions::of(text.as_str()).everyone,
                    );
                }
                Revision::Delete => {
                    row.content =
                        sea_orm::ActiveValue::Set(shared::messages::DELETED_TEXT.to_owned());
                    row.file_url = sea_orm::ActiveValue::Set(None);
                    row.deleted = sea_orm::ActiveValue::Set(true);
                    row.pinned_at = sea_orm::ActiveValue::Set(None);
                }
            }
            row.seq = sea_orm::ActiveValue::Set(seq);
            row.updated_at = sea_orm::ActiveValue::Set(now);
        }
    };
}
pub(crate) use row_shape;

/// Who wrote a message, as the activity events name them.
pub(crate) struct Author {
    pub member: Uuid,
    pub profile: ProfileId,
    pub server: ServerId,
}

impl Author {
    fn of(access: &Membership) -> Self {
        Self {
            member: access.member.id,
            profile: ProfileId(access.member.profile_id),
            server: ServerId(access.server.id),
        }
    }
}

/// A message just created, as its activity event names it.
pub(crate) struct Created {
    pub message: MessageId,
    pub seq: i64,
    pub mentioned: Mentioned,
}

/// Takes the thread's next sequence number inside the caller's transaction. The UPDATE locks
/// the thread's row (PostgreSQL) or the database (SQLite) until the transaction ends, so a
/// number is never handed out twice, and returns the number it wrote (one statement). A message
/// `creating` the number is the thread's latest.
pub(crate) async fn next_seq<T: ThreadTable>(
    db: &impl ConnectionTrait,
    thread: Uuid,
    creating: bool,
) -> Result<i64, CommunityError> {
    let mut update =
        T::Parent::update_many().col_expr(T::PARENT_LAST_SEQ, Expr::col(T::PARENT_LAST_SEQ).add(1));
    if creating {
        update = update.col_expr(
            T::PARENT_LAST_MESSAGE_SEQ,
            Expr::col(T::PARENT_LAST_SEQ).add(1),
        );
    }
    // Any change to a channel's messages may move its latest (a deletion may): its server's
    // copies are out of date. The server's row is taken before the channel's, as a channel's
    // deletion takes them, so no two transactions wait on each other.
    if let Thread::Channel(channel) = T::thread(thread) {
        crate::read_state::latest::channel_moved(db, channel.0).await?;
    }
    let updated = update
        .filter(T::PARENT_ID.eq(thread))
        .exec_with_returning(db)
        .await?;
    let parent = updated.first().ok_or(CommunityError::NotFound)?;
    match parent.get(T::PARENT_LAST_SEQ) {
        Value::BigInt(Some(seq)) => Ok(seq),
        other => Err(CommunityError::Unexpected(anyhow::anyhow!(
            "a thread's sequence number read back as {other:?}"
        ))),
    }
}

/// The thread's latest sequence number.
async fn current_seq<T: ThreadTable>(
    db: &impl ConnectionTrait,
    thread: Uuid,
) -> Result<i64, CommunityError> {
    T::Parent::find()
        .select_only()
        .column(T::PARENT_LAST_SEQ)
        .filter(T::PARENT_ID.eq(thread))
        .into_tuple::<i64>()
        .one(db)
        .await?
        .ok_or(CommunityError::NotFound)
}

/// The fields of a message being stored.
pub(crate) struct NewRow {
    pub thread: Uuid,
    pub member: Uuid,
    pub seq: i64,
    pub text: MessageText,
    pub file: Option<FileKey>,
    pub nonce: Uuid,
    pub now: DateTime<Utc>,
    /// The stored form of a call line (`rows::call_columns`); none for a sent message.
    pub call: (Option<String>, Option<i64>),
    /// Mentions `@everyone`.
    pub everyone: bool,
    /// The message of the same thread it answers.
    pub reply_to: Option<Uuid>,
}

/// What a person sends: text, a file, the message it answers, and the key that makes a retry
/// return the first message.
pub(crate) struct Outgoing {
    pub text: MessageText,
    pub file: Option<FileKey>,
    pub reply_to: Option<MessageId>,
    pub nonce: Uuid,
}

/// Posts a message. A retry with the same nonce returns the first message and creates nothing.
pub(crate) async fn send<T: ThreadTable>(
    domain: &Domain,
    sender: &CurrentUser,
    thread: Uuid,
    outgoing: Outgoing,
) -> Result<Message, CommunityError> {
    let Outgoing {
        text,
        file,
        reply_to,
        nonce,
    } = outgoing;
    let me = sender.id;
    // What the message shows of its author, from the session the send came with (its lookup
    // read the profile a moment ago): no query for it in the write.
    let (name, image_url) = (sender.name.clone(), sender.image_url.clone());
    domain.limits.check(Rule::Send, me)?;
    let sent = domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                let access = T::access(txn, me, thread).await?;
                access.require(Action::SendMessage)?;
                if let Some(first) = by_nonce::<T>(txn, access.member.id, nonce).await? {
                    return Ok(same_thread::<T>(first, thread, txn).await?);
                }
                let mentioned = mentions::check(txn, &access, T::thread(thread), &text).await?;
                if let Some(original) = reply_to {
                    answerable::<T>(txn, thread, original).await?;
                }
                let seq = next_seq::<T>(txn, thread, true).await?;
                let attached = file.clone();
                let row = T::new_row(NewRow {
                    thread,
                    member: access.member.id,
                    seq,
                    text,
                    file,
                    nonce,
                    now: Utc::now(),
                    call: (None, None),
                    everyone: mentioned.mentions.everyone,
                    reply_to: reply_to.map(|m| m.0),
                })
                .insert(txn)
                .await
                .map_err(|e| {
                    if is_unique_violation(&e) {
                        SendError::Clash(access.member.id)
                    } else {
                        e.into()
                    }
                })?;
                if let Some(key) = &attached {
                    let usage = T::usage(&access, thread, row.id());
                    uploads::claim(txn, me, key, usage).await?;
                }
                if matches!(T::thread(thread), Thread::Channel(_)) {
                    let place = Place {
                        message: row.id(),
                        channel: thread,
                        created_seq: seq,
                    };
                    let members = &mentioned.mentions.members;
                    mentions::save(txn, place, members, false).await?;
                    let members = members.iter().map(|m| m.0).collect();
                    let concerned = Concerned::of(mentioned.mentions.everyone, members);
                    upkeep::recount(txn, access.server.id, thread, seq, &concerned).await?;
                }
                read_state::authored(txn, me, T::thread(thread), seq).await?;
                let author = MessageAuthor {
                    member_id: MemberId(access.member.id),
                    profile_id: me,
                    name,
                    image_url,
                    role: role(access.member.role),
                };
                let message = sent(txn, row, author).await?;
                outbox.publish(event(T::thread(thread), Change::Created, &message));
                let created = Created {
                    message: message.id,
                    seq,
                    mentioned,
                };
                let author = Author::of(&access);
                outbox.publish(T::activity(txn, &author, thread, created).await?);
                Ok(message)
            })
        })
        .await;
    match sent {
        Ok(message) => Ok(message),
        // The same send racing itself on another node: the unique (member, nonce) kept the first.
        Err(SendError::Clash(member)) => {
            let first = by_nonce::<T>(&domain.db, member, nonce).await?.ok_or(
                CommunityError::Unexpected(anyhow::anyhow!("nonce clash without a row")),
            )?;
            same_thread::<T>(first, thread, &domain.db).await
        }
        Err(SendError::Failed(e)) => Err(e),
    }
}

/// Writes a line about a call into `thread` in `member`'s name (the caller's), taking the next
/// sequence number like any message; the words are stored as its text too.
pub(crate) async fn post_call_line<T: ThreadTable>(
    domain: &Domain,
    thread: Uuid,
    member: Uuid,
    line: CallLine,
) -> Result<Message, CommunityError> {
    let text = MessageText::parse(&line.words(), false)?;
    domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                let seq = next_seq::<T>(txn, thread, true).await?;
                let row = T::new_row(NewRow {
                    thread,
                    member,
                    seq,
                    text,
                    file: None,
                    nonce: Uuid::new_v4(),
                    now: Utc::now(),
                    call: call_columns(Some(line)),
                    everyone: false,
                    reply_to: None,
                })
                .insert(txn)
                .await?;
                let message = created(txn, row).await?;
                outbox.publish(event(T::thread(thread), Change::Created, &message));
                let author = entity::member::Entity::find_by_id(member)
                    .one(txn)
                    .await?
                    .ok_or(CommunityError::NotFound)?;
                let author = Author {
                    member,
                    profile: ProfileId(author.profile_id),
                    server: ServerId(author.server_id),
                };
                read_state::authored(txn, author.profile, T::thread(thread), seq).await?;
                let created = Created {
                    message: message.id,
                    seq,
                    mentioned: Mentioned::default(),
                };
                outbox.publish(T::activity(txn, &author, thread, created).await?);
                Ok::<_, CommunityError>(message)
            })
        })
        .await
}

/// Why a send's write failed: the nonce clashed with a send being committed elsewhere (its
/// savepoint rolled back, so its sequence number is not used), or anything else.
enum SendError {
    Clash(Uuid),
    Failed(CommunityError),
}

impl<E: Into<CommunityError>> From<E> for SendError {
    fn from(e: E) -> Self {
        SendError::Failed(e.into())
    }
}

/// A page of up to `limit` messages, newest first, read from `at`.
pub(crate) async fn history<T: ThreadTable>(
    domain: &Domain,
    me: ProfileId,
    thread: Uuid,
    at: HistoryAt,
    limit: u64,
) -> Result<HistoryPage, CommunityError> {
    T::access(&domain.db, me, thread).await?;
    let db = &domain.db;
    match at {
        HistoryAt::Latest => older::<T>(db, thread, None, limit).await,
        HistoryAt::Before(id) => older::<T>(db, thread, Some(id), limit).await,
        HistoryAt::After(id) => newer::<T>(db, thread, id, limit).await,
        HistoryAt::Around(id) => around::<T>(db, thread, id, limit - limit / 2, limit / 2).await,
    }
}

/// How a thread opens for `me`: around `at` when a message is asked for; otherwise the newest
/// page when it reaches back to the first message they have not read, or else the page around
/// that message (a little before it, the rest after).
pub(crate) async fn opening<T: ThreadTable>(
    domain: &Domain,
    me: ProfileId,
    thread: Uuid,
    at: Option<MessageId>,
    limit: u64,
) -> Result<Opening, CommunityError> {
    /// How many read messages show above the first unread one.
    const CONTEXT: u64 = 10;
    let db = &domain.db;
    let access = T::access(db, me, thread).await?;
    let last_seq = current_seq::<T>(db, thread).await?;
    let read = crate::read_state::read_up_to(db, me, T::thread(thread)).await?;
    let first_unread: Option<Uuid> = T::Entity::find()
        .select_only()
        .column(T::ID)
        .filter(T::THREAD.eq(thread))
        .filter(T::CREATED_SEQ.gt(read))
        .filter(T::MEMBER.ne(access.member.id))
        .filter(T::DELETED.eq(false))
        .order_by_asc(T::CREATED_SEQ)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    if let Some(at) = at {
        return Ok(Opening {
            page: around::<T>(db, thread, at, limit - limit / 2, limit / 2).await?,
            first_unread: first_unread.map(MessageId),
            last_seq,
        });
    }
    let latest = older::<T>(db, thread, None, limit).await?;
    let reaches = |first: Uuid| {
        latest.before.is_none() || latest.messages.last().is_some_and(|m| m.id.0 <= first)
    };
    let page = match first_unread {
        Some(first) if !reaches(first) => {
            let context = Ord::min(CONTEXT, limit);
            around::<T>(db, thread, MessageId(first), context, limit - context).await?
        }
        _ => latest,
    };
    Ok(Opening {
        page,
        first_unread: first_unread.map(MessageId),
        last_seq,
    })
}

/// Up to `limit` messages older than `before` (or the newest), newest first.
async fn older<T: ThreadTable>(
    db: &impl ConnectionTrait,
    thread: Uuid,
    before: Option<MessageId>,
    limit: u64,
) -> Result<HistoryPage, CommunityError> {
    let mut query = T::Entity::find()
        .filter(T::THREAD.eq(thread))
        .order_by_desc(T::ID)
        .limit(limit + 1);
    if let Some(before) = before {
        query = query.filter(T::ID.lt(before.0));
    }
    let rows = T::Shown::select(query).all(db).await?;
    let (rows, before) = page(rows, limit, Row::id);
    Ok(HistoryPage {
        messages: with_authors(db, rows).await?,
        before,
        after: None,
    })
}

/// Up to `limit` messages newer than `after`, newest first; `after` is set again when more
/// newer ones remain.
async fn newer<T: ThreadTable>(
    db: &impl ConnectionTrait,
    thread: Uuid,
    after: MessageId,
    limit: u64,
) -> Result<HistoryPage, CommunityError> {
    let (mut rows, more) = newer_rows::<T>(db, thread, after, limit).await?;
    rows.reverse();
    let newest = rows.first().map(|r| MessageId(r.id()));
    let oldest = rows.last().map_or(after, |r| MessageId(r.id()));
    Ok(HistoryPage {
        messages: with_authors(db, rows).await?,
        // The message paged from, at least, is older.
        before: Some(oldest),
        after: if more { newest } else { None },
    })
}

/// `message` and `older_count - 1` messages before it, and up to `newer_count` after it,
/// newest first. NotFound if the message is not in the thread.
async fn around<T: ThreadTable>(
    db: &impl ConnectionTrait,
    thread: Uuid,
    message: MessageId,
    older_count: u64,
    newer_count: u64,
) -> Result<HistoryPage, CommunityError> {
    let older_count = Ord::max(older_count, 1);
    let older_rows = T::Shown::select(
        T::Entity::find()
            .filter(T::THREAD.eq(thread))
            .filter(T::ID.lte(message.0))
            .order_by_desc(T::ID)
            .limit(older_count + 1),
    )
    .all(db)
    .await?;
    if older_rows.first().map(Row::id) != Some(message.0) {
        return Err(CommunityError::NotFound);
    }
    let (older_rows, before) = page(older_rows, older_count, Row::id);
    let (mut rows, more) = newer_rows::<T>(db, thread, message, newer_count).await?;
    rows.reverse();
    let after = if more {
        rows.first()
            .map_or(Some(message), |r| Some(MessageId(r.id())))
    } else {
        None
    };
    rows.extend(older_rows);
    Ok(HistoryPage {
        messages: with_authors(db, rows).await?,
        before,
        after,
    })
}

/// Up to `limit` messages newer than `after`, oldest first, and whether more remain.
async fn newer_rows<T: ThreadTable>(
    db: &impl ConnectionTrait,
    thread: Uuid,
    after: MessageId,
    limit: u64,
) -> Result<(Vec<T::Shown>, bool), CommunityError> {
    let mut rows = T::Shown::select(
        T::Entity::find()
            .filter(T::THREAD.eq(thread))
            .filter(T::ID.gt(after.0))
            .order_by_asc(T::ID)
            .limit(limit + 1),
    )
    .all(db)
    .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok((rows, more))
}

/// Every message created, edited or deleted after `since`, oldest change first, capped.
pub(crate) async fn changes_since<T: ThreadTable>(
    domain: &Domain,
    me: ProfileId,
    thread: Uuid,
    since: i64,
) -> Result<Changes, CommunityError> {
    T::access(&domain.db, me, thread).await?;
    let rows = T::Shown::select(
        T::Entity::find()
            .filter(T::THREAD.eq(thread))
            .filter(T::SEQ.gt(since))
            .order_by_asc(T::SEQ)
            .limit(CHANGES_CAP + 1),
    )
    .all(&domain.db)
    .await?;
    let (rows, last_seq, more) = capped(rows, CHANGES_CAP, since, Row::seq);
    Ok(Changes {
        messages: with_authors(&domain.db, rows).await?,
        last_seq,
        more,
    })
}

/// Edits or deletes in one write that takes the next sequence number and publishes.
pub(crate) async fn revise<T: ThreadTable>(
    domain: &Domain,
    me: ProfileId,
    message_id: MessageId,
    revision: Revision,
) -> Result<Message, CommunityError> {
    domain.limits.check(Rule::Edit, me)?;
    let (message, removed) = domain
        .write(move |txn, outbox| {
            Box::pin(async move {
                let (row, thread, access) = reachable::<T>(txn, me, message_id).await?;
                if row.call().is_some() {
                    return Err(CommunityError::Invalid(
                        "Call lines cannot be edited or deleted.".into(),
                    ));
                }
                let file = row.file();
                let state = (row.member_id(), row.deleted(), file.is_some());
                if !revision.check(&access, T::thread(thread), state)? {
                    return Ok((one(txn, row).await?, None));
                }
                let is_channel = matches!(T::thread(thread), Thread::Channel(_));
                let created_seq = row.created_seq();
                // Those whose mention counts the change may move: mentioned before or after.
                let (mut everyone, mut named) = (row.everyone(), Vec::new());
                if is_channel {
                    named = mentions::named(txn, row.id()).await?;
                }
                if let Revision::Edit(text) = &revision {
                    let mentioned = mentions::check(txn, &access, T::thread(thread), text).await?;
                    if is_channel {
                        let place = Place {
                            message: row.id(),
                            channel: thread,
                            created_seq,
                        };
                        let members = &mentioned.mentions.members;
                        mentions::save(txn, place, members, true).await?;
                        named.extend(members.iter().map(|m| m.0));
                        everyone |= mentioned.mentions.everyone;
                    }
                }
                let seq = next_seq::<T>(txn, thread, false).await?;
                if matches!(revision, Revision::Delete) {
                    reactions::clear(txn, row.id()).await?;
                }
                let mut active = row.into_active_model();
                T::revise_row(&mut active, &revision, seq, Utc::now());
                let message = one(txn, active.update(txn).await?).await?;
                if matches!(revision, Revision::Delete) {
                    upkeep::deleted(txn, T::thread(thread), created_seq).await?;
                }
                if is_channel {
                    let concerned = Concerned::of(everyone, named);
                    upkeep::recount(txn, access.server.id, thread, created_seq, &concerned).await?;
                }
                outbox.publish(event(T::thread(thread), revision.change(), &message));
                // A deleted message's file goes with it.
                let removed = matches!(revision, Revision::Delete)
                    .then_some(file)
                    .flatten();
                Ok::<_, CommunityError>((message, removed))
            })
        })
        .await?;
    uploads::remove(domain, removed).await;
    Ok(message)
}

/// The message, its thread and the caller's access to that thread (NotFound when the message
/// is unknown or the caller may not read its thread).
pub(crate) async fn reachable<T: ThreadTable>(
    txn: &sea_orm::DatabaseTransaction,
    me: ProfileId,
    message_id: MessageId,
) -> Result<(T::Model, Uuid, Membership), CommunityError> {
    let row = T::Entity::find()
        .filter(T::ID.eq(message_id.0))
        .one(txn)
        .await?
        .ok_or(CommunityError::NotFound)?;
    let thread = T::thread_of(&row);
    let access = T::access(txn, me, thread).await?;
    Ok((row, thread, access))
}

/// A change to a message that is neither an edit nor a deletion (a reaction, a pin): it takes
/// the thread's next sequence number (setting `also` with it), so the message travels as an
/// update, live and to those catching up. The message as it then is.
pub(crate) async fn restamp<T: ThreadTable>(
    txn: &sea_orm::DatabaseTransaction,
    outbox: &crate::writer::Outbox,
    (thread, id): (Uuid, MessageId),
    also: Option<(T::Column, sea_orm::Value)>,
) -> Result<Message, CommunityError> {
    let seq = next_seq::<T>(txn, thread, false).await?;
    let mut update = T::Entity::update_many().col_expr(T::SEQ, Expr::value(seq));
    if let Some((column, value)) = also {
        update = update.col_expr(column, Expr::value(value));
    }
    update.filter(T::ID.eq(id.0)).exec(txn).await?;
    let row = T::Entity::find()
        .filter(T::ID.eq(id.0))
        .one(txn)
        .await?
        .ok_or(CommunityError::NotFound)?;
    let message = one(txn, row).await?;
    outbox.publish(event(T::thread(thread), Change::Updated, &message));
    Ok(message)
}

/// A reply may answer only a message of its own thread.
async fn answerable<T: ThreadTable>(
    db: &impl ConnectionTrait,
    thread: Uuid,
    original: MessageId,
) -> Result<(), CommunityError> {
    let found = T::Entity::find()
        .filter(T::ID.eq(original.0))
        .filter(T::THREAD.eq(thread))
        .one(db)
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(CommunityError::Invalid(
            "You can only reply to a message in this conversation.".into(),
        )),
    }
}

async fn by_nonce<T: ThreadTable>(
    db: &impl ConnectionTrait,
    member: Uuid,
    nonce: Uuid,
) -> Result<Option<T::Model>, DbErr> {
    T::Entity::find()
        .filter(T::MEMBER.eq(member))
        .filter(T::NONCE.eq(nonce))
        .one(db)
        .await
}

/// A retried send answers with the first message, which must be in the same thread.
async fn same_thread<T: ThreadTable>(
    first: T::Model,
    thread: Uuid,
    db: &impl ConnectionTrait,
) -> Result<Message, CommunityError> {
    if T::thread_of(&first) != thread {
        return Err(CommunityError::Conflict(
            "That nonce was already used for another message.".into(),
        ));
    }
    one(db, first).await
}
