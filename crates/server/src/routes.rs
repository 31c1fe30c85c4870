//! The router: health, pages with their server functions, static files.

mod avatars;
mod files;
mod health;
mod site_files;

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use app::auth::session::{CookiePolicy, RequestUser};
use app::page_policy::PageNonce;
use app::{App, shell};
use axum::Router;
use axum::extract::FromRef;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::get;
use domain::Domain;
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeFile;
use tower_http::timeout::{RequestBodyTimeoutLayer, ResponseBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::TraceLayer;

use crate::client_addr::{self, TrustedProxies};
use crate::config::Settings;
use crate::request_limits::{self, BODY_STALL_TIMEOUT, HANDLER_TIMEOUT};
use crate::same_origin::{self, SiteOrigin};
use crate::security_headers::{self, HeaderPolicy};
use crate::ws::{self, Connections};
use crate::{api_errors, auth_gate};
pub use site_files::SiteFiles;

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub domain: Domain,
    pub cookie_policy: CookiePolicy,
    pub connections: Connections,
    pub site_files: Arc<SiteFiles>,
}

impl AppState {
    /// Puts the request-independent services into the Leptos context of a render or server fn.
    fn provide(&self) {
        provide_context(self.domain.clone());
        provide_context(self.cookie_policy);
        PageNonce::provide_from_request();
        RequestUser::provide_from_request();
    }
}

/// The app's routes, listed once per process.
///
/// Listing them renders the app once with resource loading suppressed, and Leptos suppresses it
/// through one process-wide flag (`leptos_server::IS_SUPPRESSING_RESOURCE_LOAD`): a resource
/// first polled by any other render while the flag is up waits forever, and so does that page's
/// response (leptos-rs/leptos#4773). Every router of the process takes the list from here, so the
/// one listing happens before any router exists to render a page (the test suite builds a router
/// per test, concurrently with other tests' page loads).
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(
    domain: Domain,
    connections: Connections,
    settings: &Settings,
    address: SocketAddr,
    site_files: SiteFiles,
) -> Router {
    let leptos_options = LeptosOptions::builder()
        .output_name(site_files.output_name())
        .site_root(settings.site_root.to_string_lossy().as_ref())
        .site_pkg_dir("pkg")
        .site_addr(address)
        .build();
    let state = AppState {
        leptos_options: leptos_options.clone(),
        domain,
        cookie_policy: CookiePolicy {
            secure: settings.secure_cookies(),
        },
        connections,
        site_files: Arc::new(site_files),
    };
    let context = {
        let state = state.clone();
        move || state.provide()
    };
    let page = {
        let options = leptos_options.clone();
        let stylesheet: Arc<str> = state.site_files.stylesheet().into();
        move || shell(options.clone(), stylesheet.clone())
    };
    // `leptos_routes` also mounts every server function (under /api). Any other path renders
    // the app, whose router answers with the "Page not found" page and a 404.
    let app = Router::new()
        .leptos_routes_with_context(&state, route_list(), context.clone(), page.clone())
        .fallback(leptos_axum::render_app_to_stream_with_context(
            context, page,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth_gate::gate,
        ))
        .layer(middleware::from_fn(api_errors::status_from_error))
        .layer(CompressionLayer::new());
    // The site's files are served here, never through Leptos's file-and-error handler: that
    // handler applies the `ResponseOptions` it finds in context to the file, and under
    // concurrent renders it can find another request's (a 404 page's status landed on the WASM,
    // and no browser hydrated that page).
    Router::new()
        .route("/pkg/{file}", get(site_files::serve))
        .route("/vendor/{file}", get(site_files::serve_vendor))
        .route_service(
            "/favicon.svg",
            ServeFile::new(settings.site_root.join("favicon.svg")),
        )
        .route("/healthz", get(health::healthz))
        .route("/files/{key}", get(files::serve))
        .route("/avatars/{file}", get(avatars::serve))
        .route("/ws", get(ws::upgrade))
        .merge(app)
        .layer(middleware::from_fn(request_limits::limit_body))
        .layer(RequestBodyTimeoutLayer::new(BODY_STALL_TIMEOUT))
        .layer(ResponseBodyTimeoutLayer::new(BODY_STALL_TIMEOUT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            HANDLER_TIMEOUT,
        ))
        .layer(middleware::from_fn_with_state(
            SiteOrigin::new(settings.public_url.as_ref()),
            same_origin::require,
        ))
        .layer(middleware::from_fn_with_state(
            TrustedProxies::new(&settings.trusted_proxies),
            client_addr::resolve,
        ))
        .layer(middleware::from_fn_with_state(
            HeaderPolicy {
                https: settings.secure_cookies(),
                connect: settings.connect_sources().into(),
            },
            security_headers::add,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
