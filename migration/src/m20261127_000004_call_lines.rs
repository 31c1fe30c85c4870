//! Lines the server writes into a conversation about its calls ("Missed video call",
//! "Call — 4 min"): a message row whose `call` says which kind, with the length of an answered
//! call. Both message tables get the columns so the two keep one shape.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000003_messages::{DirectMessage, Message};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CallLine {
    Call,
    CallSeconds,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [Message::Table.into_iden(), DirectMessage::Table.into_iden()] {
            // SQLite adds one column per statement.
            manager
                .alter_table(
                    Table::alter()
                        .table(table.clone())
                        .add_column(string_len_null(CallLine::Call, 16))
                        .to_owned(),
                )
                .await?;
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(big_integer_null(CallLine::CallSeconds))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [Message::Table.into_iden(), DirectMessage::Table.into_iden()] {
            for column in [CallLine::Call, CallLine::CallSeconds] {
                manager
                    .alter_table(
                        Table::alter()
                            .table(table.clone())
                            .drop_column(column)
                            .to_owned(),
                    )
                    .await?;
            }
        }
        Ok(())
    }
}
