//! A message in a conversation; the same shape and rules as a channel message.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "direct_message")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    pub file_url: Option<String>,
    pub deleted: bool,
    pub edited_at: Option<DateTimeUtc>,
    pub member_id: Uuid,
    pub conversation_id: Uuid,
    pub seq: i64,
    /// The sequence number it was created with (unread messages are those created after what
    /// a person has read; `seq` moves on with each edit or deletion).
    pub created_seq: i64,
    pub nonce: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// A line about a call, written by the server: `missed` or `ended` (with `call_seconds`).
    pub call: Option<String>,
    pub call_seconds: Option<i64>,
    /// Mentions every member of the server (`@everyone`; never in a direct message).
    pub mentions_everyone: bool,
    /// The message of the same thread this one answers.
    pub reply_to: Option<Uuid>,
    /// When it was pinned to its thread; `None` when it is not pinned.
    pub pinned_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::member::Entity",
        from = "Column::MemberId",
        to = "super::member::Column::Id",
        on_delete = "Cascade"
    )]
    Member,
    #[sea_orm(
        belongs_to = "super::conversation::Entity",
        from = "Column::ConversationId",
        to = "super::conversation::Column::Id",
        on_delete = "Cascade"
    )]
    Conversation,
}

impl Related<super::conversation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Conversation.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
