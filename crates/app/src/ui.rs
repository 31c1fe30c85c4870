//! Small building blocks shared by every page: modals, avatars, icons.

mod avatar;
mod modal;

pub use avatar::Avatar;
pub use modal::Modal;
