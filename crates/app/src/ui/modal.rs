//! A modal dialog. Without `on_close` it cannot be dismissed (first-run server creation).
//! From the keyboard: its first field has focus when it opens, Tab and Shift+Tab go round
//! inside it, Escape from anywhere in it closes it, and focus goes back to where it was.

use leptos::prelude::*;

#[component]
pub fn Modal(
    #[prop(into)] title: String,
    #[prop(optional, into)] subtitle: Option<String>,
    #[prop(into)] on_close: Option<Callback<()>>,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "browser")]
    {
        let opener = focus::remember();
        Effect::new(move |_| {
            if let Some(dialog) = dialog.get() {
                focus::first_field(&dialog);
            }
        });
        on_cleanup(move || opener.restore());
    }
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            if let Some(close) = on_close {
                close.run(());
            }
        }
        "Tab" => {
            #[cfg(feature = "browser")]
            if let Some(dialog) = dialog.get_untracked()
                && focus::wrap(&dialog, ev.shift_key())
            {
                ev.prevent_default();
            }
        }
        _ => {}
    };
    let label = title.clone();
    view! {
        <div class="modal-backdrop" on:keydown=on_keydown>
            <div class="modal" role="dialog" aria-modal="true" aria-label=label node_ref=dialog>
                <header class="modal-header">
                    <h2>{title}</h2>
                    {subtitle.map(|s| view! { <p class="subtitle">{s}</p> })}
                    {on_close
                        .map(|close| {
                            view! {
                                <button
                                    type="button"
                                    class="icon-button modal-close"
                                    aria-label="Close"
                                    on:click=move |_| close.run(())
                                >
                                    "✕"
                                </button>
                            }
                        })}
                </header>
                {children()}
            </div>
        </div>
    }
}

/// Where focus goes in and out of a dialog (browser only).
#[cfg(feature = "browser")]
mod focus {
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;

    use leptos::prelude::document;
    use wasm_bindgen::JsCast;
    use web_sys::{Element, HtmlElement};

    const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), \
                             select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";
    const FIELDS: &str = "input:not([disabled]):not([type=hidden]), select:not([disabled]), \
                          textarea:not([disabled])";

    thread_local! {
        /// What had focus before each open dialog, by a number the dialog keeps (elements may
        /// not cross threads; the number may).
        static OPENERS: RefCell<HashMap<u64, HtmlElement>> = RefCell::new(HashMap::new());
        static NEXT: Cell<u64> = const { Cell::new(0) };
    }

    /// The element that had focus before the dialog opened.
    pub struct Opener(u64);

    pub fn remember() -> Opener {
        let key = NEXT.with(|n| {
            n.set(n.get() + 1);
            n.get()
        });
        if let Some(el) = document()
            .active_element()
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        {
            OPENERS.with(|o| o.borrow_mut().insert(key, el));
        }
        Opener(key)
    }

    impl Opener {
        /// Gives focus back, if that element is still on the page.
        pub fn restore(self) {
            if let Some(el) = OPENERS.with(|o| o.borrow_mut().remove(&self.0))
                && el.is_connected()
            {
                let _ = el.focus();
            }
        }
    }

    /// The elements under `root` matching `selector` that are shown, in document order.
    fn all(root: &Element, selector: &str) -> Vec<HtmlElement> {
        let mut found = Vec::new();
        collect(root, selector, &mut found);
        found
    }

    fn collect(parent: &Element, selector: &str, found: &mut Vec<HtmlElement>) {
        let children = parent.children();
        for i in 0..children.length() {
            let Some(child) = children.item(i) else {
                continue;
            };
            if child.matches(selector).unwrap_or(false)
                && let Ok(el) = child.clone().dyn_into::<HtmlElement>()
                && el.offset_parent().is_some()
            {
                found.push(el);
            }
            collect(&child, selector, found);
        }
    }

    /// Focuses the dialog's first field (or, with none, its first button).
    pub fn first_field(dialog: &Element) {
        let first = all(dialog, FIELDS)
            .into_iter()
            .next()
            .or_else(|| all(dialog, FOCUSABLE).into_iter().next());
        if let Some(el) = first {
            let _ = el.focus();
        }
    }

    /// Tab on the last focusable element goes to the first, Shift+Tab on the first to the
    /// last (and from outside, in); whether it moved focus itself.
    pub fn wrap(dialog: &Element, backwards: bool) -> bool {
        let items = all(dialog, FOCUSABLE);
        let (Some(first), Some(last)) = (items.first(), items.last()) else {
            return false;
        };
        let active = document().active_element();
        let at = |el: &HtmlElement| active.as_ref() == Some(el.unchecked_ref::<Element>());
        let inside = active.as_ref().is_some_and(|a| dialog.contains(Some(a)));
        let target = match (backwards, inside) {
            (true, true) if at(first) => last,
            (false, true) if at(last) => first,
            (_, true) => return false,
            (true, false) => last,
            (false, false) => first,
        };
        let _ = target.focus();
        true
    }
}
