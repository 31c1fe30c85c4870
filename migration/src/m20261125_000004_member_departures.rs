//! Members who leave or are kicked keep their row (marked with `left_at`), so their messages
//! stay in the history and catch-up by sequence never meets a message that silently vanished.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000002_communities::Member;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MemberDeparture {
    LeftAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Member::Table)
                    .add_column(timestamp_with_time_zone_null(MemberDeparture::LeftAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Member::Table)
                    .drop_column(MemberDeparture::LeftAt)
                    .to_owned(),
            )
            .await
    }
}
