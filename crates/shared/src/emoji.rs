//! The emoji picker's table. The server sends it when a picker first opens, so the Unicode emoji
//! list (about a third of the WASM's data) is not part of every page's first load.

use serde::{Deserialize, Serialize};

/// One category of the picker, e.g. "Smileys & Emotion".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmojiGroup {
    pub name: String,
    pub emojis: Vec<Emoji>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Emoji {
    /// What is inserted into the message.
    pub glyph: String,
    /// Its Unicode name, e.g. "grinning face": the button's accessible name.
    pub name: String,
}
