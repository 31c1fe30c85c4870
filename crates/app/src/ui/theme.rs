//! Dark, light or the system's choice, remembered in this browser. An inline script in the
//! document head applies the remembered choice before the first paint (no flash); this picker
//! changes it.

use leptos::prelude::*;

const KEY: &str = "chatterhub-theme";

/// Runs before the page paints: reads the remembered theme and sets `data-theme` on `<html>`.
pub const APPLY_SCRIPT: &str = "(function(){try{var t=localStorage.getItem('chatterhub-theme')||'dark';if(t==='system'){t=matchMedia('(prefers-color-scheme: light)').matches?'light':'dark';}document.documentElement.dataset.theme=t;}catch(e){}})();";

#[component]
pub fn ThemePicker() -> impl IntoView {
    let choice = RwSignal::new(String::from("dark"));
    // The remembered choice is only known in the browser.
    Effect::new(move |_| {
        if let Some(saved) = storage().and_then(|s| s.get_item(KEY).ok().flatten()) {
            choice.set(saved);
        }
    });
    let on_change = move |ev| {
        let value = event_target_value(&ev);
        if let Some(s) = storage() {
            let _ = s.set_item(KEY, &value);
        }
        apply(&value);
        choice.set(value);
    };
    view! {
        <div class="theme-picker">
            <label for="theme">"Theme"</label>
            <select id="theme" on:change=on_change prop:value=move || choice.get()>
                <option value="dark">"Dark"</option>
                <option value="light">"Light"</option>
                <option value="system">"System"</option>
            </select>
        </div>
    }
}

/// This browser's local storage (none during a server render).
pub fn storage() -> Option<web_sys::Storage> {
    window_opt()?.local_storage().ok().flatten()
}

fn window_opt() -> Option<web_sys::Window> {
    #[cfg(feature = "browser")]
    {
        web_sys::window()
    }
    #[cfg(not(feature = "browser"))]
    {
        None
    }
}

/// Sets `data-theme` on `<html>`, resolving "system" through the media query.
fn apply(choice: &str) {
    let Some(window) = window_opt() else {
        return;
    };
    let theme = match choice {
        "light" => "light",
        "system" => {
            let light = window
                .match_media("(prefers-color-scheme: light)")
                .ok()
                .flatten()
                .is_some_and(|m| m.matches());
            if light { "light" } else { "dark" }
        }
        _ => "dark",
    };
    if let Some(root) = window.document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", theme);
    }
}
