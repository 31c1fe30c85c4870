//! A round picture for a person or a server: the image, or initials when there is none.

use leptos::prelude::*;

#[component]
pub fn Avatar(
    #[prop(into)] name: String,
    image_url: Option<String>,
    #[prop(default = "avatar")] class: &'static str,
) -> impl IntoView {
    match image_url.filter(|u| !u.is_empty()) {
        Some(src) => view! { <img class=class src=src alt="" /> }.into_any(),
        None => view! {
            <span class=format!("{class} initials") aria-hidden="true">
                {initials(&name)}
            </span>
        }
        .into_any(),
    }
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}
