//! A 1:1 conversation. The pair is stored in canonical order (`member_one_id < member_two_id`) and
//! is unique, so there is one row per unordered pair. `last_seq` is its sequence counter.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub member_one_id: Uuid,
    pub member_two_id: Uuid,
    pub last_seq: i64,
    /// The sequence number the latest message still standing was created with (0: none).
    pub last_message_seq: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::member::Entity",
        from = "Column::MemberOneId",
        to = "super::member::Column::Id",
        on_delete = "Cascade"
    )]
    MemberOne,
    #[sea_orm(
        belongs_to = "super::member::Entity",
        from = "Column::MemberTwoId",
        to = "super::member::Column::Id",
        on_delete = "Cascade"
    )]
    MemberTwo,
    #[sea_orm(has_many = "super::direct_message::Entity")]
    DirectMessage,
}

impl Related<super::direct_message::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::DirectMessage.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
