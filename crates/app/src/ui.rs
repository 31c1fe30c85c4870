//! Small building blocks shared by every page: modals, avatars, icons.

mod avatar;
mod icon;
mod modal;

pub use avatar::Avatar;
pub use icon::{Glyph, Icon};
pub use modal::Modal;
