//! The signed-in frame: the server rail on the left and the page beside it.

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;
use shared::account::{CurrentUser, sign_in_path};

use crate::auth::api::{SignOut, me};
use crate::communities::api::my_servers;
use crate::communities::{CreateServerModal, Refresh, ServerRail};
use crate::ui::Avatar;

/// Loads the signed-in user; without one, sends the browser to sign in and come back.
#[component]
pub fn AppShell() -> impl IntoView {
    let user = Resource::new(|| (), |_| me());
    let location = use_location();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(me)) => view! { <Frame me /> }.into_any(),
                    Ok(None) => {
                        let path = sign_in_path(&location.pathname.get_untracked());
                        view! { <Redirect path /> }.into_any()
                    }
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Frame(me: CurrentUser) -> impl IntoView {
    provide_context(StoredValue::new(me));
    Refresh::provide();
    view! {
        <div class="app-frame">
            <ServerRail />
            <Outlet />
        </div>
    }
}

/// The signed-in person's name, avatar and the sign-out button, at the foot of the sidebar.
#[component]
pub fn UserPanel() -> impl IntoView {
    let me = expect_context::<StoredValue<CurrentUser>>().get_value();
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <section class="user-panel" aria-label="You">
            <Avatar name=me.name.clone() image_url=me.image_url.clone() />
            <div class="user-names">
                <span class="user-name" data-testid="user-name">{me.name.clone()}</span>
                <span class="user-email">{me.email.clone()}</span>
            </div>
            <ActionForm action=sign_out>
                <button type="submit" class="secondary">"Sign out"</button>
            </ActionForm>
        </section>
    }
}

/// Home: opens the first server; with none yet, asks to create one (an invite link also works).
#[component]
pub fn Home() -> impl IntoView {
    let me = expect_context::<StoredValue<CurrentUser>>().get_value();
    let refresh = Refresh::get();
    let servers = Resource::new(move || refresh.track(), |_| my_servers());
    view! {
        <aside class="sidebar">
            <div class="sidebar-body"></div>
            <UserPanel />
        </aside>
        <main class="content">
            <section class="welcome">
                <h1>{format!("Welcome, {}!", me.name)}</h1>
                <p>"You are signed in to ChatterHub."</p>
            </section>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match servers.await {
                        Ok(list) => match list.first() {
                            Some(first) => view! { <Redirect path=format!("/servers/{}", first.id) /> }.into_any(),
                            None => view! { <CreateServerModal on_close=None /> }.into_any(),
                        },
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}
