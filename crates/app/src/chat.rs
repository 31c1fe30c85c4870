//! Client-side chat state (the chat UI is built on these).

pub mod cache;
#[cfg(test)]
mod cache_tests;
