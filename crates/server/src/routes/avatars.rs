//! `GET /avatars/{profile_id}.svg`: the default picture of a profile (its initials on its
//! colour), for a signed-in person who shares a server with it (everyone else gets 404). The
//! URL changes with the name (`?v=`), so each version may be cached for good, in that browser.

use app::auth::session::CookiePolicy;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use domain::Domain;
use domain::accounts::avatar;
use shared::ids::ProfileId;

use crate::auth_gate::resource_reader;

const CACHE: &str = "private, max-age=31536000, immutable";

pub async fn serve(
    State(domain): State<Domain>,
    State(cookies): State<CookiePolicy>,
    jar: CookieJar,
    Path(file): Path<String>,
) -> Response {
    let not_found = || StatusCode::NOT_FOUND.into_response();
    let Some(profile) = file
        .strip_suffix(".svg")
        .and_then(|id| id.parse::<ProfileId>().ok())
    else {
        return not_found();
    };
    let me = match resource_reader(&domain, cookies, &jar).await {
        Ok(me) => me,
        Err(refused) => return refused,
    };
    match avatar::visible_name(&domain.db, me, profile).await {
        Ok(Some(name)) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, CACHE),
            ],
            avatar::svg(&name, profile.0),
        )
            .into_response(),
        Ok(None) => not_found(),
        Err(e) => {
            tracing::error!(error = ?e, "serving an avatar failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
