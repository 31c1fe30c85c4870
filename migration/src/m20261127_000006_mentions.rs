//! Mentions: each member a channel message mentions is a row of `message_mention`, with the
//! message's channel and creation sequence number, so a member's mention count in a channel is a
//! range of their own rows; `mentions_everyone` marks the messages that mention the whole server
//! (counted for every member through a partial index). Both message
//! tables get the column so the two keep one shape; a direct message never mentions everyone.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000002_communities::Member;
use crate::m20261125_000003_messages::{DirectMessage, Message};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Everyone {
    MentionsEveryone,
}

#[derive(DeriveIden)]
pub enum MessageMention {
    Table,
    MessageId,
    MemberId,
    ChannelId,
    CreatedSeq,
}

/// The mention rows' table, named `table` (`m20261128_000001` rebuilds it under another name).
pub(crate) fn mention_table(table: impl IntoIden) -> TableCreateStatement {
    let table = table.into_iden();
    Table::create()
        .table(table.clone())
        .col(uuid(MessageMention::MessageId))
        .col(uuid(MessageMention::MemberId))
        .col(uuid(MessageMention::ChannelId))
        .col(big_integer(MessageMention::CreatedSeq))
        .primary_key(
            Index::create()
                .col(MessageMention::MessageId)
                .col(MessageMention::MemberId),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_message_mention_message")
                .from(table.clone(), MessageMention::MessageId)
                .to(Message::Table, Message::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_message_mention_member")
                .from(table, MessageMention::MemberId)
                .to(Member::Table, Member::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

/// A member's mentions in a channel since a point: one range.
pub(crate) fn mention_index() -> IndexCreateStatement {
    Index::create()
        .name("idx_message_mention_member")
        .table(MessageMention::Table)
        .col(MessageMention::MemberId)
        .col(MessageMention::ChannelId)
        .col(MessageMention::CreatedSeq)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [Message::Table.into_iden(), DirectMessage::Table.into_iden()] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(boolean(Everyone::MentionsEveryone).default(false))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX idx_message_everyone ON message (channel_id, created_seq) \
                 WHERE mentions_everyone = TRUE",
            )
            .await?;
        manager
            .create_table(mention_table(MessageMention::Table))
            .await?;
        manager.create_index(mention_index()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MessageMention::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_message_everyone")
                    .table(Message::Table)
                    .to_owned(),
            )
            .await?;
        for table in [Message::Table.into_iden(), DirectMessage::Table.into_iden()] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(Everyone::MentionsEveryone)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
