//! Servers, their members with roles, and their channels.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_accounts::Profile;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Server {
    Table,
    Id,
    Name,
    ImageUrl,
    InviteCode,
    OwnerId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum Member {
    Table,
    Id,
    Role,
    ProfileId,
    ServerId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum Channel {
    Table,
    Id,
    Name,
    Kind,
    CreatorId,
    ServerId,
    LastSeq,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Server::Table)
                    .col(uuid(Server::Id).primary_key())
                    .col(string_len(Server::Name, 100))
                    .col(text_null(Server::ImageUrl))
                    .col(string_len(Server::InviteCode, 64).unique_key())
                    .col(uuid(Server::OwnerId))
                    .col(timestamp_with_time_zone(Server::CreatedAt))
                    .col(timestamp_with_time_zone(Server::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_server_owner")
                            .from(Server::Table, Server::OwnerId)
                            .to(Profile::Table, Profile::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_server_owner")
                    .table(Server::Table)
                    .col(Server::OwnerId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Member::Table)
                    .col(uuid(Member::Id).primary_key())
                    .col(string_len(Member::Role, 16).default("GUEST"))
                    .col(uuid(Member::ProfileId))
                    .col(uuid(Member::ServerId))
                    .col(timestamp_with_time_zone(Member::CreatedAt))
                    .col(timestamp_with_time_zone(Member::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_member_profile")
                            .from(Member::Table, Member::ProfileId)
                            .to(Profile::Table, Profile::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_member_server")
                            .from(Member::Table, Member::ServerId)
                            .to(Server::Table, Server::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Unique membership; also serves "my servers" lookups by profile.
        manager
            .create_index(
                Index::create()
                    .name("uq_member_profile_server")
                    .table(Member::Table)
                    .col(Member::ProfileId)
                    .col(Member::ServerId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_member_server")
                    .table(Member::Table)
                    .col(Member::ServerId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Channel::Table)
                    .col(uuid(Channel::Id).primary_key())
                    .col(string_len(Channel::Name, 100))
                    .col(string_len(Channel::Kind, 16).default("TEXT"))
                    .col(uuid_null(Channel::CreatorId))
                    .col(uuid(Channel::ServerId))
                    .col(big_integer(Channel::LastSeq).default(0))
                    .col(timestamp_with_time_zone(Channel::CreatedAt))
                    .col(timestamp_with_time_zone(Channel::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_channel_creator")
                            .from(Channel::Table, Channel::CreatorId)
                            .to(Profile::Table, Profile::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_channel_server")
                            .from(Channel::Table, Channel::ServerId)
                            .to(Server::Table, Server::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Channel names are unique within a server (this is what keeps a second `general` out).
        manager
            .create_index(
                Index::create()
                    .name("uq_channel_server_name")
                    .table(Channel::Table)
                    .col(Channel::ServerId)
                    .col(Channel::Name)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Channel::Table.into_iden(),
            Member::Table.into_iden(),
            Server::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
