//! Client-side chat: the message cache and the connection state machine (pure, natively tested),
//! the chat state shared by the signed-in app, the browser socket, and the chat views.

mod attach;
pub mod cache;
#[cfg(test)]
mod cache_tests;
mod composer;
pub mod connection;
mod draft;
mod emoji_picker;
mod emoji_table;
mod indicator;
pub mod jump;
pub mod layout;
#[cfg(test)]
mod layout_tests;
mod mention_picker;
mod mention_query;
mod message_item;
mod message_text;
mod message_view;
mod outbox;
mod pins;
mod reactions;
pub mod reading;
mod reply;
mod send;
#[cfg(feature = "browser")]
mod socket;
pub mod store;
pub mod thread_api;
pub mod time;
pub mod typing;
mod typing_line;
mod upload;

pub use indicator::LiveIndicator;
pub use message_view::MessageView;
pub use pins::PinsButton;
