//! On narrow screens (below 768 px) the server rail and the sidebar slide in as a sheet over the
//! page; the toggle sits in the page header and any navigation closes the sheet.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[derive(Clone, Copy)]
pub struct NavSheet(RwSignal<bool>);

impl NavSheet {
    /// Closed, and closing again whenever the route changes.
    pub fn provide() -> Self {
        let sheet = Self(RwSignal::new(false));
        let location = use_location();
        Effect::new(move |_| {
            location.pathname.track();
            sheet.0.set(false);
        });
        provide_context(sheet);
        sheet
    }

    pub fn is_open(self) -> bool {
        self.0.get()
    }

    pub fn close(self) {
        self.0.set(false);
    }
}

/// The header button that opens the sheet (shown on narrow screens only).
#[component]
pub fn NavToggle() -> impl IntoView {
    let sheet = expect_context::<NavSheet>();
    view! {
        <button
            type="button"
            class="icon-button nav-toggle"
            aria-label="Open navigation"
            aria-expanded=move || sheet.is_open().to_string()
            on:click=move |_| sheet.0.set(true)
        >
            "☰"
        </button>
    }
}

/// While the sheet is open, the rest of the screen is dimmed; a tap there closes it.
#[component]
pub fn NavBackdrop() -> impl IntoView {
    let sheet = expect_context::<NavSheet>();
    view! {
        <Show when=move || sheet.is_open()>
            <button type="button" class="nav-backdrop" aria-label="Close navigation" on:click=move |_| sheet.close()></button>
        </Show>
    }
}
