//! Client-side chat state, pure and natively tested: the message cache and the connection state
//! machine (the chat UI and the browser socket adapter are built on these).

pub mod cache;
#[cfg(test)]
mod cache_tests;
pub mod connection;
