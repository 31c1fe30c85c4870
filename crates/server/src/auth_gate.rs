//! Every app page needs a session: without one the browser goes to /sign-in and comes back after.
//! Signed-in people asking for the sign-in or sign-up page go home instead.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;

use app::auth::session::{CookiePolicy, RequestUser};
use domain::Domain;
use domain::accounts::ActiveSession;
use shared::account::CurrentUser;
use shared::ids::ProfileId;

use crate::routes::AppState;

const PUBLIC_PAGES: [&str; 2] = ["/sign-in", "/sign-up"];

pub async fn gate(
    State(state): State<AppState>,
    jar: CookieJar,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    if req.method() != Method::GET || !is_page(path) {
        return next.run(req).await;
    }
    let user = match signed_in_user(&state.domain, state.cookie_policy, &jar).await {
        Ok(user) => user,
        Err(unavailable) => return unavailable,
    };
    let signed_in = user.is_some();
    let public = PUBLIC_PAGES.contains(&path);
    match (public, signed_in) {
        (true, true) => Redirect::to("/").into_response(),
        (false, false) => {
            let target = req.uri().path_and_query().map_or(path, |pq| pq.as_str());
            Redirect::to(&shared::account::sign_in_path(target)).into_response()
        }
        _ => {
            // The page's render asks who this is once per server function: it has the answer.
            let mut req = req;
            req.extensions_mut().insert(RequestUser::known(user));
            next.run(req).await
        }
    }
}

/// Who asks for a resource only signed-in people may have (an upload, an avatar): a request
/// without a session gets 404, the same as for something that does not exist.
pub async fn resource_reader(
    domain: &Domain,
    cookies: CookiePolicy,
    jar: &CookieJar,
) -> Result<ProfileId, Response> {
    match signed_in_user(domain, cookies, jar).await? {
        Some(user) => Ok(user.id),
        None => Err(StatusCode::NOT_FOUND.into_response()),
    }
}

/// The person a request's session cookie belongs to, or a 503 when the database cannot say.
pub async fn signed_in_user(
    domain: &Domain,
    cookies: CookiePolicy,
    jar: &CookieJar,
) -> Result<Option<CurrentUser>, Response> {
    Ok(active_session(domain, cookies, jar).await?.map(|s| s.user))
}

/// The live session a request's cookie opens, or a 503 when the database cannot say.
pub async fn active_session(
    domain: &Domain,
    cookies: CookiePolicy,
    jar: &CookieJar,
) -> Result<Option<ActiveSession>, Response> {
    let Some(token) = cookies.token_from(jar) else {
        return Ok(None);
    };
    domain::accounts::active_session(domain, &token)
        .await
        .map_err(|e| {
            tracing::error!(error = ?e, "session lookup failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The database is unavailable.",
            )
                .into_response()
        })
}

/// Pages are what the router renders: not the API, assets or files (which have a dot in the name).
pub fn is_page(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or_default();
    !(path.starts_with("/api/")
        || path.starts_with("/pkg/")
        || path.starts_with("/files/")
        || path == "/healthz"
        || path == "/ws"
        || last.contains('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_are_gated() {
        assert!(is_page("/"));
        assert!(is_page("/servers/abc"));
        assert!(is_page("/sign-in"));
        assert!(!is_page("/api/me"));
        assert!(!is_page("/pkg/chatterhub.js"));
        assert!(!is_page("/favicon.ico"));
        assert!(!is_page("/healthz"));
    }
}
