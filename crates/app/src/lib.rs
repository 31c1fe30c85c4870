//! The ChatterHub user interface: routes, pages and the server functions they call.

// The nested view types of the bigger dialogs are deep; the default limit is too low to lay
// them out in the optimised WASM build.
#![recursion_limit = "256"]

pub mod auth;
pub mod calls;
pub mod chat;
pub mod communities;
pub mod crash;
pub mod files;
pub mod inbox;
pub mod messages;
mod not_found;
pub mod notify;
#[cfg(feature = "ssr")]
pub mod page_policy;
pub mod presence;
mod root;
mod route_param;
pub mod search;
pub mod settings;
mod shell;
mod ui;
pub mod unread;

pub use root::{App, shell};
