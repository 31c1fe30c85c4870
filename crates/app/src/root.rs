//! The HTML document and the route table.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::auth::pages::{SignInPage, SignUpPage};
use crate::communities::{ChannelPage, ConversationPage, InvitePage, ServerIndex, ServerLayout};
use crate::inbox::InboxPage;
use crate::not_found::NotFound;
use crate::shell::{AppShell, Home};
use crate::ui::APPLY_THEME_SCRIPT;

/// The whole HTML document, rendered on the server.
pub fn shell(options: LeptosOptions, stylesheet: Arc<str>) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme="dark">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="dark light" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <script nonce=leptos::nonce::use_nonce() inner_html=APPLY_THEME_SCRIPT></script>
                <AutoReload options=options.clone() />
                // `id="leptos"`: where `cargo leptos watch` swaps in a rebuilt stylesheet.
                <link id="leptos" rel="stylesheet" href=stylesheet.to_string() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: every page and where it lives.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="ChatterHub" />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/sign-in") view=SignInPage />
                <Route path=path!("/sign-up") view=SignUpPage />
                <ParentRoute path=path!("") view=AppShell>
                    // Rendered whole before sending, so where these pages send people is a real
                    // HTTP redirect, never a navigation while the browser hydrates.
                    <Route path=path!("") view=Home ssr=SsrMode::Async />
                    <Route path=path!("invite/:code") view=InvitePage ssr=SsrMode::Async />
                    <Route path=path!("direct") view=InboxPage />
                    // Rendered whole before sending, so a server you cannot see is a real 404.
                    <ParentRoute path=path!("servers/:server_id") view=ServerLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=ServerIndex />
                        <Route path=path!("channels/:channel_id") view=ChannelPage />
                        <Route path=path!("conversations/:member_id") view=ConversationPage />
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
