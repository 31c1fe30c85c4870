//! The client-only build for Trunk: renders the app in the browser with no SSR.

#![recursion_limit = "256"]

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
