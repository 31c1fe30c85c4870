//! Inline SVG icons (no icon font or emoji font needed). Decorative: the caller labels them.

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Glyph {
    Hash,
    Speaker,
    Camera,
    Lock,
    Crown,
    Shield,
    Pencil,
    Trash,
    MicOff,
    Chat,
    Unread,
    Bell,
    Pin,
}

impl Glyph {
    fn path(self) -> &'static str {
        match self {
            Glyph::Hash => "M5 9h14M4 15h14M10 3 8 21M16 3l-2 18",
            Glyph::Speaker => "M4 9v6h4l5 4V5L8 9H4zm12-1a5 5 0 0 1 0 8m2-11a9 9 0 0 1 0 14",
            Glyph::Camera => "M3 7h12v10H3zM15 10l6-3v10l-6-3",
            Glyph::Lock => "M6 11h12v9H6zM8 11V8a4 4 0 0 1 8 0v3",
            Glyph::Crown => "M3 18h18L19 7l-4 5-3-7-3 7-4-5z",
            Glyph::Shield => "M12 3 4 6v6c0 5 3.5 8 8 9 4.5-1 8-4 8-9V6z",
            Glyph::Pencil => "M4 20h4L19 9l-4-4L4 16zM14 6l4 4",
            Glyph::Trash => "M5 7h14M10 7V4h4v3M7 7l1 13h8l1-13",
            Glyph::Chat => "M4 5h16v11H10l-6 4z",
            Glyph::Unread => "M6 4h12v16l-6-4-6 4z",
            Glyph::Bell => "M6 16v-5a6 6 0 0 1 12 0v5l2 2H4zM10 21h4",
            Glyph::Pin => "M9 3h6l-1 7 4 4H6l4-4zM12 14v7",
            Glyph::MicOff => {
                "M9 5a3 3 0 0 1 6 0v6a3 3 0 0 1-6 0zM5 11a7 7 0 0 0 14 0M12 18v3M4 4l16 16"
            }
        }
    }
}

#[component]
pub fn Icon(glyph: Glyph, #[prop(default = "icon")] class: &'static str) -> impl IntoView {
    view! {
        <svg
            class=class
            viewBox="0 0 24 24"
            width="16"
            height="16"
            fill="none"
            stroke="currentColor"
            stroke-width="2"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
            focusable="false"
        >
            <path d=glyph.path() />
        </svg>
    }
}
