//! The settings dialog: one's name and picture, password, other sessions, and deleting the
//! account. Each part saves on its own and says what happened in words.

pub mod api;
mod picture;

use leptos::prelude::*;
use shared::account::CurrentUser;

use crate::shell::Me;
use crate::ui::{Avatar, Modal};
use api::{change_password, delete_account, sign_out_other_sessions, update_profile};

/// Goes up when the signed-in person's own name or picture changed, here or on another device:
/// `Me` loads again.
#[derive(Debug, Clone, Copy)]
pub struct ProfileChanges(RwSignal<u32>);

impl ProfileChanges {
    pub fn provide() -> Self {
        let changes = Self(RwSignal::new(0));
        provide_context(changes);
        changes
    }

    /// Read to load again after each change.
    pub fn track(self) -> u32 {
        self.0.get()
    }

    pub fn bump(self) {
        self.0.update(|n| *n += 1);
    }
}

/// What a part of the dialog last said: done, or why not.
type Said = RwSignal<Option<Result<String, String>>>;

fn saying(said: Said) -> impl IntoView {
    move || {
        said.get().map(|result| match result {
            Ok(done) => view! { <p class="hint" role="status">{done}</p> }.into_any(),
            Err(why) => view! { <p class="form-error" role="alert">{why}</p> }.into_any(),
        })
    }
}

/// The user panel's button that opens the dialog.
#[component]
pub fn SettingsButton() -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <button type="button" class="icon-button" aria-label="User settings" on:click=move |_| open.set(true)>
            "⚙"
        </button>
        <Show when=move || open.get()>
            <SettingsDialog open />
        </Show>
    }
}

/// Drawn once from the person as loaded when it opens (saving a part must not redraw the
/// others, nor what the saved part says).
#[component]
fn SettingsDialog(open: RwSignal<bool>) -> impl IntoView {
    let user = Me::get().now();
    view! {
        <Modal title="Settings" on_close=Callback::new(move |()| open.set(false))>
            {match user {
                Some(user) => view! {
                    <Profile user />
                    <PasswordPart />
                    <Sessions />
                    <DeleteAccount />
                }
                .into_any(),
                None => view! { <p class="form-error" role="alert">"You are signed out: reload the page."</p> }.into_any(),
            }}
        </Modal>
    }
}

