//! The inbox's server function.

use leptos::prelude::*;
use shared::AppError;
use shared::messages::InboxEntry;

#[cfg(feature = "ssr")]
use crate::auth::session::{domain, require_user};

/// Every direct conversation of the signed-in person with messages in it, newest first.
#[server(prefix = "/api", endpoint = "load_inbox")]
pub async fn load_inbox() -> Result<Vec<InboxEntry>, AppError> {
    let me = require_user().await?;
    Ok(domain::inbox::inbox(&domain()?, me.id).await?)
}
