//! The panel of search results: newest first, the words found marked, a page at a time
//! ("Show more"), each leading to the message in its thread. Errors are said in words.

use leptos::prelude::*;
use shared::search::{HitPlace, SearchHit, SearchQuery, highlight};

use super::Search;
use super::api::search_messages;
use crate::chat::jump::go_to_message_at;
use crate::chat::time::{Today, local_date_time, stamp, utc_offset_minutes};

/// Where a page of results is.
#[derive(Debug, Clone, PartialEq)]
enum Loading {
    Busy,
    Done,
    Failed(String),
}

#[component]
pub fn SearchPanel() -> impl IntoView {
    let search = Search::get();
    move || search.query().map(|query| view! { <Results query /> })
}

#[component]
fn Results(query: String) -> impl IntoView {
    let search = Search::get();
    let hits = RwSignal::new(Vec::<SearchHit>::new());
    let words = RwSignal::new(Vec::<String>::new());
    let next = RwSignal::new(None::<String>);
    let loading = RwSignal::new(Loading::Busy);
    let load = Callback::new({
        let query = query.clone();
        move |cursor: Option<String>| {
            // What the server would refuse is said at once.
            if let Err(e) = SearchQuery::parse(&query) {
                loading.set(Loading::Failed(e));
                return;
            }
            loading.set(Loading::Busy);
            let query = query.clone();
            leptos::task::spawn_local(async move {
                match search_messages(query, utc_offset_minutes(), cursor).await {
                    Ok(page) => {
                        hits.try_update(|h| h.extend(page.hits));
                        words.try_set(page.words);
                        next.try_set(page.next);
                        loading.try_set(Loading::Done);
                    }
                    Err(e) => {
                        loading.try_set(Loading::Failed(e.to_string()));
                    }
                }
            });
        }
    });
    // In the browser only: the first page.
    Effect::new(move |_| load.run(None));
    let more = move |_| {
        if let Some(cursor) = next.get_untracked() {
            load.run(Some(cursor));
        }
    };
    let close_on_escape = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            search.close();
        }
    };
    let summary = move || match (loading.get(), hits.with(Vec::len)) {
        (Loading::Busy, 0) => "Searching…".to_owned(),
        (Loading::Failed(_), 0) => String::new(),
        (_, 0) => "No messages found.".to_owned(),
        (_, n) if next.with(Option::is_some) => format!("{n} newest results"),
        (_, 1) => "1 result".to_owned(),
        (_, n) => format!("{n} results"),
    };
    view! {
        <aside class="search-panel" aria-labelledby="search-heading" on:keydown=close_on_escape>
            <header>
                <h2 id="search-heading">"Search: " {query}</h2>
                <button type="button" class="icon-button" aria-label="Close search" on:click=move |_| search.close()>
                    "×"
                </button>
            </header>
            <p class="hint" role="status" data-testid="search-summary">{summary}</p>
            <ol class="search-hits">
                <For each=move || hits.get() key=|hit| hit.message.id let:hit>
                    <Hit hit words />
                </For>
            </ol>
            {move || match loading.get() {
                Loading::Failed(e) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
                Loading::Busy => ().into_any(),
                Loading::Done => view! {
                    <Show when=move || next.with(Option::is_some)>
                        <button type="button" class="secondary" on:click=more>"Show more"</button>
                    </Show>
                }
                .into_any(),
            }}
        </aside>
    }
}

#[component]
fn Hit(hit: SearchHit, words: RwSignal<Vec<String>>) -> impl IntoView {
    let today = Today::get();
    let go = go_to_message_at();
    let id = hit.message.id;
    let at = hit.message.created_at;
    let (place, path) = match &hit.place {
        HitPlace::Channel {
            server_id,
            server_name,
            channel_id,
            channel_name,
        } => (
            format!("#{channel_name} · {server_name}"),
            format!("/servers/{server_id}/channels/{channel_id}"),
        ),
        HitPlace::Conversation {
            server_id,
            with_member,
            with_name,
            ..
        } => (
            format!("Direct message with {with_name}"),
            format!("/servers/{server_id}/conversations/{with_member}"),
        ),
    };
    let href = format!("{path}?message={id}");
    let text = if hit.excerpt.is_empty() && hit.message.file_url.is_some() {
        "Sent a file".to_owned()
    } else {
        hit.excerpt
    };
    let pieces = move || {
        words
            .with(|w| highlight(&text, w))
            .into_iter()
            .map(|(piece, found)| {
                if found {
                    view! { <mark>{piece}</mark> }.into_any()
                } else {
                    piece.into_any()
                }
            })
            .collect_view()
    };
    let open = move |ev: leptos::ev::MouseEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.shift_key() {
            return;
        }
        ev.prevent_default();
        go(&path, id);
    };
    view! {
        <li class="search-hit" data-testid="search-hit">
            <a href=href on:click=open>
                <span class="search-hit-place">{place}</span>
                <span class="message-meta">
                    <span class="message-author">{hit.message.author.name.clone()}</span>
                    <time datetime=at.to_rfc3339() title=local_date_time(at)>{move || stamp(at, today.day())}</time>
                </span>
                <span class="search-hit-text">{pieces}</span>
            </a>
        </li>
    }
}
