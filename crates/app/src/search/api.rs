//! The search server function.

use leptos::prelude::*;
use shared::AppError;
use shared::search::SearchPage;

#[cfg(feature = "ssr")]
use crate::auth::session::{domain, require_user};

/// A page of the messages the caller may read that match `query`, newest first; `cursor` (a
/// page's `next`) asks for the page after it. `utc_offset_minutes` places `before:`/`after:`
/// days in the caller's calendar.
#[server(prefix = "/api", endpoint = "search_messages")]
pub async fn search_messages(
    query: String,
    utc_offset_minutes: i32,
    cursor: Option<String>,
) -> Result<SearchPage, AppError> {
    let me = require_user().await?;
    Ok(domain::search::search(
        &domain()?,
        me.id,
        &query,
        utc_offset_minutes,
        cursor.as_deref(),
    )
    .await?)
}
