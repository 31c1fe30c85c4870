//! The sign-in and sign-up pages. Both are plain forms, so they work before the WASM has loaded.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use shared::AppError;

use super::api::{SignIn, SignUp};

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    view! {
        <AuthCard title="Welcome back!" subtitle="Sign in to pick up where you left off.">
            <ActionForm action attr:class="auth-form" attr:aria-label="Sign in">
                <NextField />
                <EmailField />
                <PasswordField autocomplete="current-password" />
                <FormError value=action.value() />
                <button type="submit" class="primary" disabled=move || action.pending().get()>
                    "Sign in"
                </button>
            </ActionForm>
            <p class="auth-switch">
                "Need an account? " <A href=move || with_next(query, "/sign-up")>"Create one"</A>
            </p>
        </AuthCard>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let query = use_query_map();
    view! {
        <AuthCard title="Create an account" subtitle="Talk with your friends and communities.">
            <ActionForm action attr:class="auth-form" attr:aria-label="Sign up">
                <NextField />
                <label for="name">"Name"</label>
                <input id="name" name="name" type="text" autocomplete="nickname" required maxlength="50" />
                <EmailField />
                <PasswordField autocomplete="new-password" />
                <p class="hint">"At least 8 characters."</p>
                <FormError value=action.value() />
                <button type="submit" class="primary" disabled=move || action.pending().get()>
                    "Sign up"
                </button>
            </ActionForm>
            <p class="auth-switch">
                "Already have an account? " <A href=move || with_next(query, "/sign-in")>"Sign in"</A>
            </p>
        </AuthCard>
    }
}

/// `page` with this page's `?next=`, so switching between sign-in and sign-up keeps the way back.
fn with_next(query: Memo<leptos_router::params::ParamsMap>, page: &str) -> String {
    match query.read().get("next") {
        Some(next) => format!("{page}?next={}", shared::account::encode_path(&next)),
        None => page.to_owned(),
    }
}

#[component]
fn AuthCard(title: &'static str, subtitle: &'static str, children: Children) -> impl IntoView {
    view! {
        <main class="centered-page">
            <section class="card auth-card">
                <h1>{title}</h1>
                <p class="subtitle">{subtitle}</p>
                {children()}
            </section>
        </main>
    }
}

/// Carries `?next=` through the form so the user returns where they were going.
#[component]
fn NextField() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! { <input type="hidden" name="next" prop:value=next /> }
}

#[component]
fn EmailField() -> impl IntoView {
    view! {
        <label for="email">"Email"</label>
        <input id="email" name="email" type="email" autocomplete="email" required />
    }
}

#[component]
fn PasswordField(autocomplete: &'static str) -> impl IntoView {
    view! {
        <label for="password">"Password"</label>
        <input id="password" name="password" type="password" autocomplete=autocomplete required />
    }
}

/// The last submission's error, announced to screen readers (its success value is not shown).
#[component]
pub fn FormError<T: Clone + Send + Sync + 'static>(
    #[prop(into)] value: Signal<Option<Result<T, AppError>>>,
) -> impl IntoView {
    move || {
        value.get().and_then(Result::err).map(|e| {
            view! {
                <p class="form-error" role="alert">
                    {e.to_string()}
                </p>
            }
        })
    }
}
