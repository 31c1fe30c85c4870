//! The signed-in frame: the server rail on the left, the user panel, and the page inside.

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;
use shared::account::{CurrentUser, sign_in_path};

use crate::auth::api::{SignOut, me};

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
    let me = StoredValue::new(me);
    provide_context(me);
    view! {
        <div class="app-frame">
            <nav class="server-rail" aria-label="Servers">
                <a class="rail-home" href="/" aria-label="Home">"CH"</a>
            </nav>
            <aside class="sidebar">
                <div class="sidebar-body"></div>
                <UserPanel />
            </aside>
            <main class="content">
                <Outlet />
            </main>
        </div>
    }
}

#[component]
fn UserPanel() -> impl IntoView {
    let me = expect_context::<StoredValue<CurrentUser>>().get_value();
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <section class="user-panel" aria-label="You">
            <img class="avatar" src=me.image_url.clone().unwrap_or_default() alt="" />
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

/// The home page inside the frame.
#[component]
pub fn Home() -> impl IntoView {
    let me = expect_context::<StoredValue<CurrentUser>>().get_value();
    view! {
        <section class="welcome">
            <h1>{format!("Welcome, {}!", me.name)}</h1>
            <p>"You are signed in to ChatterHub."</p>
        </section>
    }
}
