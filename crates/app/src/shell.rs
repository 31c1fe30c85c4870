//! The signed-in frame: the server rail on the left and the page beside it.

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;
use shared::AppError;
use shared::account::{CurrentUser, sign_in_path};

use crate::auth::api::{SignOut, me};
use crate::calls::IncomingCallBanner;
use crate::chat::store::Chat;
use crate::chat::time::Today;
use crate::communities::api::my_servers;
use crate::communities::{CreateServerModal, Refresh, ServerRail};
use crate::notify::{DesktopNotificationsToggle, Notifications};
use crate::presence::Presence;
use crate::search::{Search, SearchPanel};
use crate::settings::{ProfileChanges, SettingsButton};
use crate::ui::{Avatar, NavBackdrop, NavSheet, ThemePicker};
use crate::unread::UnreadMarks;

/// The signed-in person, loaded once for the whole frame.
#[derive(Clone, Copy)]
pub struct Me(Resource<Result<Option<CurrentUser>, AppError>>);

impl Me {
    pub fn get() -> Self {
        expect_context::<Self>()
    }

    pub async fn user(self) -> Option<CurrentUser> {
        self.0.await.ok().flatten()
    }

    /// The person as loaded so far, without following later loads.
    pub fn now(self) -> Option<CurrentUser> {
        self.0.get_untracked().and_then(Result::ok).flatten()
    }
}

/// The frame of every signed-in page: the rail and the page beside it. Resources are created
/// here, outside any `Suspend`, so a server render creates each exactly once.
#[component]
pub fn AppShell() -> impl IntoView {
    let changes = ProfileChanges::provide();
    let me = Me(Resource::new(move || changes.track(), |_| me()));
    provide_context(me);
    Refresh::provide();
    UnreadMarks::provide();
    Notifications::provide();
    Presence::provide();
    let chat = Chat::provide();
    // In the browser only (effects): what waits in this browser's outbox goes out.
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Some(user) = me.user().await {
                chat.signed_in(user.id);
            }
        });
    });
    #[cfg(feature = "browser")]
    crate::presence::idle::watch(chat);
    Today::provide();
    Search::provide();
    let sheet = NavSheet::provide();
    let location = use_location();
    view! {
        <div class="app-frame" class:nav-open=move || sheet.is_open()>
            <ServerRail />
            <Outlet />
            <SearchPanel />
            <NavBackdrop />
        </div>
        <IncomingCallBanner />
        // The auth gate already sends visitors to sign in on a page load; this covers a session
        // that ends while the app is open.
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.0.await {
                    Ok(None) => {
                        let path = sign_in_path(&location.pathname.get_untracked());
                        Some(view! { <Redirect path /> })
                    }
                    _ => None,
                }
            })}
        </Suspense>
    }
}

/// The signed-in person's name, avatar and the sign-out button, at the foot of the sidebar.
#[component]
pub fn UserPanel() -> impl IntoView {
    let me = Me::get();
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <section class="user-panel" aria-label="You">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    me.user().await.map(|me| view! {
                        <Avatar name=me.name.clone() image_url=me.image_url.clone() />
                        <div class="user-names">
                            <span class="user-name" data-testid="user-name">{me.name.clone()}</span>
                            <span class="user-email">{me.email.clone()}</span>
                        </div>
                    })
                })}
            </Suspense>
            <ActionForm action=sign_out>
                <button type="submit" class="secondary">"Sign out"</button>
            </ActionForm>
            <ThemePicker />
            <DesktopNotificationsToggle />
            <SettingsButton />
        </section>
    }
}

/// Home: opens the first server; with none yet, asks to create one (an invite link also works).
#[component]
pub fn Home() -> impl IntoView {
    let me = Me::get();
    let refresh = Refresh::get();
    let servers = Resource::new(move || refresh.track(), |_| my_servers());
    view! {
        <aside class="sidebar">
            <div class="sidebar-body"></div>
            <UserPanel />
        </aside>
        <main class="content">
            <section class="welcome">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        me.user().await.map(|me| view! { <h1>{format!("Welcome, {}!", me.name)}</h1> })
                    })}
                </Suspense>
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
