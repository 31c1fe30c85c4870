//! A modal dialog. Without `on_close` it cannot be dismissed (first-run server creation).

use leptos::prelude::*;

#[component]
pub fn Modal(
    #[prop(into)] title: String,
    #[prop(optional, into)] subtitle: Option<String>,
    #[prop(into)] on_close: Option<Callback<()>>,
    children: Children,
) -> impl IntoView {
    let close_on_escape = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape"
            && let Some(close) = on_close
        {
            close.run(());
        }
    };
    let label = title.clone();
    view! {
        <div class="modal-backdrop" on:keydown=close_on_escape>
            <div class="modal" role="dialog" aria-modal="true" aria-label=label>
                <header class="modal-header">
                    <h2>{title}</h2>
                    {subtitle.map(|s| view! { <p class="subtitle">{s}</p> })}
                    {on_close
                        .map(|close| {
                            view! {
                                <button
                                    type="button"
                                    class="icon-button modal-close"
                                    aria-label="Close"
                                    on:click=move |_| close.run(())
                                >
                                    "✕"
                                </button>
                            }
                        })}
                </header>
                {children()}
            </div>
        </div>
    }
}
