//! Servers, members and channels in the UI: the rail, the server sidebar and its dialogs.

pub mod api;
mod channel_form;
mod channel_page;
mod confirm;
mod conversation_page;
mod create_server;
mod edit_server;
mod gone;
mod image_picker;
mod invite;
mod invite_page;
mod member_list;
mod members;
mod menu;
mod notify_settings;
mod palette;
mod rail;
mod server_layout;
mod sidebar;
mod state;

pub use channel_page::ChannelPage;
pub use conversation_page::{ConversationPage, conversation_path};
pub use create_server::CreateServerModal;
pub use invite_page::InvitePage;
pub use members::RoleBadge;
pub use rail::ServerRail;
pub use server_layout::{ServerIndex, ServerLayout};
pub use state::{CurrentServer, Refresh};
