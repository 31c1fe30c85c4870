//! `/invite/:code`: joins the server as a GUEST (members go straight in) and opens it.

use leptos::prelude::*;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::use_params_map;

use super::api::join_server;
use super::state::Refresh;

#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let refresh = Refresh::get();
    let joined = Resource::new(code, join_server);
    view! {
        <main class="content">
            <Suspense fallback=|| view! { <p class="loading">"Joining…"</p> }>
                {move || Suspend::new(async move {
                    match joined.await {
                        Ok(server_id) => {
                            refresh.bump();
                            view! { <Redirect path=format!("/servers/{server_id}") /> }.into_any()
                        }
                        Err(_) => view! {
                            <section class="welcome">
                                <h1>"This invite is not valid"</h1>
                                <p>"It may have expired or been replaced. Ask for a new link."</p>
                                <A href="/">"Back to ChatterHub"</A>
                            </section>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
