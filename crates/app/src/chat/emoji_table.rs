//! The emoji picker's table: built on the server from the Unicode list, fetched by the browser
//! the first time a picker opens and kept for the rest of the visit.

use std::sync::Arc;

use leptos::prelude::*;
use shared::AppError;
use shared::emoji::EmojiGroup;

#[cfg(feature = "ssr")]
use crate::auth::session::require_user;

/// Every category, each emoji once (in its default skin tone), in Unicode's order.
#[server(prefix = "/api", endpoint = "emoji_table")]
pub async fn emoji_table() -> Result<Vec<EmojiGroup>, AppError> {
    require_user().await?;
    Ok(table::all().to_vec())
}

/// The table, from the server on the first call of the visit.
pub async fn load() -> Result<Arc<[EmojiGroup]>, AppError> {
    thread_local! {
        static LOADED: std::cell::RefCell<Option<Arc<[EmojiGroup]>>> = const { std::cell::RefCell::new(None) };
    }
    if let Some(table) = LOADED.with_borrow(Clone::clone) {
        return Ok(table);
    }
    let table: Arc<[EmojiGroup]> = emoji_table().await?.into();
    LOADED.set(Some(table.clone()));
    Ok(table)
}

#[cfg(feature = "ssr")]
mod table {
    use std::sync::OnceLock;

    use emojis::{Group, SkinTone};
    use shared::emoji::{Emoji, EmojiGroup};

    pub fn all() -> &'static [EmojiGroup] {
        static TABLE: OnceLock<Vec<EmojiGroup>> = OnceLock::new();
        TABLE.get_or_init(|| {
            Group::iter()
                .map(|group| EmojiGroup {
                    name: name(group).to_owned(),
                    emojis: group
                        .emojis()
                        .filter(|e| e.skin_tone().is_none_or(|t| t == SkinTone::Default))
                        .map(|e| Emoji {
                            glyph: e.as_str().to_owned(),
                            name: e.name().to_owned(),
                        })
                        .collect(),
                })
                .collect()
        })
    }

    fn name(group: Group) -> &'static str {
        match group {
            Group::SmileysAndEmotion => "Smileys & Emotion",
            Group::PeopleAndBody => "People & Body",
            Group::AnimalsAndNature => "Animals & Nature",
            Group::FoodAndDrink => "Food & Drink",
            Group::TravelAndPlaces => "Travel & Places",
            Group::Activities => "Activities",
            Group::Objects => "Objects",
            Group::Symbols => "Symbols",
            Group::Flags => "Flags",
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn every_category_without_skin_tone_copies() {
            let table = all();
            assert_eq!(table.len(), 9);
            assert_eq!(table[0].name, "Smileys & Emotion");
            assert_eq!(table[0].emojis[0].glyph, "😀");
            assert_eq!(table[0].emojis[0].name, "grinning face");
            let waves: Vec<_> = table
                .iter()
                .flat_map(|g| &g.emojis)
                .filter(|e| e.name == "waving hand")
                .collect();
            assert_eq!(waves.len(), 1, "one waving hand, not one per skin tone");
            assert!(table.iter().all(|g| !g.emojis.is_empty()));
        }
    }
}
