//! State the write path keeps so that unread marks are cheap to read: each channel's and
//! conversation's latest message still standing (`last_message_seq`: the sequence number it was
//! created with, 0 for none), and each person's count of unread mentions in each channel
//! (`channel_read.mentions`). Existing data gets both: the latest standing message of each
//! thread, a read row for everyone mentioned (by name, or as a member of a server where everyone
//! was), and their counts. A database made while `m20261127_000006` created the mention rows
//! without their channel and creation sequence number (it changed after it first shipped) gets
//! them, rows kept. Two covering indexes let a person's unread marks be read from
//! indexes alone: their servers' channels with their latest messages, and their read rows.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000002_communities::Channel;
use crate::m20261125_000003_messages::Conversation;
use crate::m20261127_000005_read_state::ChannelRead;
use crate::m20261127_000006_mentions::{MessageMention, mention_index, mention_table};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Latest {
    LastMessageSeq,
}

#[derive(DeriveIden)]
enum Counted {
    Mentions,
}

/// Each thread's latest message still standing.
const LATEST: [&str; 2] = [
    "UPDATE channel SET last_message_seq = COALESCE((
        SELECT m.created_seq FROM message m
        WHERE m.channel_id = channel.id AND m.deleted = FALSE
        ORDER BY m.created_seq DESC LIMIT 1), 0)",
    "UPDATE conversation SET last_message_seq = COALESCE((
        SELECT m.created_seq FROM direct_message m
        WHERE m.conversation_id = conversation.id AND m.deleted = FALSE
        ORDER BY m.created_seq DESC LIMIT 1), 0)",
];

/// A read row (nothing read) for each person mentioned by name, and each current member of a
/// server where everyone was mentioned, in that channel, where they have none yet.
const ROWS: [&str; 2] = [
    "INSERT INTO channel_read (profile_id, channel_id, last_read_seq, updated_at)
     SELECT DISTINCT me.profile_id, x.channel_id, 0, me.created_at
     FROM message_mention x JOIN member me ON me.id = x.member_id
     ON CONFLICT (profile_id, channel_id) DO NOTHING",
    "INSERT INTO channel_read (profile_id, channel_id, last_read_seq, updated_at)
     SELECT DISTINCT me.profile_id, m.channel_id, 0, me.created_at
     FROM message m
     JOIN channel c ON c.id = m.channel_id
     JOIN member me ON me.server_id = c.server_id AND me.left_at IS NULL
     WHERE m.mentions_everyone = TRUE
     ON CONFLICT (profile_id, channel_id) DO NOTHING",
];

/// Every read row's count: messages by others after the point read, not deleted, that mention
/// the person by name or mention everyone.
const COUNTS: &str = "UPDATE channel_read SET mentions = (
        SELECT COUNT(*) FROM member me
        JOIN channel c ON c.server_id = me.server_id
        JOIN message_mention x ON x.member_id = me.id AND x.channel_id = c.id
        JOIN message m ON m.id = x.message_id
        WHERE me.profile_id = channel_read.profile_id AND c.id = channel_read.channel_id
          AND x.created_seq > channel_read.last_read_seq
          AND m.mentions_everyone = FALSE AND m.deleted = FALSE AND m.member_id <> me.id
    ) + (
        SELECT COUNT(*) FROM member me
        JOIN channel c ON c.server_id = me.server_id
        JOIN message m ON m.channel_id = c.id
        WHERE me.profile_id = channel_read.profile_id AND c.id = channel_read.channel_id
          AND m.mentions_everyone = TRUE AND m.created_seq > channel_read.last_read_seq
          AND m.deleted = FALSE AND m.member_id <> me.id
    )";

/// Mention rows of the first shape (message and member only) rebuilt in the present one, each
/// taking its message's channel and creation sequence number; nothing when they have it.
async fn mention_rows_in_full(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    if manager.has_column("message_mention", "channel_id").await? {
        return Ok(());
    }
    let next = Alias::new("message_mention_next");
    manager.create_table(mention_table(next.clone())).await?;
    manager
        .get_connection()
        .execute_unprepared(
            "INSERT INTO message_mention_next (message_id, member_id, channel_id, created_seq)
             SELECT x.message_id, x.member_id, m.channel_id, m.created_seq
             FROM message_mention x JOIN message m ON m.id = x.message_id",
        )
        .await?;
    manager
        .drop_table(Table::drop().table(MessageMention::Table).to_owned())
        .await?;
    manager
        .rename_table(
            Table::rename()
                .table(next, MessageMention::Table)
                .to_owned(),
        )
        .await?;
    manager.create_index(mention_index()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        mention_rows_in_full(manager).await?;
        for table in [Channel::Table.into_iden(), Conversation::Table.into_iden()] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(big_integer(Latest::LastMessageSeq).default(0))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(ChannelRead::Table)
                    .add_column(big_integer(Counted::Mentions).default(0))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in LATEST.into_iter().chain(ROWS).chain([COUNTS]) {
            db.execute_unprepared(sql).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_channel_latest")
                    .table(Channel::Table)
                    .col(Channel::ServerId)
                    .col(Channel::Id)
                    .col(Latest::LastMessageSeq)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_channel_read_counts")
                    .table(ChannelRead::Table)
                    .col(ChannelRead::ProfileId)
                    .col(ChannelRead::ChannelId)
                    .col(ChannelRead::LastReadSeq)
                    .col(Counted::Mentions)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (index, table) in [
            ("idx_channel_latest", Channel::Table.into_iden()),
            ("idx_channel_read_counts", ChannelRead::Table.into_iden()),
        ] {
            manager
                .drop_index(Index::drop().name(index).table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(ChannelRead::Table)
                    .drop_column(Counted::Mentions)
                    .to_owned(),
            )
            .await?;
        for table in [Channel::Table.into_iden(), Conversation::Table.into_iden()] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(Latest::LastMessageSeq)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
