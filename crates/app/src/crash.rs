//! When the app panics in the browser (a failed hydration above all), the tab must not be left
//! blank: a notice covers the page with a way to reload, and the panic message goes to the
//! server's log (`report_crash`, rate-limited there).

use leptos::prelude::*;
use shared::AppError;

/// Logs a browser's crash report. Anyone may send one (a page can crash before signing in);
/// the domain bounds them per address and overall.
#[server(prefix = "/api", endpoint = "report_crash")]
pub async fn report_crash(page: String, message: String) -> Result<(), AppError> {
    use crate::auth::session;
    domain::crash_reports::report(
        &session::domain()?,
        session::client_addr().await?,
        &page,
        &message,
    )
}

/// Installs the panic hook: the message to the console and the server, and the notice on the page.
#[cfg(feature = "browser")]
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let message = info.to_string();
        show_notice();
        send_report(&message);
    }));
}

/// Covers the page with "Something went wrong" and a "Reload" link, once.
///
/// Plain DOM, no Leptos and no Rust event handler: after a panic the app's state cannot be
/// trusted (and a release build has aborted), so the link reloads by being a link. It is marked
/// `rel="external"` so the router's click handler, still listening, leaves it to the browser.
#[cfg(feature = "browser")]
fn show_notice() {
    const NOTICE_ID: &str = "crash-notice";
    let document = document();
    let Some(body) = document.body() else { return };
    if document.get_element_by_id(NOTICE_ID).is_some() {
        return;
    }
    let href = window()
        .location()
        .href()
        .ok()
        .map(|h| h.split('#').next().unwrap_or_default().to_owned())
        .unwrap_or_else(|| "/".to_owned());
    let Ok(notice) = document.create_element("div") else {
        return;
    };
    notice.set_id(NOTICE_ID);
    notice.set_class_name("crash-notice");
    for (name, value) in [
        ("role", "alertdialog"),
        ("aria-modal", "true"),
        ("aria-labelledby", "crash-notice-title"),
    ] {
        let _ = notice.set_attribute(name, value);
    }
    let card = format!(
        "<section class=\"card\"><h1 id=\"crash-notice-title\">Something went wrong</h1>\
         <p>ChatterHub stopped working in this tab. Reloading the page fixes it.</p>\
         <a class=\"button primary\" rel=\"external\" href=\"{}\">Reload</a></section>",
        escape_attribute(&href)
    );
    notice.set_inner_html(&card);
    let _ = body.append_child(&notice);
}

/// Sends the panic message with the page's path; fire-and-forget, so it survives the abort.
#[cfg(feature = "browser")]
fn send_report(message: &str) {
    let page = window().location().pathname().unwrap_or_default();
    let Ok(form) = web_sys::UrlSearchParams::new() else {
        return;
    };
    form.append("page", &page);
    form.append("message", message);
    let _ = window().navigator().send_beacon_with_opt_url_search_params(
        <ReportCrash as leptos::server_fn::ServerFn>::PATH,
        Some(&form),
    );
}

/// `text` made safe inside a double-quoted HTML attribute.
#[cfg(any(feature = "browser", test))]
fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::escape_attribute;

    #[test]
    fn attributes_cannot_be_broken_out_of() {
        assert_eq!(
            escape_attribute(r#"/x?a="><script>&"#),
            "/x?a=&quot;&gt;&lt;script&gt;&amp;"
        );
    }
}
