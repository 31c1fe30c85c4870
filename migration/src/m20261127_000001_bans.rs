//! Bans: a person removed from a server who may not come back by any invite until unbanned.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_accounts::Profile;
use crate::m20261125_000002_communities::Server;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Ban {
    Table,
    ServerId,
    ProfileId,
    BannedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Ban::Table)
                    .col(uuid(Ban::ServerId))
                    .col(uuid(Ban::ProfileId))
                    .col(uuid_null(Ban::BannedBy))
                    .col(timestamp_with_time_zone(Ban::CreatedAt))
                    .primary_key(Index::create().col(Ban::ServerId).col(Ban::ProfileId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ban_server")
                            .from(Ban::Table, Ban::ServerId)
                            .to(Server::Table, Server::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ban_profile")
                            .from(Ban::Table, Ban::ProfileId)
                            .to(Profile::Table, Profile::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ban_banned_by")
                            .from(Ban::Table, Ban::BannedBy)
                            .to(Profile::Table, Profile::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Ban::Table).to_owned())
            .await
    }
}
