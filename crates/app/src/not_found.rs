//! The page for any address that leads nowhere.

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <main class="centered-page">
            <section class="card">
                <h1>"Page not found"</h1>
                <p>"There is nothing here, or you don't have access to it."</p>
                <A href="/">"Back to ChatterHub"</A>
            </section>
        </main>
    }
}
