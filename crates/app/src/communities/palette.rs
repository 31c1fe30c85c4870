//! Ctrl/⌘+K: search the open server's channels and members; the arrows choose among the
//! matches that lead somewhere (a channel, or the conversation with a member), Enter goes there,
//! and an empty search says "No results".

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::community::{ChannelInfo, MemberInfo, ServerDetails};

use super::conversation_page::conversation_path;
use super::members::RoleBadge;
use super::sidebar::ChannelIcon;
use super::state::{Dialog, OpenDialog};
use crate::ui::{Avatar, Modal};

/// Opens the palette on Ctrl+K / ⌘+K while a server is open.
pub fn open_search_on_ctrl_k(dialog: OpenDialog) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("k") {
            ev.prevent_default();
            dialog.open(Dialog::Search);
        }
    });
    on_cleanup(move || handle.remove());
}

/// A search result: a channel opens it; another member opens the conversation with them (the
/// viewer is listed, without a link).
#[derive(Clone)]
enum Hit {
    Channel {
        channel: ChannelInfo,
        href: String,
    },
    Member {
        member: MemberInfo,
        href: Option<String>,
    },
}

impl Hit {
    fn href(&self) -> Option<String> {
        match self {
            Hit::Channel { href, .. } => Some(href.clone()),
            Hit::Member { href, .. } => href.clone(),
        }
    }
}

#[component]
pub fn SearchPalette(details: ServerDetails) -> impl IntoView {
    let dialog = OpenDialog::get();
    let query = RwSignal::new(String::new());
    let hits = Signal::derive(move || {
        let q = query.get().trim().to_lowercase();
        let channels = details
            .channels
            .iter()
            .filter(|c| c.name.contains(&q))
            .map(|c| Hit::Channel {
                channel: c.clone(),
                href: format!("/servers/{}/channels/{}", details.server.id, c.id),
            });
        let members = details
            .members
            .iter()
            .filter(|m| m.name.to_lowercase().contains(&q))
            .map(|m| Hit::Member {
                member: m.clone(),
                href: (m.id != details.me.id).then(|| conversation_path(details.server.id, m.id)),
            });
        channels.chain(members).collect::<Vec<_>>()
    });
    // The chosen one among the hits that lead somewhere; back to the first as the query changes.
    let chosen = RwSignal::new(0usize);
    Effect::new(move |_| {
        query.track();
        chosen.set(0);
    });
    let targets = move || hits.with(|h| h.iter().filter_map(Hit::href).collect::<Vec<_>>());
    let chosen_href = move || targets().get(chosen.get()).cloned();
    let navigate = use_navigate();
    let go = move |href: String| {
        dialog.close();
        navigate(&href, Default::default());
    };
    let on_key = {
        let go = go.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            let count = targets().len();
            match ev.key().as_str() {
                "ArrowDown" if count > 0 => {
                    ev.prevent_default();
                    chosen.update(|c| *c = (*c + 1) % count);
                }
                "ArrowUp" if count > 0 => {
                    ev.prevent_default();
                    chosen.update(|c| *c = (*c + count - 1) % count);
                }
                "Enter" => {
                    ev.prevent_default();
                    if let Some(href) = chosen_href() {
                        go(href);
                    }
                }
                _ => {}
            }
        }
    };
    let option_id = |href: &str| format!("palette-{}", href.rsplit('/').next().unwrap_or(""));
    view! {
        <Modal title="Search" on_close=dialog.closer()>
            <div class="modal-form">
                <label for="palette-query">"Search channels and members"</label>
                <input
                    id="palette-query"
                    type="search"
                    autofocus
                    role="combobox"
                    aria-expanded="true"
                    aria-controls="palette-results"
                    aria-activedescendant=move || chosen_href().map(|h| option_id(&h))
                    bind:value=query
                    on:keydown=on_key
                />
                <Show when=move || hits.with(Vec::is_empty)>
                    <p class="hint" role="status">"No results"</p>
                </Show>
                <ul class="palette-results" id="palette-results" role="listbox" aria-label="Results">
                    {move || {
                        hits.get()
                            .into_iter()
                            .map(|hit| match hit {
                                Hit::Channel { channel, href } => {
                                    let go = go.clone();
                                    let (id, here) = (option_id(&href), href.clone());
                                    let active = Memo::new(move |_| chosen_href().as_deref() == Some(here.as_str()));
                                    view! {
                                        <li role="option" id=id aria-selected=move || active.get().to_string()>
                                            <button type="button" class="palette-hit" class:active=move || active.get() tabindex="-1" on:click=move |_| go(href.clone())>
                                                <ChannelIcon kind=channel.kind />
                                                <span>{channel.name}</span>
                                            </button>
                                        </li>
                                    }
                                    .into_any()
                                }
                                Hit::Member { member: m, href: Some(href) } => {
                                    let go = go.clone();
                                    let (id, here) = (option_id(&href), href.clone());
                                    let active = Memo::new(move |_| chosen_href().as_deref() == Some(here.as_str()));
                                    view! {
                                        <li role="option" id=id aria-selected=move || active.get().to_string()>
                                            <button type="button" class="palette-hit" class:active=move || active.get() tabindex="-1" on:click=move |_| go(href.clone())>
                                                <Avatar name=m.name.clone() image_url=m.image_url />
                                                <span>{m.name}</span>
                                                <RoleBadge role=m.role is_owner=m.is_owner />
                                            </button>
                                        </li>
                                    }
                                    .into_any()
                                }
                                Hit::Member { member: m, href: None } => view! {
                                    <li class="palette-hit static" role="option" aria-disabled="true" aria-selected="false">
                                        <Avatar name=m.name.clone() image_url=m.image_url />
                                        <span>{m.name}</span>
                                        <RoleBadge role=m.role is_owner=m.is_owner />
                                    </li>
                                }
                                .into_any(),
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Modal>
    }
}
