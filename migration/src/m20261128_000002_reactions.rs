//! Reactions: one row per person, emoji and message (channel and direct messages alike: message
//! ids are unique across both tables). The primary key makes a second identical reaction
//! impossible and reads a message's reactions in the order given.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000002_communities::Member;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MessageReaction {
    Table,
    MessageId,
    Emoji,
    MemberId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MessageReaction::Table)
                    .col(uuid(MessageReaction::MessageId))
                    .col(string_len(MessageReaction::Emoji, 64))
                    .col(uuid(MessageReaction::MemberId))
                    .col(timestamp_with_time_zone(MessageReaction::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(MessageReaction::MessageId)
                            .col(MessageReaction::Emoji)
                            .col(MessageReaction::MemberId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_message_reaction_member")
                            .from(MessageReaction::Table, MessageReaction::MemberId)
                            .to(Member::Table, Member::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MessageReaction::Table).to_owned())
            .await
    }
}
