//! Typed route parameters.

use std::str::FromStr;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The route parameter `name` parsed as `T` (a typed id); `None` when absent or malformed.
pub fn route_param<T>(name: &'static str) -> Memo<Option<T>>
where
    T: FromStr + PartialEq + Clone + Send + Sync + 'static,
{
    let params = use_params_map();
    Memo::new(move |_| params.read().get(name).and_then(|v| v.parse().ok()))
}
