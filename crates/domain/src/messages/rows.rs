//! Turning stored rows (channel messages and direct messages alike) into client messages.

use std::collections::HashMap;
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use entity::{direct_message, message};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryResult,
    QuerySelect, Select, SelectModel, Selector,
};
use shared::ids::{MemberId, MessageId};
use shared::messages::{Author, CallLine, Message, ReplyTo};
use uuid::Uuid;

use super::{authors, reactions};
use crate::communities::CommunityError;
use crate::files::FileKey;

/// What a stored message row has, whichever table it is in, as far as showing it goes.
pub trait Row: FromQueryResult {
    /// The row's own table, where the messages it replies to are too.
    type Table: EntityTrait;
    fn id_column() -> <Self::Table as EntityTrait>::Column;
    /// The rows `query` finds, read as this type.
    fn select(query: Select<Self::Table>) -> Selector<SelectModel<Self>>;
    fn id(&self) -> Uuid;
    fn seq(&self) -> i64;
    fn member_id(&self) -> Uuid;
    fn deleted(&self) -> bool;
    fn file(&self) -> Option<FileKey>;
    /// Set on a line the server wrote about a call.
    fn call(&self) -> Option<CallLine>;
    fn content(&self) -> &str;
    /// The message of the same thread this one answers.
    fn reply_to(&self) -> Option<Uuid>;
    fn pinned(&self) -> bool;
    fn into_message(self, author: Author) -> Message;
}

/// What only a whole stored row has: what an edit or deletion needs besides showing it.
pub trait Stored: Row {
    fn created_seq(&self) -> i64;
    /// Mentions `@everyone`.
    fn everyone(&self) -> bool;
}

/// A row read to be shown (history pages, changes, quoted originals): only the columns a
/// client message is made of, read by position, with edited and pinned as yes or no. A page
/// reads 51 of these: each column left out is 51 values fewer to copy out of SQLite and
/// decode (see README "Performance").
pub struct Shown<E> {
    id: Uuid,
    content: String,
    file_url: Option<String>,
    deleted: bool,
    edited: bool,
    member_id: Uuid,
    seq: i64,
    nonce: Uuid,
    created_at: DateTime<Utc>,
    call: Option<String>,
    call_seconds: Option<i64>,
    reply_to: Option<Uuid>,
    pinned: bool,
    table: PhantomData<E>,
}

impl<E> FromQueryResult for Shown<E> {
    /// The columns in the order `Row::select` asks for them.
    fn from_query_result(res: &QueryResult, _pre: &str) -> Result<Self, DbErr> {
        Ok(Self {
            id: res.try_get_by_index(0)?,
            content: res.try_get_by_index(1)?,
            file_url: res.try_get_by_index(2)?,
            deleted: res.try_get_by_index(3)?,
            edited: res.try_get_by_index(4)?,
            member_id: res.try_get_by_index(5)?,
            seq: res.try_get_by_index(6)?,
            nonce: res.try_get_by_index(7)?,
            created_at: res.try_get_by_index(8)?,
            call: res.try_get_by_index(9)?,
            call_seconds: res.try_get_by_index(10)?,
            reply_to: res.try_get_by_index(11)?,
            pinned: res.try_get_by_index(12)?,
            table: PhantomData,
        })
    }
}

/// How a call line is stored: its kind, and an answered call's length.
pub fn call_columns(line: Option<CallLine>) -> (Option<String>, Option<i64>) {
    match line {
        None => (None, None),
        Some(CallLine::Missed) => (Some(MISSED.into()), None),
        Some(CallLine::Ended { seconds }) => (Some(ENDED.into()), Some(i64::from(seconds))),
    }
}

const MISSED: &str = "missed";
const ENDED: &str = "ended";

fn call_line(call: Option<&str>, seconds: Option<i64>) -> Option<CallLine> {
    match call? {
        MISSED => Some(CallLine::Missed),
        ENDED => Some(CallLine::Ended {
            seconds: u32::try_from(seconds.unwrap_or(0).max(0)).unwrap_or(u32::MAX),
        }),
        _ => None,
    }
}

