//! Uploads: who stored each file, how big and of what kind, and what it belongs to (a server's
//! icon, a channel message or a direct message), which is what decides who may download it.
//! Files already attached when this runs are recorded from the rows that point at them.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_accounts::Profile;
use crate::m20261125_000002_communities::Server;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Upload {
    Table,
    Key,
    OwnerId,
    SizeBytes,
    Kind,
    CreatedAt,
    /// `icon`, `message` or `direct_message`; null while not attached to anything.
    Usage,
    ServerId,
    ConversationId,
    MessageId,
}

/// The kinds ChatterHub stores, by the extension their keys end with.
const KIND_OF_URL: &str = "CASE \
    WHEN {url} LIKE '%.png' THEN 'png' WHEN {url} LIKE '%.jpg' THEN 'jpg' \
    WHEN {url} LIKE '%.gif' THEN 'gif' WHEN {url} LIKE '%.webp' THEN 'webp' \
    ELSE 'pdf' END";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Upload::Table)
                    .col(string_len(Upload::Key, 64).primary_key())
                    .col(uuid(Upload::OwnerId))
                    .col(big_integer(Upload::SizeBytes))
                    .col(string_len(Upload::Kind, 8))
                    .col(timestamp_with_time_zone(Upload::CreatedAt))
                    .col(string_len_null(Upload::Usage, 16))
                    .col(uuid_null(Upload::ServerId))
                    .col(uuid_null(Upload::ConversationId))
                    .col(uuid_null(Upload::MessageId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_upload_owner")
                            .from(Upload::Table, Upload::OwnerId)
                            .to(Profile::Table, Profile::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_upload_server")
                            .from(Upload::Table, Upload::ServerId)
                            .to(Server::Table, Server::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A person's total (the quota), and the sweep of files never attached.
        manager
            .create_index(
                Index::create()
                    .name("idx_upload_owner")
                    .table(Upload::Table)
                    .col(Upload::OwnerId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_upload_server")
                    .table(Upload::Table)
                    .col(Upload::ServerId)
                    .to_owned(),
            )
            .await?;
        backfill(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Upload::Table).to_owned())
            .await
    }
}

/// Records the files existing rows already point at (their size is not known: 0).
async fn backfill(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let kind = |url: &str| KIND_OF_URL.replace("{url}", url);
    let statements = [
        format!(
            "INSERT INTO upload (\"key\", owner_id, size_bytes, kind, created_at, \"usage\", server_id, \
             conversation_id, message_id) \
             SELECT SUBSTR(s.image_url, 8), s.owner_id, 0, {}, s.created_at, 'icon', s.id, \
             NULL, NULL FROM server s WHERE s.image_url LIKE '/files/%'",
            kind("s.image_url")
        ),
        format!(
            "INSERT INTO upload (\"key\", owner_id, size_bytes, kind, created_at, \"usage\", server_id, \
             conversation_id, message_id) \
             SELECT SUBSTR(m.file_url, 8), mb.profile_id, 0, {}, m.created_at, 'message', \
             c.server_id, NULL, m.id FROM message m \
             JOIN member mb ON mb.id = m.member_id JOIN channel c ON c.id = m.channel_id \
             WHERE m.file_url LIKE '/files/%'",
            kind("m.file_url")
        ),
        format!(
            "INSERT INTO upload (\"key\", owner_id, size_bytes, kind, created_at, \"usage\", server_id, \
             conversation_id, message_id) \
             SELECT SUBSTR(d.file_url, 8), mb.profile_id, 0, {}, d.created_at, 'direct_message', \
             mb.server_id, d.conversation_id, d.id FROM direct_message d \
             JOIN member mb ON mb.id = d.member_id WHERE d.file_url LIKE '/files/%'",
            kind("d.file_url")
        ),
    ];
    let db = manager.get_connection();
    for sql in statements {
        db.execute_unprepared(&sql).await?;
    }
    Ok(())
}
