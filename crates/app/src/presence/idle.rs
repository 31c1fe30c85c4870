//! This tab's use: after `IDLE_AFTER_SECONDS` without a key, click, touch, scroll or pointer
//! move it tells the server its person is idle, and online again at the next one. A new socket
//! starts online, so the state is said again whenever the feed comes back live.

use leptos::prelude::*;
use shared::live::ClientCommand;
use shared::presence::IDLE_AFTER_SECONDS;

use crate::chat::connection::ConnectionState;
use crate::chat::store::Chat;

/// How often the tab looks at how long it has been unused.
const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(15);

pub fn watch(chat: Chat) {
    let last_input = StoredValue::new(js_sys::Date::now());
    // What the server was last told: idle or not.
    let said_idle = StoredValue::new(false);
    let tell = move |idle: bool| {
        if chat.command(ClientCommand::Presence { idle }) {
            said_idle.set_value(idle);
        }
    };
    let used = move || {
        last_input.set_value(js_sys::Date::now());
        if said_idle.get_value() {
            tell(false);
        }
    };
    let handles = [
        window_event_listener(leptos::ev::keydown, move |_| used()),
        window_event_listener(leptos::ev::pointerdown, move |_| used()),
        window_event_listener(leptos::ev::pointermove, move |_| used()),
        window_event_listener(leptos::ev::wheel, move |_| used()),
        window_event_listener(leptos::ev::focus, move |_| used()),
    ];
    let timer = set_interval_with_handle(
        move || {
            let unused_ms = js_sys::Date::now() - last_input.get_value();
            let idle = unused_ms >= f64::from(IDLE_AFTER_SECONDS) * 1000.0;
            if idle != said_idle.get_value() {
                tell(idle);
            }
        },
        CHECK_EVERY,
    );
    // A new socket starts online: an idle tab says so again.
    Effect::new(move |_| {
        if chat.state() == ConnectionState::Live && said_idle.get_value() {
            tell(true);
        }
    });
    on_cleanup(move || {
        for h in handles {
            h.remove();
        }
        if let Ok(t) = timer {
            t.clear();
        }
    });
}