/// The accessors both row types have alike (the same field names).
macro_rules! common_accessors {
    () => {
        fn id(&self) -> Uuid {
            self.id
        }

        fn seq(&self) -> i64 {
            self.seq
        }

        fn member_id(&self) -> Uuid {
            self.member_id
        }

        fn deleted(&self) -> bool {
            self.deleted
        }

        fn file(&self) -> Option<FileKey> {
            self.file_url.as_deref().and_then(FileKey::from_url)
        }

        fn call(&self) -> Option<CallLine> {
            call_line(self.call.as_deref(), self.call_seconds)
        }

        fn content(&self) -> &str {
            &self.content
        }

        fn reply_to(&self) -> Option<Uuid> {
            self.reply_to
        }
    };
}

macro_rules! row {
    ($table:ident) => {
        impl Row for $table::Model {
            type Table = $table::Entity;

            fn id_column() -> $table::Column {
                $table::Column::Id
            }

            fn select(query: Select<$table::Entity>) -> Selector<SelectModel<Self>> {
                query.into_model()
            }

            common_accessors!();

            fn pinned(&self) -> bool {
                self.pinned_at.is_some()
            }

            fn into_message(self, author: Author) -> Message {
                Shown::<$table::Entity> {
                    id: self.id,
                    content: self.content,
                    file_url: self.file_url,
                    deleted: self.deleted,
                    edited: self.edited_at.is_some(),
                    member_id: self.member_id,
                    seq: self.seq,
                    nonce: self.nonce,
                    created_at: self.created_at,
                    call: self.call,
                    call_seconds: self.call_seconds,
                    reply_to: self.reply_to,
                    pinned: self.pinned_at.is_some(),
                    table: PhantomData,
                }
                .into_message(author)
            }
        }

        impl Stored for $table::Model {
            fn created_seq(&self) -> i64 {
                self.created_seq
            }

            fn everyone(&self) -> bool {
                self.mentions_everyone
            }
        }

        impl Row for Shown<$table::Entity> {
            type Table = $table::Entity;

            fn id_column() -> $table::Column {
                $table::Column::Id
            }

            fn select(query: Select<$table::Entity>) -> Selector<SelectModel<Self>> {
                use sea_orm::sea_query::ExprTrait as _;
                use $table::Column as C;
                query
                    .select_only()
                    .columns([C::Id, C::Content, C::FileUrl, C::Deleted])
                    .expr(Expr::col(C::EditedAt).is_not_null())
                    .columns([C::MemberId, C::Seq, C::Nonce, C::CreatedAt, C::Call])
                    .columns([C::CallSeconds, C::ReplyTo])
                    .expr(Expr::col(C::PinnedAt).is_not_null())
                    .into_model()
            }

            common_accessors!();

            fn pinned(&self) -> bool {
                self.pinned
            }

            fn into_message(self, author: Author) -> Message {
                Message {
                    call: self.call(),
                    id: MessageId(self.id),
                    seq: self.seq,
                    content: self.content,
                    file_url: self.file_url,
                    deleted: self.deleted,
                    edited: self.edited,
                    created_at: self.created_at,
                    author,
                    nonce: self.nonce,
                    reactions: Vec::new(),
                    reply: None,
                    pinned: self.pinned,
                }
            }
        }
    };
}

row!(message);
row!(direct_message);

/// One member as a message author.
pub async fn author(db: &impl ConnectionTrait, member_id: Uuid) -> Result<Author, CommunityError> {
    authors::load(db, &[member_id])
        .await?
        .remove(&member_id)
        .ok_or(CommunityError::NotFound)
}

pub async fn one<R: Row>(db: &impl ConnectionTrait, row: R) -> Result<Message, CommunityError> {
    with_authors(db, vec![row])
        .await?
        .pop()
        .ok_or(CommunityError::NotFound)
}

