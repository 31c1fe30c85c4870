//! Replies: a message may answer another message of the same thread (`reply_to`, its id). Both
//! message tables get the column so the two keep one shape. No foreign key: messages are never
//! removed (a deleted one keeps its row), and the reply shows whatever the original became.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000003_messages::{DirectMessage, Message};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Reply {
    ReplyTo,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [Message::Table.into_iden(), DirectMessage::Table.into_iden()] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(uuid_null(Reply::ReplyTo))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [Message::Table.into_iden(), DirectMessage::Table.into_iden()] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(Reply::ReplyTo)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
