//! Copying text for the person (an invite link, a code block).

/// Puts `text` on the clipboard (in the browser; nothing while rendering on the server).
pub fn copy_to_clipboard(text: &str) {
    #[cfg(any(feature = "hydrate", feature = "csr"))]
    {
        let _ = leptos::prelude::window()
            .navigator()
            .clipboard()
            .write_text(text);
    }
    #[cfg(not(any(feature = "hydrate", feature = "csr")))]
    {
        let _ = text;
    }
}
