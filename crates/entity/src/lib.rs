//! SeaORM entities, one module per table. See `migration/` for the schema they map.

pub mod account;
pub mod ban;
pub mod channel;
pub mod channel_notify;
pub mod channel_read;
pub mod conversation;
pub mod conversation_read;
pub mod direct_message;
pub mod member;
pub mod message;
pub mod message_mention;
pub mod message_reaction;
pub mod profile;
pub mod server;
pub mod server_notify;
pub mod session;
pub mod upload;
