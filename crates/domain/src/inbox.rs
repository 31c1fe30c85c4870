//! The Direct Messages inbox: every conversation a person has written or been written to in,
//! across all the servers they are in, newest activity first, each with the other person, the
//! server it belongs to and the first line of its latest message. A handful of queries whatever
//! the number of conversations (at most `INBOX_CAP`).

use std::collections::HashMap;

use entity::{conversation, direct_message, member, server};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};
use shared::ids::{ConversationId, MemberId, ProfileId, ServerId};
use shared::mentions::Mentions;
use shared::messages::{Conversation, InboxEntry, LastMessage};
use uuid::Uuid;

use crate::Domain;
use crate::communities::CommunityError;
use crate::messages::authors;
use crate::messages::preview::preview;
use crate::messages::rows::Row;

/// The most conversations the inbox lists (the most recent).
pub const INBOX_CAP: usize = 100;
/// The most characters of the latest message's first line shown.
const LINE_CHARS: usize = 120;

pub async fn inbox(domain: &Domain, me: ProfileId) -> Result<Vec<InboxEntry>, CommunityError> {
    let db = &domain.db;
    let mine: HashMap<Uuid, server::Model> = member::Entity::find()
        .filter(member::Column::ProfileId.eq(me.0))
        .filter(member::Column::LeftAt.is_null())
        .find_also_related(server::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(m, s)| Some((m.id, s?)))
        .collect();
    if mine.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = mine.keys().copied().collect();
    let conversations = conversation::Entity::find()
        .filter(
            Condition::any()
                .add(conversation::Column::MemberOneId.is_in(ids.clone()))
                .add(conversation::Column::MemberTwoId.is_in(ids)),
        )
        .filter(conversation::Column::LastSeq.gt(0))
        .all(db)
        .await?;
    if conversations.is_empty() {
        return Ok(Vec::new());
    }
    // The latest message of each: the highest sequence number any message was created with.
    let latest: Vec<(Uuid, i64)> = direct_message::Entity::find()
        .select_only()
        .column(direct_message::Column::ConversationId)
        .column_as(direct_message::Column::CreatedSeq.max(), "latest")
        .filter(direct_message::Column::ConversationId.is_in(conversations.iter().map(|c| c.id)))
        .group_by(direct_message::Column::ConversationId)
        .into_tuple()
        .all(db)
        .await?;
    let mut pick = Condition::any();
    for (conversation, seq) in &latest {
        pick = pick.add(
            Condition::all()
                .add(direct_message::Column::ConversationId.eq(*conversation))
                .add(direct_message::Column::CreatedSeq.eq(*seq)),
        );
    }
    let mut last_rows: Vec<direct_message::Model> =
        direct_message::Entity::find().filter(pick).all(db).await?;
    last_rows.sort_by_key(|row| std::cmp::Reverse(row.id));
    last_rows.truncate(INBOX_CAP);

    let by_id: HashMap<Uuid, &conversation::Model> =
        conversations.iter().map(|c| (c.id, c)).collect();
    // The other people, and everyone the lines mention, in one query.
    let mut people: Vec<Uuid> = Vec::new();
    for row in &last_rows {
        let c = by_id[&row.conversation_id];
        people.push(c.member_one_id);
        people.push(c.member_two_id);
        people.extend(Mentions::of(&row.content).members.iter().map(|m| m.0));
    }
    let authors = authors::load(db, &people).await?;
    let name = |m: MemberId| authors.get(&m.0).map(|a| a.name.clone());

    let mut entries = Vec::with_capacity(last_rows.len());
    for row in last_rows {
        let c = by_id[&row.conversation_id];
        let (mine_id, other_id) = if mine.contains_key(&c.member_one_id) {
            (c.member_one_id, c.member_two_id)
        } else {
            (c.member_two_id, c.member_one_id)
        };
        let (Some(server), Some(other)) = (mine.get(&mine_id), authors.get(&other_id)) else {
            continue;
        };
        let line = preview(&row.content, row.deleted, row.call(), name, LINE_CHARS);
        entries.push(InboxEntry {
            conversation: Conversation {
                id: ConversationId(c.id),
                server_id: ServerId(server.id),
                other: other.clone(),
            },
            server_name: server.name.clone(),
            last: LastMessage {
                mine: row.member_id == mine_id,
                line,
                at: row.created_at,
                created_seq: row.created_seq,
            },
        });
    }
    Ok(entries)
}
