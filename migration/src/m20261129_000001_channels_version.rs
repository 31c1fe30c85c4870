//! `server.channels_version`: a number the write path moves, in the same transaction, with
//! every change to the messages of one of the server's channels and every channel deleted. A
//! node keeps each server's channels and their latest messages in memory and reads this one
//! number to know its copy is still exact.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000002_communities::Server;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Version {
    ChannelsVersion,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Server::Table)
                    .add_column(big_integer(Version::ChannelsVersion).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Server::Table)
                    .drop_column(Version::ChannelsVersion)
                    .to_owned(),
            )
            .await
    }
}
