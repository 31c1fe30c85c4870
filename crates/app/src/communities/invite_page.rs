//! `/invite/:code`: shows the server behind an invite link and joins it only when asked (a POST).
//! Members already in it go straight to the server.
//!
//! Nothing here navigates while the page hydrates: the page is rendered whole on the server
//! (`SsrMode::Async`), so "already a member" is a real HTTP redirect, and the join's navigation
//! runs only after the click. (Joining on the GET and redirecting from the render, as this page
//! once did, moved the router while the browser was hydrating, and hydration crashed.)

use leptos::prelude::*;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::use_navigate;
use shared::community::InvitePreview;

use super::api::{JoinServer, preview_invite};
use super::state::Refresh;
use crate::auth::pages::FormError;
use crate::route_param::route_param;
use crate::ui::Avatar;

#[component]
pub fn InvitePage() -> impl IntoView {
    let code = route_param::<String>("code");
    let preview = Resource::new(move || code.get().unwrap_or_default(), preview_invite);
    view! {
        <main class="content">
            <Suspense fallback=|| view! { <p class="loading">"Loading the invite…"</p> }>
                {move || Suspend::new(async move {
                    match preview.await {
                        Ok(p) if p.joined => {
                            view! { <Redirect path=format!("/servers/{}", p.server.id) /> }.into_any()
                        }
                        Ok(p) => view! { <InviteCard preview=p code=code.get_untracked().unwrap_or_default() /> }
                            .into_any(),
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

/// The server's icon, name and size, and the "Join" button.
#[component]
fn InviteCard(preview: InvitePreview, code: String) -> impl IntoView {
    let join = ServerAction::<JoinServer>::new();
    let refresh = Refresh::get();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(server_id)) = join.value().get() {
            refresh.bump();
            navigate(&format!("/servers/{server_id}"), Default::default());
        }
    });
    let server = preview.server;
    let members = match preview.member_count {
        1 => "1 member".to_owned(),
        n => format!("{n} members"),
    };
    let join_form = if preview.banned {
        view! {
            <p class="form-error" role="alert">
                "You are banned from this server. Only its admins can lift the ban."
            </p>
        }
        .into_any()
    } else {
        view! {
            <ActionForm action=join>
                <input type="hidden" name="code" value=code />
                <button type="submit" class="primary" disabled=move || join.pending().get()>
                    "Join"
                </button>
            </ActionForm>
            <FormError value=join.value() />
        }
        .into_any()
    };
    view! {
        <section class="invite-card" aria-labelledby="invite-server-name">
            <Avatar name=server.name.clone() image_url=server.image_url class="server-icon invite-icon" />
            <p class="subtitle">"You have been invited to join"</p>
            <h1 id="invite-server-name">{server.name}</h1>
            <p class="invite-members">{members}</p>
            {join_form}
        </section>
    }
}
