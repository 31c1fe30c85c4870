//! `unread` over a real SQLite database: ids come back whole whatever their bytes (zeros
//! included, which the lists carry as they are), each channel is compared with its own read
//! point, only current memberships count, and everything comes in id order.

use chrono::Utc;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement, Value};
use shared::ids::{ChannelId, ConversationId, ProfileId, ServerId};
use shared::unread::{ChannelUnread, ConversationUnread, ServerUnread, UNREAD_CAP, Unread};
use uuid::Uuid;

use super::unread_on;
use crate::read_state::latest::LatestCopy;

async fn database() -> DatabaseConnection {
    // One connection: an in-memory database lives and dies with it.
    let mut options = ConnectOptions::new("sqlite::memory:");
    options.max_connections(1);
    let db = Database::connect(options).await.unwrap();
    crate::db::migrate(&db).await.unwrap();
    db
}

async fn run(db: &DatabaseConnection, sql: &str, values: Vec<Value>) {
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        values,
    ))
    .await
    .unwrap();
}

/// Ids made of small numbers: mostly zero bytes.
fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

const READER: u128 = 0xa1;
const OWNER: u128 = 0xa2;

async fn member(db: &DatabaseConnection, member: u128, profile: u128, server: u128, left: bool) {
    let left = left.then(Utc::now);
    run(
        db,
        "INSERT INTO member (id, profile_id, server_id, created_at, updated_at, left_at)
         VALUES (?, ?, ?, ?, ?, ?)",
        vec![
            id(member).into(),
            id(profile).into(),
            id(server).into(),
            Utc::now().into(),
            Utc::now().into(),
            left.into(),
        ],
    )
    .await;
}

/// A channel of `server` whose latest message is `latest`, read by the reader up to `read`
/// with `mentions` counted (no read row when `None`).
async fn channel(
    db: &DatabaseConnection,
    channel: u128,
    server: u128,
    latest: i64,
    read: Option<(i64, i64)>,
) {
    run(
        db,
        "INSERT INTO channel (id, name, server_id, last_seq, last_message_seq, created_at,
                              updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        vec![
            id(channel).into(),
            format!("c{channel:x}").into(),
            id(server).into(),
            latest.into(),
            latest.into(),
            Utc::now().into(),
            Utc::now().into(),
        ],
    )
    .await;
    if let Some((seq, mentions)) = read {
        run(
            db,
            "INSERT INTO channel_read (profile_id, channel_id, last_read_seq, mentions,
                                       updated_at)
             VALUES (?, ?, ?, ?, ?)",
            vec![
                id(READER).into(),
                id(channel).into(),
                seq.into(),
                mentions.into(),
                Utc::now().into(),
            ],
        )
        .await;
    }
}

#[tokio::test]
async fn ids_come_back_whole_and_each_channel_meets_its_own_read_point() {
    let db = database().await;
    for (profile, name) in [(READER, "reader"), (OWNER, "owner")] {
        run(
            &db,
            "INSERT INTO profile (id, name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            vec![
                id(profile).into(),
                name.into(),
                format!("{name}@example.com").into(),
                Utc::now().into(),
                Utc::now().into(),
            ],
        )
        .await;
    }
    // The nil id, one whose only other byte is the first, and one the reader has left.
    let (first, second, left) = (0, 1 << 120, 2);
    for server in [first, second, left] {
        run(
            &db,
            "INSERT INTO server (id, name, invite_code, owner_id, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?)",
            vec![
                id(server).into(),
                "s".into(),
                format!("{server:x}").into(),
                id(OWNER).into(),
                Utc::now().into(),
                Utc::now().into(),
            ],
        )
        .await;
        member(&db, server + 0x100, READER, server, server == left).await;
        member(&db, server + 0x200, OWNER, server, false).await;
    }
    channel(&db, 0x10, first, 5, Some((5, 0))).await; // read to the end
    channel(&db, 0x11 << 64, first, 3, None).await; // never opened
    channel(&db, 0x12, first, 9, Some((4, 2))).await; // halfway, two mentions since
    channel(&db, 0x13, first, 0, None).await; // nothing written yet
    channel(&db, 0x20 << 120 | 0x20, second, 1, Some((0, 150))).await; // mentions past the cap
    channel(&db, 0x30, left, 7, Some((1, 3))).await; // in a server the reader left

    // A conversation in the first server: two messages by the owner, one by the reader, one
    // of the owner's deleted, the reader's point before all of them.
    let conversation = 0x40 << 64;
    run(
        &db,
        "INSERT INTO conversation (id, member_one_id, member_two_id, last_seq, last_message_seq,
                                   created_at)
         VALUES (?, ?, ?, 4, 4, ?)",
        vec![
            id(conversation).into(),
            id(first + 0x100).into(),
            id(first + 0x200).into(),
            Utc::now().into(),
        ],
    )
    .await;
    for (seq, by, deleted) in [
        (1, OWNER, false),
        (2, READER, false),
        (3, OWNER, true),
        (4, OWNER, false),
    ] {
        let by = if by == OWNER {
            first + 0x200
        } else {
            first + 0x100
        };
        run(
            &db,
            "INSERT INTO direct_message (id, content, deleted, member_id, conversation_id, seq,
                                         created_seq, nonce, created_at, updated_at)
             VALUES (?, 'hi', ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                Uuid::now_v7().into(),
                deleted.into(),
                id(by).into(),
                id(conversation).into(),
                seq.into(),
                seq.into(),
                Uuid::new_v4().into(),
                Utc::now().into(),
                Utc::now().into(),
            ],
        )
        .await;
    }

    let unread = unread_on(&db, &LatestCopy::default(), ProfileId(id(READER)))
        .await
        .unwrap();
    let listed = |n: u128, mentions: u32| ChannelUnread {
        id: ChannelId(id(n)),
        mentions,
    };
    assert_eq!(
        unread,
        Unread {
            servers: vec![
                ServerUnread {
                    server_id: ServerId(id(first)),
                    channels: vec![listed(0x12, 2), listed(0x11 << 64, 0)],
                },
                ServerUnread {
                    server_id: ServerId(id(second)),
                    channels: vec![listed(0x20 << 120 | 0x20, UNREAD_CAP)],
                },
            ],
            conversations: vec![ConversationUnread {
                id: ConversationId(id(conversation)),
                server_id: ServerId(id(first)),
                unread: 2,
            }],
        }
    );

    // The owner has no read rows at all: every channel written to is unread, and the
    // reader's one message in the conversation.
    let owner = unread_on(&db, &LatestCopy::default(), ProfileId(id(OWNER)))
        .await
        .unwrap();
    let listed: usize = owner.servers.iter().map(|s| s.channels.len()).sum();
    assert_eq!(listed, 5, "{owner:?}");
    assert_eq!(owner.conversations[..].len(), 1);
    assert_eq!(owner.conversations[0].unread, 1);
}
