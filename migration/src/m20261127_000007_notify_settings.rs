//! What each person wants to hear about: per server and per channel, muted or not and the
//! notification level (`all`, `mentions`, `nothing`; a channel's may be empty: the server's).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_accounts::Profile;
use crate::m20261125_000002_communities::{Channel, Server};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum ServerNotify {
    Table,
    ProfileId,
    ServerId,
    Muted,
    Level,
}

#[derive(DeriveIden)]
pub enum ChannelNotify {
    Table,
    ProfileId,
    ChannelId,
    Muted,
    Level,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ServerNotify::Table)
                    .col(uuid(ServerNotify::ProfileId))
                    .col(uuid(ServerNotify::ServerId))
                    .col(boolean(ServerNotify::Muted))
                    .col(string_len(ServerNotify::Level, 16))
                    .primary_key(
                        Index::create()
                            .col(ServerNotify::ProfileId)
                            .col(ServerNotify::ServerId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_server_notify_profile")
                            .from(ServerNotify::Table, ServerNotify::ProfileId)
                            .to(Profile::Table, Profile::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_server_notify_server")
                            .from(ServerNotify::Table, ServerNotify::ServerId)
                            .to(Server::Table, Server::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChannelNotify::Table)
                    .col(uuid(ChannelNotify::ProfileId))
                    .col(uuid(ChannelNotify::ChannelId))
                    .col(boolean(ChannelNotify::Muted))
                    .col(string_len_null(ChannelNotify::Level, 16))
                    .primary_key(
                        Index::create()
                            .col(ChannelNotify::ProfileId)
                            .col(ChannelNotify::ChannelId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_channel_notify_profile")
                            .from(ChannelNotify::Table, ChannelNotify::ProfileId)
                            .to(Profile::Table, Profile::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_channel_notify_channel")
                            .from(ChannelNotify::Table, ChannelNotify::ChannelId)
                            .to(Channel::Table, Channel::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ServerNotify::Table.into_iden(),
            ChannelNotify::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
