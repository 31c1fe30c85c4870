//! Presence server functions.

use leptos::prelude::*;
use shared::AppError;
use shared::ids::ServerId;
use shared::presence::Here;

#[cfg(feature = "ssr")]
use crate::auth::session::{domain, require_user};

/// The members of a server who are online or idle (members of the server only).
#[server(prefix = "/api", endpoint = "load_presence")]
pub async fn load_presence(server_id: ServerId) -> Result<Vec<Here>, AppError> {
    let me = require_user().await?;
    Ok(domain::presence::here(&domain()?, me.id, server_id).await?)
}
