//! Account settings server functions: each acts on the caller's own account only.

use leptos::prelude::*;
use shared::AppError;
use shared::account::CurrentUser;

#[cfg(feature = "ssr")]
use crate::auth::session::{domain, require_user, token};

/// Sets the caller's display name and picture (`image_url`: their own upload, or empty for the
/// default picture).
#[server(prefix = "/api", endpoint = "update_profile")]
pub async fn update_profile(
    name: String,
    image_url: Option<String>,
) -> Result<CurrentUser, AppError> {
    let me = require_user().await?;
    let name = shared::account::DisplayName::parse(&name)?;
    let picture = domain::files::FileKey::from_form(image_url.as_deref())?;
    Ok(domain::accounts::settings::update_profile(&domain()?, me.id, name, picture).await?)
}

/// Replaces the caller's password (the current one required); with `sign_out_others`, their
/// other sessions end.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current: String,
    new: String,
    #[server(default)] sign_out_others: bool,
) -> Result<(), AppError> {
    let me = require_user().await?;
    let new = shared::account::Password::parse(&new)?;
    let keep = token().await?.ok_or(AppError::Unauthorized)?;
    Ok(domain::accounts::settings::change_password(
        &domain()?,
        me.id,
        &keep,
        &current,
        new,
        sign_out_others,
    )
    .await?)
}

/// Ends every session of the caller but this one; how many ended.
#[server(prefix = "/api", endpoint = "sign_out_other_sessions")]
pub async fn sign_out_other_sessions() -> Result<u64, AppError> {
    let me = require_user().await?;
    let keep = token().await?.ok_or(AppError::Unauthorized)?;
    Ok(domain::accounts::settings::end_other_sessions(&domain()?, me.id, &keep).await?)
}

/// Deletes the caller's account (their password required) and signs them out.
#[server(prefix = "/api", endpoint = "delete_account")]
pub async fn delete_account(password: String) -> Result<(), AppError> {
    let me = require_user().await?;
    domain::accounts::settings::delete_account(&domain()?, me.id, &password).await?;
    crate::auth::session::clear_cookie()?;
    Ok(())
}
