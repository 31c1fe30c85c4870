//! Server-side session plumbing: the cookie, and what server functions need from the request.

use axum::Extension;
use axum::http::HeaderValue;
use axum::http::header::SET_COOKIE;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use domain::Domain;
use domain::accounts::{SESSION_TTL, SessionToken};
use domain::limits::{ClientAddr, Rule};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use shared::AppError;
use shared::account::CurrentUser;

/// Whether cookies get the `Secure` flag: true when the site is served over https.
#[derive(Clone, Copy, Debug)]
pub struct CookiePolicy {
    pub secure: bool,
}

impl CookiePolicy {
    /// The session cookie's name. Behind https it carries the `__Host-` prefix: browsers then
    /// accept it only `Secure`, for `/`, from this very host, so no sibling subdomain (or a
    /// plain-http page on the network) can plant or overwrite it.
    pub fn session_cookie(self) -> &'static str {
        if self.secure {
            "__Host-chatterhub_session"
        } else {
            "chatterhub_session"
        }
    }

    /// The session token a request carries, if any.
    pub fn token_from(self, jar: &CookieJar) -> Option<String> {
        jar.get(self.session_cookie())
            .map(|c| c.value().to_owned())
            .filter(|v| !v.is_empty())
    }
}

/// The domain services, provided to every server function and render by the server.
pub fn domain() -> Result<Domain, AppError> {
    use_context::<Domain>().ok_or_else(|| missing("Domain"))
}

/// The session token of the current request.
pub async fn token() -> Result<Option<String>, AppError> {
    let jar: CookieJar = leptos_axum::extract()
        .await
        .map_err(|e| AppError::Request(e.to_string()))?;
    Ok(policy()?.token_from(&jar))
}

/// The person signed in on the current request.
pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    match token().await? {
        Some(token) => Ok(domain::accounts::current_user(&domain()?, &token).await?),
        None => Ok(None),
    }
}

/// The signed-in person, or `Unauthorized`. Every call counts against the person's request
/// limit, so this is also where a signed-in client's flood of requests stops.
pub async fn require_user() -> Result<CurrentUser, AppError> {
    let me = current_user().await?.ok_or(AppError::Unauthorized)?;
    domain()?.limits.check(Rule::Requests, me.id)?;
    Ok(me)
}

/// The address the request came from, as the server resolved it (through trusted proxies).
pub async fn client_addr() -> Result<ClientAddr, AppError> {
    let Extension(addr): Extension<ClientAddr> = leptos_axum::extract()
        .await
        .map_err(|_| missing("the client address"))?;
    Ok(addr)
}

/// Puts the new session's token in an HttpOnly, SameSite=Lax cookie.
pub fn set_cookie(token: &SessionToken) -> Result<(), AppError> {
    let policy = policy()?;
    let cookie = Cookie::build((policy.session_cookie(), token.expose().to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(policy.secure)
        .max_age(cookie_max_age(SESSION_TTL.num_seconds()))
        .build();
    append_set_cookie(&cookie)
}

/// Tells the browser to forget the session cookie.
pub fn clear_cookie() -> Result<(), AppError> {
    let policy = policy()?;
    let cookie = Cookie::build((policy.session_cookie(), ""))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(policy.secure)
        .max_age(cookie_max_age(0))
        .build();
    append_set_cookie(&cookie)
}

fn cookie_max_age(seconds: i64) -> time::Duration {
    time::Duration::seconds(seconds)
}

fn append_set_cookie(cookie: &Cookie<'_>) -> Result<(), AppError> {
    let response = use_context::<ResponseOptions>().ok_or_else(|| missing("ResponseOptions"))?;
    let value = HeaderValue::from_str(&cookie.to_string()).map_err(|_| AppError::Internal)?;
    response.append_header(SET_COOKIE, value);
    Ok(())
}

fn policy() -> Result<CookiePolicy, AppError> {
    use_context::<CookiePolicy>().ok_or_else(|| missing("CookiePolicy"))
}

fn missing(what: &str) -> AppError {
    tracing::error!(what, "server function context is missing");
    AppError::Internal
}
