//! Going to a message: scrolled to (and briefly marked) when the list on screen holds it, or
//! else its thread opens around it (`?message=ID`).

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};
use shared::ids::MessageId;

/// What goes to a message of the thread on screen (made where the router is at hand).
pub fn go_to_message() -> impl Fn(MessageId) + Clone + 'static {
    let go = go_to_message_at();
    let path = use_location().pathname;
    move |target| go(&path.get_untracked(), target)
}

/// What goes to a message of the thread at `path`, this one or another.
pub fn go_to_message_at() -> impl Fn(&str, MessageId) + Clone + 'static {
    let navigate = use_navigate();
    let here = use_location().pathname;
    move |path, target| {
        if here.get_untracked() != path || !show_on_screen(target) {
            navigate(
                &format!("{path}?message={target}"),
                NavigateOptions::default(),
            );
        }
    }
}

/// Scrolls to the message if the list holds it (briefly marked); whether it did.
fn show_on_screen(id: MessageId) -> bool {
    #[cfg(feature = "browser")]
    {
        let Some(row) = document().get_element_by_id(&format!("message-{id}")) else {
            return false;
        };
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Center);
        row.scroll_into_view_with_scroll_into_view_options(&options);
        let _ = row.class_list().add_1("flash");
        set_timeout(
            move || {
                let _ = row.class_list().remove_1("flash");
            },
            std::time::Duration::from_millis(1500),
        );
        true
    }
    #[cfg(not(feature = "browser"))]
    {
        let _ = id;
        false
    }
}
