//! Pins: a message of a channel or a direct conversation may be pinned (`pinned_at`, when).
//! A partial index per table lists a thread's pins, newest pin first, without touching the
//! messages that are not pinned.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000003_messages::{DirectMessage, Message};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Pin {
    PinnedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [Message::Table.into_iden(), DirectMessage::Table.into_iden()] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(timestamp_with_time_zone_null(Pin::PinnedAt))
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE INDEX idx_message_pinned ON message (channel_id, pinned_at) \
             WHERE pinned_at IS NOT NULL",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_direct_message_pinned ON direct_message \
             (conversation_id, pinned_at) WHERE pinned_at IS NOT NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (index, table) in [
            ("idx_message_pinned", Message::Table.into_iden()),
            (
                "idx_direct_message_pinned",
                DirectMessage::Table.into_iden(),
            ),
        ] {
            manager
                .drop_index(Index::drop().name(index).table(table.clone()).to_owned())
                .await?;
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(Pin::PinnedAt)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
