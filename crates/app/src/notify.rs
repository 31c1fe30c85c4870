//! Notifications in the browser: the person's mute and level settings (loaded from the server,
//! and again whenever they change on any device), and opt-in desktop notifications — the
//! Notification API, asked for from a toggle and never on page load — for the messages the
//! settings choose (mentions by default) and direct messages, while the tab is hidden. Clicking
//! one opens the thread at that message.

pub mod api;
mod desktop_toggle;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::ids::ProfileId;
use shared::live::{ServerEvent, Thread};
use shared::notify::NotifySettings;

pub use desktop_toggle::DesktopNotificationsToggle;

use crate::shell::Me;

/// Where this browser remembers that desktop notifications were turned on.
const DESKTOP_KEY: &str = "chatterhub-desktop-notifications";

#[derive(Clone, Copy)]
pub struct Notifications {
    settings: RwSignal<NotifySettings>,
    /// Bumped when the settings change on any device.
    changed: RwSignal<u64>,
    /// Desktop notifications are on in this browser.
    desktop: RwSignal<bool>,
    me: RwSignal<Option<ProfileId>>,
    /// The page a clicked notification opens.
    open: RwSignal<Option<String>>,
}

impl Notifications {
    /// Provided by the signed-in frame, inside the router (a click on a notification navigates).
    pub fn provide() -> Self {
        let notifications = Self {
            settings: RwSignal::new(NotifySettings::default()),
            changed: RwSignal::new(0),
            desktop: RwSignal::new(false),
            me: RwSignal::new(None),
            open: RwSignal::new(None),
        };
        provide_context(notifications);
        let navigate = use_navigate();
        Effect::new(move |_| {
            if let Some(path) = notifications.open.get() {
                navigate(&path, Default::default());
            }
        });
        let me = Me::get();
        // In the browser only (effects): who this is, the settings, the remembered choice.
        Effect::new(move |_| {
            leptos::task::spawn_local(async move {
                let id = me.user().await.map(|u| u.id);
                let _ = notifications.me.try_set(id);
            });
            notifications.desktop.set(desktop::remembered());
        });
        Effect::new(move |_| {
            notifications.changed.track();
            leptos::task::spawn_local(async move {
                if let Ok(settings) = api::load_notify_settings().await {
                    let _ = notifications.settings.try_set(settings);
                }
            });
        });
        notifications
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// Who is signed in, once known (not reactive).
    pub fn me(self) -> Option<ProfileId> {
        self.me.get_untracked()
    }

    /// The settings (reactive).
    pub fn settings(self) -> NotifySettings {
        self.settings.get()
    }

    /// Reads the settings without tracking them.
    pub fn with_settings<T>(self, f: impl FnOnce(&NotifySettings) -> T) -> T {
        self.settings.with(f)
    }

    /// Whether desktop notifications are on here (reactive).
    pub fn desktop(self) -> bool {
        self.desktop.get()
    }

    /// Turns desktop notifications on (asking the browser first) or off; whether they are on.
    pub async fn set_desktop(self, on: bool) -> bool {
        let on = on && desktop::ask().await;
        desktop::remember(on);
        self.desktop.set(on);
        on
    }

    /// The settings changed on some device: load them again.
    pub fn changed(self) {
        self.changed.update(|n| *n += 1);
    }

    /// A setting changed here: shown at once (the server's answer follows).
    pub fn update(self, f: impl FnOnce(&mut NotifySettings)) {
        self.settings.update(f);
    }

    /// A new message somewhere: a desktop notification if it is one the person wants, the
    /// desktop ones are on and the tab is hidden.
    pub fn consider(self, event: &ServerEvent) {
        let Some(me) = self.me.get_untracked() else {
            return;
        };
        if !self.desktop.get_untracked() || !desktop::may_show() {
            return;
        }
        let (thread, message_id) = match event {
            ServerEvent::ChannelActivity {
                server_id,
                channel_id,
                message_id,
                author,
                mentioned,
                everyone,
                ..
            } => {
                let mentions_me = *everyone || mentioned.contains(&me);
                let wanted = self
                    .settings
                    .with_untracked(|s| s.notifies(*server_id, *channel_id, mentions_me));
                if *author == me || !wanted {
                    return;
                }
                (Thread::Channel(*channel_id), *message_id)
            }
            ServerEvent::DirectActivity {
                conversation_id,
                message_id,
                author,
                ..
            } if *author != me => (Thread::Conversation(*conversation_id), *message_id),
            _ => return,
        };
        leptos::task::spawn_local(async move {
            let (channel_id, conversation_id) = thread.parts();
            if let Ok(text) = api::load_notification(channel_id, conversation_id, message_id).await
            {
                desktop::show(&text, move |path| {
                    let _ = self.open.try_set(Some(path.to_owned()));
                });
            }
        });
    }
}

/// The browser's Notification API.
mod desktop {
    use shared::messages::NotificationText;

    use crate::ui::storage;

    /// Whether desktop notifications were turned on in this browser.
    pub fn remembered() -> bool {
        storage()
            .and_then(|s| s.get_item(super::DESKTOP_KEY).ok().flatten())
            .is_some_and(|v| v == "on")
    }

    pub fn remember(on: bool) {
        if let Some(s) = storage() {
            let _ = s.set_item(super::DESKTOP_KEY, if on { "on" } else { "off" });
        }
    }

    /// Permission is granted and the tab is hidden.
    pub fn may_show() -> bool {
        #[cfg(feature = "browser")]
        {
            let granted =
                web_sys::Notification::permission() == web_sys::NotificationPermission::Granted;
            granted && leptos::prelude::document().hidden()
        }
        #[cfg(not(feature = "browser"))]
        {
            false
        }
    }

    /// Asks the browser for permission; whether it was granted.
    pub async fn ask() -> bool {
        #[cfg(feature = "browser")]
        {
            let Ok(promise) = web_sys::Notification::request_permission() else {
                return false;
            };
            let answer = wasm_bindgen_futures::JsFuture::from(promise).await;
            answer.ok().and_then(|v| v.as_string()).as_deref() == Some("granted")
        }
        #[cfg(not(feature = "browser"))]
        {
            false
        }
    }

    /// Shows `text`; a click brings the tab forward and opens its path there.
    pub fn show(text: &NotificationText, open: impl Fn(&str) + 'static) {
        #[cfg(feature = "browser")]
        {
            use wasm_bindgen::JsCast;
            let options = web_sys::NotificationOptions::new();
            options.set_body(&text.body);
            options.set_tag(&text.path);
            let Ok(notification) = web_sys::Notification::new_with_options(&text.title, &options)
            else {
                return;
            };
            let path = text.path.clone();
            let on_click = wasm_bindgen::closure::Closure::once_into_js(move || {
                if let Some(window) = web_sys::window() {
                    let _ = window.focus();
                }
                open(&path);
            });
            notification.set_onclick(Some(on_click.unchecked_ref()));
        }
        #[cfg(not(feature = "browser"))]
        {
            let _ = (text, open);
        }
    }
}
