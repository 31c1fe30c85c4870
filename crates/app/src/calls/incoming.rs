//! The banner of a direct call ringing for this person, on whatever page they have open:
//! accept (opens the conversation and joins), decline, and a ringtone they can mute.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::live::ClientCommand;

use crate::chat::store::{Chat, IncomingCall};
use crate::communities::conversation_path;
use crate::ui::Avatar;

#[component]
pub fn IncomingCallBanner() -> impl IntoView {
    let chat = Chat::get();
    // Muting lasts for the visit, across calls.
    let muted = RwSignal::new(false);
    move || {
        chat.ringing
            .get()
            .map(|call| view! { <Ringing call muted /> })
    }
}

#[component]
fn Ringing(call: IncomingCall, muted: RwSignal<bool>) -> impl IntoView {
    let chat = Chat::get();
    let navigate = use_navigate();
    let room = call.room;
    let path = conversation_path(call.server_id, call.caller_member);
    #[cfg(feature = "browser")]
    Effect::new(move |_| {
        if !muted.get() {
            let ringtone = super::ringtone::Ringtone::start();
            on_cleanup(move || drop(ringtone));
        }
    });
    let accept = move |_| {
        chat.accepted.set(Some(room));
        chat.ringing.set(None);
        navigate(&path, Default::default());
    };
    let decline = move |_| {
        chat.command(ClientCommand::DeclineCall { room });
        chat.ringing.set(None);
    };
    let text = format!("{} is calling you", call.caller.name);
    view! {
        <div class="incoming-call" role="alertdialog" aria-label="Incoming call" aria-describedby="incoming-call-text">
            <Avatar name=call.caller.name.clone() image_url=call.caller.image_url.clone() />
            <p id="incoming-call-text">{text}</p>
            <button type="button" class="primary" on:click=accept>"Accept"</button>
            <button type="button" class="danger" on:click=decline>"Decline"</button>
            <button
                type="button"
                aria-pressed=move || muted.get().to_string()
                on:click=move |_| muted.update(|m| *m = !*m)
            >
                {move || if muted.get() { "Unmute ringtone" } else { "Mute ringtone" }}
            </button>
        </div>
    }
}
