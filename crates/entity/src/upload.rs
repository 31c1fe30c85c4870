//! A stored file: its owner, size and kind, and what it belongs to (which decides who may
//! download it). Unattached files are their owner's alone and are swept after a day.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "upload")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub owner_id: Uuid,
    pub size_bytes: i64,
    pub kind: String,
    pub created_at: DateTimeUtc,
    /// `icon`, `message` or `direct_message`; `None` while not attached.
    pub usage: Option<String>,
    pub server_id: Option<Uuid>,
    pub conversation_id: Option<Uuid>,
    pub message_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
