//! Message search: the messages a person may read now (channels of the servers they are in,
//! their own direct conversations), not deleted, that hold every word searched for and match
//! every filter, newest first, a page at a time. The database keeps
//! the word index in step with every write (migration `m20261128_000006_search`); each source
//! (channel messages, direct messages) is read newest first from where the last page left it,
//! and the two are merged by time.

mod cursor;
mod sql;

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{channel, conversation, direct_message, member, message, profile, server};
use futures_util::future::try_join;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter,
    Statement, TransactionTrait,
};
use shared::ids::{ChannelId, ConversationId, MemberId, ProfileId, ServerId};
use shared::markup::{parse, plain};
use shared::mentions::Mentions;
use shared::messages::Message;
use shared::search::{HitPlace, PAGE_SIZE, SearchHit, SearchPage, SearchQuery, excerpt};
use uuid::Uuid;

use crate::Domain;
use crate::communities::CommunityError;
use crate::limits::Rule;
use crate::messages::authors;
use crate::messages::rows::with_authors;
use cursor::{Cursor, Key, Position};
use sql::{Days, Source};

/// The furthest a calendar may be from UTC, in minutes.
const MAX_UTC_OFFSET_MINUTES: i32 = 14 * 60;

/// Up to a page and one of `source`'s hits after `position`, newest first.
async fn hits(
    db: &DatabaseConnection,
    source: Source,
    me: ProfileId,
    query: &SearchQuery,
    days: Days,
    position: Position,
) -> Result<Vec<Key>, CommunityError> {
    if position == Position::Done {
        return Ok(Vec::new());
    }
    let limit = PAGE_SIZE as u64 + 1;
    let backend = db.get_database_backend();
    let statement = sql::hits(backend, source, me, query, days, position, limit);
    let rows = if backend == DatabaseBackend::Postgres {
        let transaction = db.begin().await?;
        transaction
            .query_one_raw(Statement::from_string(backend, sql::POSTGRES_PLANNER))
            .await?;
        let rows = transaction.query_all_raw(statement).await?;
        transaction.commit().await?;
        rows
    } else {
        db.query_all_raw(statement).await?
    };
    let mut keys = Vec::new();
    for row in rows {
        keys.push(Key {
            id: row.try_get("", "id")?,
            at: row.try_get("", "at")?,
        });
    }
    Ok(keys)
}

/// A page of what `me` finds with `text` (`utc_offset_minutes`: where their calendar's days
/// begin, for `before:` and `after:`), after `cursor` (from the previous page) if given.
pub async fn search(
    domain: &Domain,
    me: ProfileId,
    text: &str,
    utc_offset_minutes: i32,
    cursor: Option<&str>,
) -> Result<SearchPage, CommunityError> {
    domain.limits.check(Rule::Search, me)?;
    search_on(&domain.db, me, text, utc_offset_minutes, cursor).await
}

