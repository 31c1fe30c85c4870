//! The ChatterHub user interface: routes, pages and the server functions they call.

pub mod auth;
mod not_found;
mod root;
mod shell;

pub use root::{App, shell};
