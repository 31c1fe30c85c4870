//! Messages in channels and direct conversations: their server functions (the views that show
//! them are under `chat`).

pub mod api;