/// `search` without its rate limit (the benchmark times the query alone).
pub async fn search_on(
    db: &DatabaseConnection,
    me: ProfileId,
    text: &str,
    utc_offset_minutes: i32,
    cursor: Option<&str>,
) -> Result<SearchPage, CommunityError> {
    let query = SearchQuery::parse(text).map_err(CommunityError::Invalid)?;
    let days = days(&query, utc_offset_minutes)?;
    let mut cursor = match cursor {
        Some(text) => Cursor::decode(text)?,
        None => Cursor::START,
    };
    if query.channel.is_some() {
        // `in:` names channels: no direct message is in one.
        cursor.conversations = Position::Done;
    }
    // The two sources are read at once, each on a connection of its own.
    let (channel_rows, direct_rows) = try_join(
        hits(db, Source::Channels, me, &query, days, cursor.channels),
        hits(
            db,
            Source::Conversations,
            me,
            &query,
            days,
            cursor.conversations,
        ),
    )
    .await?;
    let (channel_messages, direct_messages) = try_join(
        message::Entity::find()
            .filter(message::Column::Id.is_in(channel_rows.iter().map(|k| k.id)))
            .all(db),
        direct_message::Entity::find()
            .filter(direct_message::Column::Id.is_in(direct_rows.iter().map(|k| k.id)))
            .all(db),
    )
    .await?;
    let channel_messages = by_id(channel_messages, |m| (m.id, m.created_at));
    let direct_messages = by_id(direct_messages, |m| (m.id, m.created_at));

    // Newest first across both sources; each source's position moves past what is taken.
    let mut channels = Pending::new(channel_rows, cursor.channels, &channel_messages);
    let mut directs = Pending::new(direct_rows, cursor.conversations, &direct_messages);
    let mut order = Vec::new();
    while order.len() < PAGE_SIZE {
        let take_channel = match (channels.head(), directs.head()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(c), Some(d)) => c >= d,
        };
        let taken = if take_channel {
            channels.take().map(Found::Channel)
        } else {
            directs.take().map(Found::Direct)
        };
        order.extend(taken);
    }
    let next = Cursor {
        channels: channels.position(),
        conversations: directs.position(),
    };

    let taken_channel: Vec<message::Model> = order
        .iter()
        .filter_map(|f| match f {
            Found::Channel(id) => channel_messages.get(id).map(|(m, _)| m.clone()),
            Found::Direct(_) => None,
        })
        .collect();
    let taken_direct: Vec<direct_message::Model> = order
        .iter()
        .filter_map(|f| match f {
            Found::Direct(id) => direct_messages.get(id).map(|(m, _)| m.clone()),
            Found::Channel(_) => None,
        })
        .collect();
    let mut places = channel_places(db, &taken_channel).await?;
    places.extend(conversation_places(db, me, &taken_direct).await?);
    let mut messages: HashMap<Uuid, Message> = with_authors(db, taken_channel)
        .await?
        .into_iter()
        .chain(with_authors(db, taken_direct).await?)
        .map(|m| (m.id.0, m))
        .collect();
    let mentioned: Vec<Uuid> = messages
        .values()
        .flat_map(|m| Mentions::of(&m.content).members)
        .map(|m| m.0)
        .collect();
    let names = authors::load(db, &mentioned).await?;
    let name = |m: MemberId| names.get(&m.0).map(|a| a.name.clone());
    let hits = order
        .iter()
        .filter_map(|found| {
            let id = found.id();
            let message = messages.remove(&id)?;
            let read = plain(&parse(&message.content), &name);
            Some(SearchHit {
                place: places.remove(&id)?,
                excerpt: excerpt(&read, &query.words),
                message,
            })
        })
        .collect();
    Ok(SearchPage {
        hits,
        next: (!next.is_done()).then(|| next.encode()),
        words: query.words,
    })
}

/// Where `before:` and `after:` put the bounds on creation time, in a calendar
/// `utc_offset_minutes` ahead of UTC: before a day is before its first moment; after a day is
/// from the next day's first moment.
fn days(query: &SearchQuery, utc_offset_minutes: i32) -> Result<Days, CommunityError> {
    if utc_offset_minutes.abs() > MAX_UTC_OFFSET_MINUTES {
        return Err(CommunityError::Invalid(
            "That time zone does not exist.".into(),
        ));
    }
    let start = |day: NaiveDate| -> DateTime<Utc> {
        day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
            - Duration::minutes(i64::from(utc_offset_minutes))
    };
    Ok(Days {
        before: query.before.map(start),
        from: query.after.and_then(|day| day.succ_opt()).map(start),
    })
}

fn by_id<M>(
    rows: Vec<M>,
    key: impl Fn(&M) -> (Uuid, DateTime<Utc>),
) -> HashMap<Uuid, (M, DateTime<Utc>)> {
    rows.into_iter()
        .map(|m| {
            let (id, at) = key(&m);
            (id, (m, at))
        })
        .collect()
}

/// A hit taken for the page, by source.
enum Found {
    Channel(Uuid),
    Direct(Uuid),
}

impl Found {
    fn id(&self) -> Uuid {
        match self {
            Found::Channel(id) | Found::Direct(id) => *id,
        }
    }
}

/// One source's hits not yet taken, in its own order, with their creation times.
struct Pending {
    rows: VecDeque<(Key, DateTime<Utc>)>,
    /// Whether the source may hold more than it returned.
    more: bool,
    position: Position,
}

