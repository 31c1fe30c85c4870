//! Message times in the reader's own time zone (in the browser; the server renders UTC).

use chrono::{DateTime, Utc};

/// "14:03", or with the date for older messages: "24/11/2026 14:03" (the browser's locale).
pub fn local_time(at: DateTime<Utc>) -> String {
    #[cfg(feature = "browser")]
    {
        let date = js_sys::Date::new(&wasm_millis(at));
        let today = js_sys::Date::new_0();
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"hour".into(), &"2-digit".into());
        let _ = js_sys::Reflect::set(&options, &"minute".into(), &"2-digit".into());
        let time: String = date
            .to_locale_time_string_with_options("default", &options)
            .into();
        if date.to_date_string() == today.to_date_string() {
            format!("Today at {time}")
        } else {
            let day: String = date
                .to_locale_date_string("default", &js_sys::Object::new())
                .into();
            format!("{day} {time}")
        }
    }
    #[cfg(not(feature = "browser"))]
    {
        at.format("%Y-%m-%d %H:%M UTC").to_string()
    }
}

/// The full date and time, for the tooltip.
pub fn local_date_time(at: DateTime<Utc>) -> String {
    #[cfg(feature = "browser")]
    {
        js_sys::Date::new(&wasm_millis(at))
            .to_locale_string("default", &js_sys::Object::new())
            .into()
    }
    #[cfg(not(feature = "browser"))]
    {
        at.to_rfc2822()
    }
}

#[cfg(feature = "browser")]
fn wasm_millis(at: DateTime<Utc>) -> wasm_bindgen::JsValue {
    // Milliseconds since 1970 fit an f64 exactly for any date a message has.
    wasm_bindgen::JsValue::from_f64(at.timestamp_millis() as f64)
}