/// A message just created: it has no reactions yet, so none are looked for.
pub async fn created<R: Row>(db: &impl ConnectionTrait, row: R) -> Result<Message, CommunityError> {
    authored(db, vec![row])
        .await?
        .pop()
        .ok_or(CommunityError::NotFound)
}

/// A message just sent by `author`: it has no reactions yet, and its author is known.
pub async fn sent<R: Row>(
    db: &impl ConnectionTrait,
    row: R,
    author: Author,
) -> Result<Message, CommunityError> {
    let reply = match row.reply_to() {
        Some(id) => answered::<R>(db, vec![id]).await?.remove(&id),
        None => None,
    };
    let mut message = row.into_message(author);
    message.reply = reply;
    Ok(message)
}

/// Messages with their authors and reactions, each loaded in one query for the whole page.
pub async fn with_authors<R: Row>(
    db: &impl ConnectionTrait,
    rows: Vec<R>,
) -> Result<Vec<Message>, CommunityError> {
    let ids: Vec<Uuid> = rows.iter().map(Row::id).collect();
    let mut reactions = reactions::of(db, &ids).await?;
    let mut messages = authored(db, rows).await?;
    for message in &mut messages {
        message.reactions = reactions.remove(&message.id.0).unwrap_or_default();
    }
    Ok(messages)
}

/// Messages with their authors and what each replies to (authors of both in one query).
async fn authored<R: Row>(
    db: &impl ConnectionTrait,
    rows: Vec<R>,
) -> Result<Vec<Message>, CommunityError> {
    let answered: Vec<Uuid> = rows.iter().filter_map(Row::reply_to).collect();
    let originals: Vec<R> = originals(db, answered).await?;
    let ids: Vec<Uuid> = rows
        .iter()
        .chain(originals.iter())
        .map(Row::member_id)
        .collect();
    let authors: HashMap<Uuid, Author> = authors::load(db, &ids).await?;
    let replies = quotes(&originals, &authors);
    rows.into_iter()
        .map(|row| {
            let author = authors.get(&row.member_id()).cloned().ok_or_else(|| {
                CommunityError::Unexpected(anyhow::anyhow!("message author missing"))
            })?;
            let reply = row.reply_to().and_then(|id| replies.get(&id).cloned());
            let mut message = row.into_message(author);
            message.reply = reply;
            Ok(message)
        })
        .collect()
}

/// The messages `ids` name, as replies quote them (with their authors).
async fn answered<R: Row>(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, ReplyTo>, CommunityError> {
    let originals: Vec<R> = originals(db, ids).await?;
    let members: Vec<Uuid> = originals.iter().map(Row::member_id).collect();
    let authors = authors::load(db, &members).await?;
    Ok(quotes(&originals, &authors))
}

/// The messages of `R`'s table that `ids` name (none asked, no query).
async fn originals<R: Row>(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> Result<Vec<R>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    R::select(R::Table::find().filter(R::id_column().is_in(ids)))
        .all(db)
        .await
}

/// Each of `originals` as the replies to it quote it, by id.
fn quotes<R: Row>(originals: &[R], authors: &HashMap<Uuid, Author>) -> HashMap<Uuid, ReplyTo> {
    originals
        .iter()
        .map(|o| (o.id(), quoted(o, authors)))
        .collect()
}

/// A message as the replies to it quote it.
fn quoted<R: Row>(original: &R, authors: &HashMap<Uuid, Author>) -> ReplyTo {
    let deleted = original.deleted();
    ReplyTo {
        id: MessageId(original.id()),
        author: MemberId(original.member_id()),
        author_name: authors
            .get(&original.member_id())
            .map(|a| a.name.clone())
            .unwrap_or_default(),
        text: if deleted {
            String::new()
        } else {
            original
                .content()
                .chars()
                .take(ReplyTo::MAX_CHARS)
                .collect()
        },
        deleted,
        file: original.file().is_some(),
    }
}
