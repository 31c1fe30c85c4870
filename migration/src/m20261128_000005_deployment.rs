//! The deployment's own id: one row, made once with the database. Every node of a deployment
//! shares its database, so they read the same id; state kept in a Redis that other deployments
//! may share (presence) lives under it, and never mixes with theirs.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::uuid;
use sea_orm_migration::sea_orm::prelude::Uuid;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Deployment {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Deployment::Table)
                    .col(uuid(Deployment::Id).primary_key())
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Deployment::Table)
                    .columns([Deployment::Id])
                    .values_panic([Uuid::new_v4().into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Deployment::Table).to_owned())
            .await
    }
}
