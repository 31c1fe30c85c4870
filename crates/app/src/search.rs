//! Message search: a box in each thread's header, and a panel of results beside the thread
//! (it stays open while a result is opened, so the next one is a click away).

pub mod api;
mod results;

use leptos::prelude::*;

pub use results::SearchPanel;

/// What is being searched for; the panel is open while it holds a query.
#[derive(Debug, Clone, Copy)]
pub struct Search(RwSignal<Option<String>>);

impl Search {
    pub fn provide() -> Self {
        let search = Self(RwSignal::new(None));
        provide_context(search);
        search
    }

    pub fn get() -> Self {
        expect_context()
    }

    fn query(&self) -> Option<String> {
        self.0.get()
    }

    fn close(&self) {
        self.0.set(None);
    }
}

/// The header's search box.
#[component]
pub fn SearchBox() -> impl IntoView {
    let search = Search::get();
    let text = RwSignal::new(String::new());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let query = text.get_untracked().trim().to_owned();
        if !query.is_empty() {
            search.0.set(Some(query));
        }
    };
    view! {
        <form class="search-box" role="search" on:submit=on_submit>
            <label for="message-search">"Search"</label>
            <input
                id="message-search"
                type="search"
                placeholder="from:name in:channel has:file"
                maxlength=shared::search::MAX_QUERY_CHARS.to_string()
                autocomplete="off"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            />
        </form>
    }
}
