//! Hydrates the server-rendered page in the browser.

// The app's nested view types are deep; the default limit is too low to lay them out.
#![recursion_limit = "256"]

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    app::crash::install_panic_hook();
    leptos::mount::hydrate_body(app::App);
    // Lets tests (and anyone curious) tell when the page has become interactive.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "");
    }
}
