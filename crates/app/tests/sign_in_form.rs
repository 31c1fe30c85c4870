//! The sign-in form mounted in headless Chromium and driven like a person would.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use app::auth::pages::SignInPage;
use leptos::prelude::*;
use leptos_router::components::Router;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Document, Element, HtmlButtonElement, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

fn mount_sign_in(at: &str) -> (HtmlElement, impl Drop) {
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(at))
        .unwrap();
    let host: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), || {
        view! {
            <Router>
                <SignInPage />
            </Router>
        }
    });
    (host, handle)
}

fn find(host: &HtmlElement, selector: &str) -> Option<Element> {
    host.query_selector(selector).unwrap()
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn every_field_has_a_visible_label_and_next_is_carried() {
    let (host, _handle) = mount_sign_in("/sign-in?next=/servers/abc");
    leptos::task::tick().await;
    for (id, text) in [("email", "Email"), ("password", "Password")] {
        let label = find(&host, &format!("label[for='{id}']")).expect("a label");
        assert_eq!(label.text_content().unwrap(), text);
        assert!(find(&host, &format!("input#{id}")).is_some(), "input #{id}");
    }
    let next: HtmlInputElement = find(&host, "input[name='next']").unwrap().unchecked_into();
    assert_eq!(next.value(), "/servers/abc");
    let button = find(&host, "button[type='submit']").unwrap();
    assert_eq!(button.text_content().unwrap(), "Sign in");
    host.remove();
}

#[wasm_bindgen_test]
async fn submitting_shows_the_server_answer_in_an_alert() {
    let (host, _handle) = mount_sign_in("/sign-in");
    leptos::task::tick().await;
    assert!(
        find(&host, "[role='alert']").is_none(),
        "no error before submitting"
    );
    let email: HtmlInputElement = find(&host, "#email").unwrap().unchecked_into();
    let password: HtmlInputElement = find(&host, "#password").unwrap().unchecked_into();
    email.set_value("ada@example.com");
    password.set_value("analytical engine");
    let button: HtmlButtonElement = find(&host, "button[type='submit']")
        .unwrap()
        .unchecked_into();
    button.click();

    // The test page has no ChatterHub server behind it, so the call fails; the form must say so
    // in place and let the person try again.
    let mut alert = None;
    for _ in 0..100 {
        sleep(50).await;
        alert = find(&host, "[role='alert']");
        if alert.is_some() {
            break;
        }
    }
    let alert = alert.expect("an error alert after a failed submit");
    assert!(!alert.text_content().unwrap().is_empty());
    assert!(!button.disabled(), "the button is usable again");
    host.remove();
}
