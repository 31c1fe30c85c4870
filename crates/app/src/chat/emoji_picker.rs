//! The emoji picker: a search box, a tab per category and its emojis as buttons named for screen
//! readers. The table comes from the server the first time a picker opens.

use leptos::prelude::*;
use shared::emoji::{Emoji, EmojiGroup};

use super::emoji_table;

/// Search results shown at most.
const MAX_FOUND: usize = 120;

#[component]
pub fn EmojiPicker(
    on_pick: Callback<String>,
    /// The opening button's name.
    #[prop(default = "Add emoji")]
    label: &'static str,
    /// What the opening button shows.
    #[prop(default = "☺")]
    face: &'static str,
) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <div class="emoji-picker">
            <button
                type="button"
                class="icon-button"
                aria-label=label
                title=label
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {face}
            </button>
            <Show when=move || open.get()>
                <div
                    class="emoji-grid"
                    role="group"
                    aria-label="Emoji"
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Escape" {
                            open.set(false);
                        }
                    }
                >
                    <EmojiTable on_pick=Callback::new(move |glyph| {
                        on_pick.run(glyph);
                        open.set(false);
                    }) />
                </div>
            </Show>
        </div>
    }
}

/// The search box, the categories' tabs and the chosen one's emojis (or what the search
/// found), once the table is loaded.
#[component]
fn EmojiTable(on_pick: Callback<String>) -> impl IntoView {
    let table = LocalResource::new(emoji_table::load);
    let chosen = RwSignal::new(0_usize);
    let query = RwSignal::new(String::new());
    let search_id = next_search_id();
    view! {
        <Suspense fallback=|| view! { <p class="emoji-status">"Loading emoji…"</p> }>
            {move || {
                let search_id = search_id.clone();
                Suspend::new(async move {
                match table.await {
                    Ok(groups) => {
                        let tabs = groups
                            .iter()
                            .enumerate()
                            .map(|(i, group)| group_tab(group, chosen, i))
                            .collect_view();
                        let emojis = move || {
                            let query = query.get().trim().to_lowercase();
                            if query.is_empty() {
                                let group = groups.get(chosen.get())?;
                                return Some(emoji_buttons(group.emojis.clone(), on_pick).into_any());
                            }
                            let found: Vec<Emoji> = groups
                                .iter()
                                .flat_map(|g| g.emojis.iter())
                                .filter(|e| e.name.contains(&query))
                                .take(MAX_FOUND)
                                .cloned()
                                .collect();
                            Some(if found.is_empty() {
                                view! { <p class="emoji-status" role="status">"No emoji found"</p> }.into_any()
                            } else {
                                emoji_buttons(found, on_pick).into_any()
                            })
                        };
                        let id = search_id.clone();
                        view! {
                            <div class="emoji-search">
                                <label for=id.clone()>"Search emoji"</label>
                                <input
                                    id=id
                                    type="search"
                                    autocomplete="off"
                                    prop:value=move || query.get()
                                    on:input=move |ev| query.set(event_target_value(&ev))
                                />
                            </div>
                            <div class="emoji-tabs">{tabs}</div>
                            <div class="emoji-list">{emojis}</div>
                        }
                            .into_any()
                    }
                    Err(e) => {
                        view! { <p class="form-error emoji-status" role="alert">{e.to_string()}</p> }
                            .into_any()
                    }
                }
                })
            }}
        </Suspense>
    }
}

fn group_tab(group: &EmojiGroup, chosen: RwSignal<usize>, index: usize) -> impl IntoView + use<> {
    let icon = group
        .emojis
        .first()
        .map(|e| e.glyph.clone())
        .unwrap_or_default();
    view! {
        <button
            type="button"
            class="emoji-tab"
            aria-label=group.name.clone()
            title=group.name.clone()
            aria-pressed=move || (chosen.get() == index).to_string()
            on:click=move |_| chosen.set(index)
        >
            {icon}
        </button>
    }
}

fn emoji_buttons(emojis: Vec<Emoji>, on_pick: Callback<String>) -> impl IntoView {
    emojis
        .into_iter()
        .map(|e| {
            let glyph = e.glyph.clone();
            let shown = glyph.clone();
            view! {
                <button
                    type="button"
                    class="emoji"
                    aria-label=e.name.clone()
                    title=e.name.clone()
                    on:click=move |_| on_pick.run(glyph.clone())
                >
                    {shown}
                </button>
            }
        })
        .collect_view()
}

/// A fresh id for a picker's search box (several pickers can be open on one page).
fn next_search_id() -> String {
    thread_local! {
        static NEXT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    }
    let n = NEXT.get();
    NEXT.set(n.wrapping_add(1));
    format!("emoji-search-{n}")
}
