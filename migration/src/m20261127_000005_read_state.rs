//! What each person has read: per channel and per conversation, the sequence number up to which
//! they have read. Unread messages are those created after it, so every message also keeps the
//! sequence number it was created with (`seq` moves on with each edit or deletion); rows from
//! before this migration take their current one.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_accounts::Profile;
use crate::m20261125_000002_communities::Channel;
use crate::m20261125_000003_messages::{Conversation, DirectMessage, Message};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Columns both message tables have.
#[derive(DeriveIden)]
enum Created {
    CreatedSeq,
    Seq,
}

#[derive(DeriveIden)]
pub enum ChannelRead {
    Table,
    ProfileId,
    ChannelId,
    LastReadSeq,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum ConversationRead {
    Table,
    ProfileId,
    ConversationId,
    LastReadSeq,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, thread, index) in [
            (
                Message::Table.into_iden(),
                Message::ChannelId.into_iden(),
                "idx_message_created_seq",
            ),
            (
                DirectMessage::Table.into_iden(),
                DirectMessage::ConversationId.into_iden(),
                "idx_direct_message_created_seq",
            ),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table.clone())
                        .add_column(big_integer(Created::CreatedSeq).default(0))
                        .to_owned(),
                )
                .await?;
            manager
                .exec_stmt(
                    Query::update()
                        .table(table.clone())
                        .value(Created::CreatedSeq, Expr::col(Created::Seq))
                        .to_owned(),
                )
                .await?;
            manager
                .create_index(
                    Index::create()
                        .name(index)
                        .table(table)
                        .col(thread)
                        .col(Created::CreatedSeq)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ChannelRead::Table)
                    .col(uuid(ChannelRead::ProfileId))
                    .col(uuid(ChannelRead::ChannelId))
                    .col(big_integer(ChannelRead::LastReadSeq))
                    .col(timestamp_with_time_zone(ChannelRead::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(ChannelRead::ProfileId)
                            .col(ChannelRead::ChannelId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_channel_read_profile")
                            .from(ChannelRead::Table, ChannelRead::ProfileId)
                            .to(Profile::Table, Profile::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_channel_read_channel")
                            .from(ChannelRead::Table, ChannelRead::ChannelId)
                            .to(Channel::Table, Channel::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConversationRead::Table)
                    .col(uuid(ConversationRead::ProfileId))
                    .col(uuid(ConversationRead::ConversationId))
                    .col(big_integer(ConversationRead::LastReadSeq))
                    .col(timestamp_with_time_zone(ConversationRead::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(ConversationRead::ProfileId)
                            .col(ConversationRead::ConversationId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_conversation_read_profile")
                            .from(ConversationRead::Table, ConversationRead::ProfileId)
                            .to(Profile::Table, Profile::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_conversation_read_conversation")
                            .from(ConversationRead::Table, ConversationRead::ConversationId)
                            .to(Conversation::Table, Conversation::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ChannelRead::Table.into_iden(),
            ConversationRead::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for (table, index) in [
            (Message::Table.into_iden(), "idx_message_created_seq"),
            (
                DirectMessage::Table.into_iden(),
                "idx_direct_message_created_seq",
            ),
        ] {
            manager
                .drop_index(Index::drop().name(index).table(table.clone()).to_owned())
                .await?;
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(Created::CreatedSeq)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
