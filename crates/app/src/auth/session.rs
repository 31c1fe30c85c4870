//! Server-side session plumbing: the cookie, and what server functions need from the request.

use std::sync::{Arc, OnceLock};

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

/// Who the current request's session belongs to, looked up once per request: a page's render
/// runs several server functions, and the auth gate has already looked the session up for it.
#[derive(Clone, Debug, Default)]
pub struct RequestUser(Arc<OnceLock<Option<CurrentUser>>>);

impl RequestUser {
    /// What the auth gate found, for the rest of the request.
    pub fn known(user: Option<CurrentUser>) -> Self {
        Self(Arc::new(OnceLock::from(user)))
    }

    /// Provides the request's lookup (the gate's, when it made one) to the render or server
    /// function (called from its context).
    pub fn provide_from_request() {
        let known = use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Self>().cloned());
        provide_context(known.unwrap_or_default());
    }
}

/// The person signed in on the current request.
pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    let memo = use_context::<RequestUser>();
    if let Some(known) = memo.as_ref().and_then(|m| m.0.get()) {
        return Ok(known.clone());
    }
    let user = match token().await? {
        Some(token) => domain::accounts::current_user(&domain()?, &token).await?,
        None => None,
    };
    if let Some(memo) = memo {
        // Two functions of one render may both have looked; either answer is this request's.
        let _ = memo.0.set(user.clone());
    }
    Ok(user)
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
