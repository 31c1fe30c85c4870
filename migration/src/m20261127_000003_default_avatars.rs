//! Default avatars are no longer stored: a profile without an uploaded picture shows the one
//! served at `/avatars/{id}.svg`, so its URL travels with messages instead of a whole SVG.

use sea_orm_migration::prelude::*;

use crate::m20261125_000001_accounts::Profile;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let generated = Query::update()
            .table(Profile::Table)
            .value(Profile::ImageUrl, Option::<String>::None)
            .and_where(Expr::col(Profile::ImageUrl).like("data:%"))
            .to_owned();
        manager.exec_stmt(generated).await
    }

    /// Nothing to restore: without this change a profile with no picture shows its initials.
    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
