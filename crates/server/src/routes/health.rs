//! `GET /healthz`: 200 while the database answers, 503 otherwise (for load balancers).

use axum::extract::State;
use axum::http::StatusCode;
use domain::Domain;

pub async fn healthz(State(domain): State<Domain>) -> (StatusCode, &'static str) {
    if domain::db::is_reachable(&domain.db).await {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}
