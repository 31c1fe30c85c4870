//! A small emoji picker: the smileys and people groups as buttons named for screen readers.

use leptos::prelude::*;

#[component]
pub fn EmojiPicker(on_pick: Callback<&'static str>) -> impl IntoView {
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
                    {[emojis::Group::SmileysAndEmotion, emojis::Group::PeopleAndBody]
                        .into_iter()
                        .flat_map(|group| group.emojis())
                        .filter(|e| e.skin_tone().is_none_or(|t| t == emojis::SkinTone::Default))
                        .map(|e| {
                            let glyph = e.as_str();
                            view! {
                                <button
                                    type="button"
                                    class="emoji"
                                    aria-label=e.name()
                                    title=e.name()
                                    on:click=move |_| {
                                        on_pick.run(glyph);
                                        open.set(false);
                                    }
                                >
                                    {glyph}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            </Show>
        </div>
    }
}
