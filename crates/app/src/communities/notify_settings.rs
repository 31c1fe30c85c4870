//! "Notification Settings" for a server (from its menu) and for one channel (the bell in its
//! header): mute, and which messages notify. Each change is saved at once.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::community::ServerDetails;
use shared::ids::ChannelId;
use shared::notify::{ChannelNotify, NotifyLevel, ServerNotify};

use super::state::OpenDialog;
use crate::notify::Notifications;
use crate::notify::api::{set_channel_notify, set_server_notify};
use crate::ui::Modal;

#[component]
pub fn ServerNotifyModal(details: ServerDetails) -> impl IntoView {
    let notifications = Notifications::get();
    let server_id = details.server.id;
    let current = Memo::new(move |_| notifications.settings().server(server_id));
    let error = RwSignal::new(None::<String>);
    let save = move |notify: ServerNotify| {
        notifications.update(|s| {
            s.servers.retain(|(id, _)| *id != server_id);
            s.servers.push((server_id, notify));
        });
        spawn_local(async move {
            let saved = set_server_notify(server_id, notify.muted, notify.level).await;
            error.set(saved.err().map(|e| e.to_string()));
        });
    };
    let name = details.server.name.clone();
    view! {
        <Modal title="Notification settings" subtitle=name.clone() on_close=OpenDialog::get().closer()>
            <Choice
                id="mute-server"
                kind="checkbox"
                label=format!("Mute {name}")
                checked=Signal::derive(move || current.get().muted)
                on_change=Callback::new(move |muted| save(ServerNotify { muted, ..current.get_untracked() }))
            />
            <p class="hint">"Muted, its channels show no unread marks; mentions still count."</p>
            <fieldset class="choice-group">
                <legend>"Notify me about"</legend>
                {NotifyLevel::ALL
                    .into_iter()
                    .map(|level| {
                        view! {
                            <Choice
                                id=format!("server-level-{}", level.code())
                                kind="radio"
                                group="server-level"
                                label=level.label()
                                checked=Signal::derive(move || current.get().level == level)
                                on_change=Callback::new(move |_| save(ServerNotify { level, ..current.get_untracked() }))
                            />
                        }
                    })
                    .collect_view()}
            </fieldset>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </Modal>
    }
}

#[component]
pub fn ChannelNotifyModal(details: ServerDetails, channel_id: ChannelId) -> impl IntoView {
    let notifications = Notifications::get();
    let server_id = details.server.id;
    let current = Memo::new(move |_| notifications.settings().channel(channel_id));
    let server_level = Memo::new(move |_| notifications.settings().server(server_id).level);
    let error = RwSignal::new(None::<String>);
    let save = move |notify: ChannelNotify| {
        notifications.update(|s| {
            s.channels.retain(|(id, _)| *id != channel_id);
            s.channels.push((channel_id, notify));
        });
        spawn_local(async move {
            let saved = set_channel_notify(channel_id, notify.muted, notify.level).await;
            error.set(saved.err().map(|e| e.to_string()));
        });
    };
    let name = details
        .channels
        .iter()
        .find(|c| c.id == channel_id)
        .map(|c| format!("#{}", c.name))
        .unwrap_or_default();
    let choices: Vec<Option<NotifyLevel>> = std::iter::once(None)
        .chain(NotifyLevel::ALL.into_iter().map(Some))
        .collect();
    view! {
        <Modal title="Notification settings" subtitle=name.clone() on_close=OpenDialog::get().closer()>
            <Choice
                id="mute-channel"
                kind="checkbox"
                label=format!("Mute {name}")
                checked=Signal::derive(move || current.get().muted)
                on_change=Callback::new(move |muted| save(ChannelNotify { muted, ..current.get_untracked() }))
            />
            <fieldset class="choice-group">
                <legend>"Notify me about"</legend>
                {choices
                    .into_iter()
                    .map(|level| {
                        let label = Signal::derive(move || match level {
                            Some(level) => level.label().to_owned(),
                            None => format!("As the server ({})", server_level.get().label()),
                        });
                        view! {
                            <Choice
                                id=format!("channel-level-{}", level.map_or("server", NotifyLevel::code))
                                kind="radio"
                                group="channel-level"
                                label
                                checked=Signal::derive(move || current.get().level == level)
                                on_change=Callback::new(move |_| save(ChannelNotify { level, ..current.get_untracked() }))
                            />
                        }
                    })
                    .collect_view()}
            </fieldset>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </Modal>
    }
}

/// A checkbox, or a radio button of `group`, with its label, in a row.
#[component]
fn Choice(
    #[prop(into)] id: String,
    /// `checkbox` or `radio`.
    kind: &'static str,
    #[prop(optional)] group: Option<&'static str>,
    #[prop(into)] label: Signal<String>,
    checked: Signal<bool>,
    /// Called with the new state when the person changes it.
    on_change: Callback<bool>,
) -> impl IntoView {
    view! {
        <div class="check-row">
            <input
                type=kind
                name=group
                id=id.clone()
                prop:checked=move || checked.get()
                on:change=move |ev| on_change.run(event_target_checked(&ev))
            />
            <label for=id>{move || label.get()}</label>
        </div>
    }
}
