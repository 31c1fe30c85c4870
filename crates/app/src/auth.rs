//! Signing up, in and out, and knowing who is signed in.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod session;
