//! Calls in voice and video channels: the server functions besides the socket (which carries
//! who joins and the peer-to-peer signalling), the call state the view shows, the browser's
//! media and transport, and the call view.

pub mod api;
mod incoming;
#[cfg(feature = "browser")]
mod level;
#[cfg(feature = "browser")]
mod livekit;
#[cfg(feature = "browser")]
mod media;
#[cfg(feature = "browser")]
mod mesh;
pub mod model;
#[cfg(feature = "browser")]
mod ringtone;
#[cfg(feature = "browser")]
mod session;
mod state;
mod transport;
mod view;

pub use incoming::IncomingCallBanner;
pub use view::CallView;
