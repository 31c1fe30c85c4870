//! The client-only build for Trunk: renders the app in the browser with no SSR.

#![recursion_limit = "256"]

fn main() {
    app::crash::install_panic_hook();
    leptos::mount::mount_to_body(app::App);
}