impl Pending {
    fn new<M>(
        rows: Vec<Key>,
        position: Position,
        found: &HashMap<Uuid, (M, DateTime<Utc>)>,
    ) -> Pending {
        let more = rows.len() > PAGE_SIZE;
        Pending {
            // A row deleted between the two reads is left out.
            rows: rows
                .into_iter()
                .filter_map(|key| Some((key, found.get(&key.id)?.1)))
                .collect(),
            more,
            position,
        }
    }

    /// The next hit's time and id (newest first).
    fn head(&self) -> Option<(DateTime<Utc>, Uuid)> {
        self.rows.front().map(|(key, at)| (*at, key.id))
    }

    fn take(&mut self) -> Option<Uuid> {
        let (key, _) = self.rows.pop_front()?;
        self.position = Position::After(key);
        Some(key.id)
    }

    /// Where the next page starts in this source.
    fn position(&self) -> Position {
        if self.rows.is_empty() && !self.more {
            Position::Done
        } else {
            self.position
        }
    }
}

/// Each channel message's channel and server.
async fn channel_places(
    db: &impl ConnectionTrait,
    rows: &[message::Model],
) -> Result<HashMap<Uuid, HitPlace>, CommunityError> {
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let channels: HashMap<Uuid, (channel::Model, server::Model)> = channel::Entity::find()
        .filter(channel::Column::Id.is_in(rows.iter().map(|m| m.channel_id)))
        .find_also_related(server::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(c, s)| Some((c.id, (c, s?))))
        .collect();
    Ok(rows
        .iter()
        .filter_map(|m| {
            let (channel, server) = channels.get(&m.channel_id)?;
            Some((
                m.id,
                HitPlace::Channel {
                    server_id: ServerId(server.id),
                    server_name: server.name.clone(),
                    channel_id: ChannelId(channel.id),
                    channel_name: channel.name.clone(),
                },
            ))
        })
        .collect())
}

/// Each direct message's conversation, and who it is with (seen from `me`).
async fn conversation_places(
    db: &impl ConnectionTrait,
    me: ProfileId,
    rows: &[direct_message::Model],
) -> Result<HashMap<Uuid, HitPlace>, CommunityError> {
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let conversations: HashMap<Uuid, conversation::Model> = conversation::Entity::find()
        .filter(conversation::Column::Id.is_in(rows.iter().map(|m| m.conversation_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let people: HashMap<Uuid, (member::Model, profile::Model)> = member::Entity::find()
        .filter(
            member::Column::Id.is_in(
                conversations
                    .values()
                    .flat_map(|c| [c.member_one_id, c.member_two_id]),
            ),
        )
        .find_also_related(profile::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(m, p)| Some((m.id, (m, p?))))
        .collect();
    Ok(rows
        .iter()
        .filter_map(|m| {
            let c = conversations.get(&m.conversation_id)?;
            let (one, two) = (people.get(&c.member_one_id)?, people.get(&c.member_two_id)?);
            let (mine, other) = if one.0.profile_id == me.0 {
                (one, two)
            } else {
                (two, one)
            };
            Some((
                m.id,
                HitPlace::Conversation {
                    server_id: ServerId(mine.0.server_id),
                    conversation_id: ConversationId(c.id),
                    with_member: MemberId(other.0.id),
                    with_name: other.1.name.clone(),
                },
            ))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_begin_in_the_searchers_calendar() {
        let query = SearchQuery::parse("x before:2026-11-10 after:2026-11-01").unwrap();
        let tokyo = days(&query, 9 * 60).unwrap();
        assert_eq!(
            tokyo.before.unwrap().to_rfc3339(),
            "2026-11-09T15:00:00+00:00"
        );
        assert_eq!(
            tokyo.from.unwrap().to_rfc3339(),
            "2026-11-01T15:00:00+00:00"
        );
        let new_york = days(&query, -5 * 60).unwrap();
        assert_eq!(
            new_york.before.unwrap().to_rfc3339(),
            "2026-11-10T05:00:00+00:00"
        );
        assert!(days(&query, 15 * 60).is_err());
    }
}
