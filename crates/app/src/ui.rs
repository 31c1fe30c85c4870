//! Small building blocks shared by every page: modals, avatars, icons, the theme picker.

mod avatar;
mod clipboard;
mod icon;
mod modal;
mod nav_sheet;
mod theme;

pub use avatar::Avatar;
pub use clipboard::copy_to_clipboard;
pub use icon::{Glyph, Icon};
pub use modal::Modal;
pub use nav_sheet::{NavBackdrop, NavSheet, NavToggle};
pub use theme::{APPLY_SCRIPT as APPLY_THEME_SCRIPT, ThemePicker, storage};