/// Name and picture.
#[component]
fn Profile(user: CurrentUser) -> impl IntoView {
    let changes = use_context::<ProfileChanges>();
    let name = RwSignal::new(user.name.clone());
    // Only an uploaded picture is sent back; the default one is drawn from the name.
    let uploaded = |url: &Option<String>| url.clone().filter(|u| u.starts_with("/files/"));
    let picture = RwSignal::new(uploaded(&user.image_url));
    let said: Said = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let choose = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        busy.set(true);
        said.set(None);
        leptos::task::spawn_local(async move {
            match picture::upload_square(input).await {
                Ok(url) => {
                    picture.try_set(Some(url));
                }
                Err(e) => {
                    said.try_set(Some(Err(e.to_string())));
                }
            }
            busy.try_set(false);
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let (n, p) = (name.get_untracked(), picture.get_untracked());
        leptos::task::spawn_local(async move {
            let result = update_profile(n, p).await;
            busy.try_set(false);
            said.try_set(Some(match result {
                Ok(_) => {
                    if let Some(changes) = changes {
                        changes.bump();
                    }
                    Ok("Profile saved.".into())
                }
                Err(e) => Err(e.to_string()),
            }));
        });
    };
    view! {
        <form class="modal-form settings-part" on:submit=save aria-labelledby="settings-profile">
            <h3 id="settings-profile">"Profile"</h3>
            <div class="image-picker">
                {move || view! { <Avatar name=name.get() image_url=picture.get() class="image-preview" /> }}
                <label for="settings-picture">"Picture (cut to a square)"</label>
                <input
                    id="settings-picture"
                    type="file"
                    accept="image/png,image/jpeg,image/gif,image/webp"
                    on:change=choose
                />
                <Show when=move || picture.with(Option::is_some)>
                    <button type="button" class="secondary small" on:click=move |_| picture.set(None)>
                        "Use the default picture"
                    </button>
                </Show>
            </div>
            <label for="settings-name">"Display name"</label>
            <input
                id="settings-name"
                maxlength=shared::account::DisplayName::MAX_CHARS.to_string()
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
            />
            {saying(said)}
            <button type="submit" disabled=move || busy.get()>"Save profile"</button>
        </form>
    }
}

#[component]
fn PasswordPart() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let others = RwSignal::new(false);
    let said: Said = RwSignal::new(None);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (c, n, o) = (
            current.get_untracked(),
            new.get_untracked(),
            others.get_untracked(),
        );
        leptos::task::spawn_local(async move {
            let result = change_password(c, n, o).await;
            if result.is_ok() {
                current.try_set(String::new());
                new.try_set(String::new());
            }
            said.try_set(Some(
                result
                    .map(|()| "Password changed.".into())
                    .map_err(|e| e.to_string()),
            ));
        });
    };
    view! {
        <form class="modal-form settings-part" on:submit=save aria-labelledby="settings-password">
            <h3 id="settings-password">"Password"</h3>
            <label for="settings-current-password">"Current password"</label>
            <input
                id="settings-current-password"
                type="password"
                autocomplete="current-password"
                prop:value=move || current.get()
                on:input=move |ev| current.set(event_target_value(&ev))
            />
            <label for="settings-new-password">"New password"</label>
            <input
                id="settings-new-password"
                type="password"
                autocomplete="new-password"
                prop:value=move || new.get()
                on:input=move |ev| new.set(event_target_value(&ev))
            />
            <div class="checkbox-row">
                <input
                    id="settings-end-others"
                    type="checkbox"
                    prop:checked=move || others.get()
                    on:change=move |ev| others.set(event_target_checked(&ev))
                />
                <label for="settings-end-others">"Also sign out of my other sessions"</label>
            </div>
            {saying(said)}
            <button type="submit">"Change password"</button>
        </form>
    }
}

#[component]
fn Sessions() -> impl IntoView {
    let said: Said = RwSignal::new(None);
    let end = move |_| {
        leptos::task::spawn_local(async move {
            let result = sign_out_other_sessions().await;
            said.try_set(Some(
                result
                    .map(|n| match n {
                        0 => "You had no other sessions.".to_owned(),
                        1 => "Signed out of 1 other session.".to_owned(),
                        n => format!("Signed out of {n} other sessions."),
                    })
                    .map_err(|e| e.to_string()),
            ));
        });
    };
    view! {
        <section class="modal-form settings-part" aria-labelledby="settings-sessions">
            <h3 id="settings-sessions">"Sessions"</h3>
            <p class="hint">"Signed in on another device you no longer use? End every session but this one."</p>
            {saying(said)}
            <button type="button" class="secondary" on:click=end>"Sign out of all other sessions"</button>
        </section>
    }
}

#[component]
fn DeleteAccount() -> impl IntoView {
    let password = RwSignal::new(String::new());
    let said: Said = RwSignal::new(None);
    let delete = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let p = password.get_untracked();
        leptos::task::spawn_local(async move {
            match delete_account(p).await {
                Ok(()) => {
                    // A full load: nothing of the account stays in this page.
                    let _ = window().location().set_href("/sign-in");
                }
                Err(e) => {
                    said.try_set(Some(Err(e.to_string())));
                }
            }
        });
    };
    view! {
        <form class="modal-form settings-part danger-zone" on:submit=delete aria-labelledby="settings-delete">
            <h3 id="settings-delete">"Delete account"</h3>
            <p class="hint">
                "Your messages stay, shown as “Deleted user”. Servers you own must first be handed over or deleted."
            </p>
            <label for="settings-delete-password">"Password"</label>
            <input
                id="settings-delete-password"
                type="password"
                autocomplete="current-password"
                prop:value=move || password.get()
                on:input=move |ev| password.set(event_target_value(&ev))
            />
            {saying(said)}
            <button type="submit" class="danger">"Delete my account"</button>
        </form>
    }
}
