//! The line under a thread's messages saying who is typing there, kept current each second
//! (a person shows for a few seconds after their last word).

use leptos::prelude::*;
use shared::live::Thread;

use super::store::Chat;
use super::typing::{now_ms, words};
use crate::communities::CurrentServer;

#[component]
pub fn TypingLine(thread: Thread) -> impl IntoView {
    let typing = Chat::get().typing();
    let current = CurrentServer::get();
    let clock = RwSignal::new(now_ms());
    Effect::new(move |_| {
        let tick = move || clock.set(now_ms());
        if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_secs(1)) {
            on_cleanup(move || handle.clear());
        }
    });
    let line = move || {
        let names: Vec<String> = typing
            .current(thread, clock.get())
            .into_iter()
            .map(|p| {
                current
                    .profile_name(p)
                    .unwrap_or_else(|| "Someone".to_owned())
            })
            .collect();
        words(&names)
    };
    view! { <p class="typing-line" aria-live="polite">{line}</p> }
}
