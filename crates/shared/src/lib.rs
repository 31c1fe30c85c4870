//! Types that cross the wire between the browser and the server. No I/O; compiles to WASM.

pub mod account;
pub mod calls;
pub mod community;
pub mod emoji;
pub mod error;
pub mod files;
pub mod ids;
pub mod live;
pub mod markup;
pub mod mentions;
pub mod messages;
pub mod notify;
pub mod permissions;
pub mod presence;
pub mod search;
pub mod unread;

pub use error::AppError;
