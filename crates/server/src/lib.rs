//! The ChatterHub server: configuration, HTTP assembly and process lifecycle. Business logic lives
//! in `domain`; pages and server functions in `app`.

// The app's nested view types are deep; the default limit is too low to lay them out.
#![recursion_limit = "256"]

mod api_errors;
mod auth_gate;
mod client_addr;
pub mod config;
mod request_limits;
mod routes;
mod same_origin;
mod security_headers;
pub mod startup;
pub mod telemetry;
pub mod ws;
