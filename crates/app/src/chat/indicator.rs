//! The header's connection indicator: "Live: Real-time updates" or "Polling every 1s".

use leptos::prelude::*;

use super::store::Chat;

#[component]
pub fn LiveIndicator() -> impl IntoView {
    let chat = Chat::get();
    let polling = move || chat.state().polling();
    view! {
        <span class="live-indicator" class:polling=polling role="status" data-testid="connection">
            <span class="live-dot" aria-hidden="true"></span>
            {move || chat.state().label()}
        </span>
    }
}
