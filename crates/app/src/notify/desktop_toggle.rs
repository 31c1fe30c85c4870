//! The "Desktop notifications" switch beside the person's name: turning it on asks the browser
//! for permission (only then, never on page load); refused, it says how to allow them.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Notifications;

#[component]
pub fn DesktopNotificationsToggle() -> impl IntoView {
    let notifications = Notifications::get();
    let refused = RwSignal::new(false);
    let on_change = move |ev| {
        let wanted = event_target_checked(&ev);
        spawn_local(async move {
            let on = notifications.set_desktop(wanted).await;
            refused.set(wanted && !on);
        });
    };
    view! {
        <div class="desktop-toggle">
            <input
                type="checkbox"
                id="desktop-notifications"
                prop:checked=move || notifications.desktop()
                on:change=on_change
            />
            <label for="desktop-notifications">"Desktop notifications"</label>
        </div>
        <Show when=move || refused.get()>
            <p class="form-error" role="alert">
                "This browser blocks notifications from ChatterHub: allow them in its site settings."
            </p>
        </Show>
    }
}
