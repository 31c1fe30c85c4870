//! The emoji picker: a tab per category and its emojis as buttons named for screen readers. The
//! table comes from the server the first time a picker opens.

use leptos::prelude::*;
use shared::emoji::EmojiGroup;

use super::emoji_table;

#[component]
pub fn EmojiPicker(on_pick: Callback<String>) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <div class="emoji-picker">
            <button
                type="button"
                class="icon-button"
                aria-label="Add emoji"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                "☺"
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

/// The categories' tabs and the chosen one's emojis, once the table is loaded.
#[component]
fn EmojiTable(on_pick: Callback<String>) -> impl IntoView {
    let table = LocalResource::new(emoji_table::load);
    let chosen = RwSignal::new(0_usize);
    view! {
        <Suspense fallback=|| view! { <p class="emoji-status">"Loading emoji…"</p> }>
            {move || Suspend::new(async move {
                match table.await {
                    Ok(groups) => {
                        let tabs = groups
                            .iter()
                            .enumerate()
                            .map(|(i, group)| group_tab(group, chosen, i))
                            .collect_view();
                        let emojis = move || {
                            groups
                                .get(chosen.get())
                                .map(|group| emoji_buttons(group, on_pick))
                        };
                        view! {
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
            })}
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

fn emoji_buttons(group: &EmojiGroup, on_pick: Callback<String>) -> impl IntoView + use<> {
    group
        .emojis
        .iter()
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
