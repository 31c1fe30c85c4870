//! Messages in channels and direct conversations: the server functions (the chat UI arrives
//! with the chat-client work).

pub mod api;
