//! Channel messages, conversations and direct messages.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000002_communities::{Channel, Member};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Message {
    Table,
    Id,
    Content,
    FileUrl,
    Deleted,
    EditedAt,
    MemberId,
    ChannelId,
    Seq,
    Nonce,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum Conversation {
    Table,
    Id,
    MemberOneId,
    MemberTwoId,
    LastSeq,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum DirectMessage {
    Table,
    Id,
    Content,
    FileUrl,
    Deleted,
    EditedAt,
    MemberId,
    ConversationId,
    Seq,
    Nonce,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Message::Table)
                    .col(uuid(Message::Id).primary_key())
                    .col(text(Message::Content))
                    .col(text_null(Message::FileUrl))
                    .col(boolean(Message::Deleted).default(false))
                    .col(timestamp_with_time_zone_null(Message::EditedAt))
                    .col(uuid(Message::MemberId))
                    .col(uuid(Message::ChannelId))
                    .col(big_integer(Message::Seq))
                    .col(uuid(Message::Nonce))
                    .col(timestamp_with_time_zone(Message::CreatedAt))
                    .col(timestamp_with_time_zone(Message::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_message_member")
                            .from(Message::Table, Message::MemberId)
                            .to(Member::Table, Member::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_message_channel")
                            .from(Message::Table, Message::ChannelId)
                            .to(Channel::Table, Channel::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // History newest-first by keyset on the time-ordered id.
        index(
            manager,
            "idx_message_channel_id",
            Message::Table,
            [Message::ChannelId, Message::Id],
            false,
        )
        .await?;
        // Changes since a sequence number.
        index(
            manager,
            "idx_message_channel_seq",
            Message::Table,
            [Message::ChannelId, Message::Seq],
            false,
        )
        .await?;
        // A retried send (same author, same nonce) finds the first message.
        index(
            manager,
            "uq_message_member_nonce",
            Message::Table,
            [Message::MemberId, Message::Nonce],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Conversation::Table)
                    .col(uuid(Conversation::Id).primary_key())
                    .col(uuid(Conversation::MemberOneId))
                    .col(uuid(Conversation::MemberTwoId))
                    .col(big_integer(Conversation::LastSeq).default(0))
                    .col(timestamp_with_time_zone(Conversation::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_conversation_member_one")
                            .from(Conversation::Table, Conversation::MemberOneId)
                            .to(Member::Table, Member::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_conversation_member_two")
                            .from(Conversation::Table, Conversation::MemberTwoId)
                            .to(Member::Table, Member::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "uq_conversation_pair",
            Conversation::Table,
            [Conversation::MemberOneId, Conversation::MemberTwoId],
            true,
        )
        .await?;
        index(
            manager,
            "idx_conversation_member_two",
            Conversation::Table,
            [Conversation::MemberTwoId],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(DirectMessage::Table)
                    .col(uuid(DirectMessage::Id).primary_key())
                    .col(text(DirectMessage::Content))
                    .col(text_null(DirectMessage::FileUrl))
                    .col(boolean(DirectMessage::Deleted).default(false))
                    .col(timestamp_with_time_zone_null(DirectMessage::EditedAt))
                    .col(uuid(DirectMessage::MemberId))
                    .col(uuid(DirectMessage::ConversationId))
                    .col(big_integer(DirectMessage::Seq))
                    .col(uuid(DirectMessage::Nonce))
                    .col(timestamp_with_time_zone(DirectMessage::CreatedAt))
                    .col(timestamp_with_time_zone(DirectMessage::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_direct_message_member")
                            .from(DirectMessage::Table, DirectMessage::MemberId)
                            .to(Member::Table, Member::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_direct_message_conversation")
                            .from(DirectMessage::Table, DirectMessage::ConversationId)
                            .to(Conversation::Table, Conversation::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_direct_message_conversation_id",
            DirectMessage::Table,
            [DirectMessage::ConversationId, DirectMessage::Id],
            false,
        )
        .await?;
        index(
            manager,
            "idx_direct_message_conversation_seq",
            DirectMessage::Table,
            [DirectMessage::ConversationId, DirectMessage::Seq],
            false,
        )
        .await?;
        index(
            manager,
            "uq_direct_message_member_nonce",
            DirectMessage::Table,
            [DirectMessage::MemberId, DirectMessage::Nonce],
            true,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DirectMessage::Table.into_iden(),
            Conversation::Table.into_iden(),
            Message::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// An index over `cols` in order (newest-first scans read an ascending index backwards).
async fn index<T: IntoIden, C: IntoIden, const N: usize>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    cols: [C; N],
    unique: bool,
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(col);
    }
    if unique {
        stmt.unique();
    }
    manager.create_index(stmt.to_owned()).await
}
