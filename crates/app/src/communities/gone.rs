//! What a server page says in place of what it showed, in words and with a way on: the reader
//! is no longer a member (kicked, banned or left elsewhere), the channel was deleted, or the
//! server could not be reached (which is not "not found").

use leptos::prelude::*;
use leptos_router::components::A;

use super::state::Refresh;

/// The server shown a moment ago is no longer the reader's.
#[component]
pub fn NoLongerMember(name: String) -> impl IntoView {
    view! {
        <section class="centered-page">
            <div class="card" role="alert">
                <h1>{format!("You are no longer a member of {name}")}</h1>
                <p>"You were removed from this server, or you left it in another tab."</p>
                <A href="/">"Go to your servers"</A>
            </div>
        </section>
    }
}

/// The channel shown a moment ago was deleted.
#[component]
pub fn ChannelDeleted(name: String, general: Option<String>) -> impl IntoView {
    view! {
        <section class="centered-page">
            <div class="card" role="alert">
                <h1>{format!("#{name} was deleted")}</h1>
                <p>"A moderator or admin deleted this channel and its messages."</p>
                {match general {
                    Some(href) => view! { <A href>"Go to #general"</A> }.into_any(),
                    None => view! { <A href="/">"Go to your servers"</A> }.into_any(),
                }}
            </div>
        </section>
    }
}

/// The server could not be loaded (the network, or the server side): try again.
#[component]
pub fn ServerUnreachable(error: String) -> impl IntoView {
    let refresh = Refresh::get();
    view! {
        <section class="centered-page">
            <div class="card" role="alert">
                <h1>"Couldn't load this server"</h1>
                <p>{error}</p>
                <button type="button" on:click=move |_| refresh.bump()>"Retry"</button>
            </div>
        </section>
    }
}
