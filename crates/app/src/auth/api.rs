//! Account server functions: each parses its input, calls `domain::accounts` and sets the cookie.

use leptos::prelude::*;
use shared::AppError;
use shared::account::CurrentUser;

/// Creates an account and signs it in, then goes to `next` (a local path) or home.
#[server(prefix = "/api", endpoint = "sign_up")]
pub async fn sign_up(
    name: String,
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use shared::account::{DisplayName, Email, Password, safe_next_path};
    let input = domain::accounts::SignUp {
        name: DisplayName::parse(&name)?,
        email: Email::parse(&email)?,
        password: Password::parse(&password)?,
    };
    let signed_in = domain::accounts::sign_up(
        &super::session::domain()?,
        super::session::client_addr().await?,
        input,
    )
    .await?;
    super::session::set_cookie(&signed_in.token)?;
    leptos_axum::redirect(&safe_next_path(next.as_deref()));
    Ok(())
}

/// Checks email and password, starts a fresh session, then goes to `next` or home.
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::session;
    let old = session::token().await?;
    let signed_in = domain::accounts::sign_in(
        &session::domain()?,
        session::client_addr().await?,
        &email,
        &password,
        old.as_deref(),
    )
    .await?;
    session::set_cookie(&signed_in.token)?;
    leptos_axum::redirect(&shared::account::safe_next_path(next.as_deref()));
    Ok(())
}

/// Ends the session on the server and clears the cookie.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::session;
    if let Some(token) = session::token().await? {
        domain::accounts::sign_out(&session::domain()?, &token).await?;
    }
    session::clear_cookie()?;
    leptos_axum::redirect("/sign-in");
    Ok(())
}

/// The signed-in person, or `None` without a valid session.
#[server(prefix = "/api", endpoint = "me")]
pub async fn me() -> Result<Option<CurrentUser>, AppError> {
    super::session::current_user().await
}
