//! Message times in the reader's own time zone and words (in the browser; the server renders
//! UTC): "Today at 14:03", "Yesterday at 09:12", older ones with their date; a line for each day.

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;

/// How often the day is checked, so "Today" becomes "Yesterday" past midnight.
const CHECK_DAY_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// The reader's current day, kept current while a thread is open.
#[derive(Debug, Clone, Copy)]
pub struct Today(RwSignal<NaiveDate>);

impl Today {
    /// Starts keeping the day, for what is rendered below (checked every half minute).
    pub fn provide() -> Self {
        let today = Self(RwSignal::new(local_day(now())));
        Effect::new(move |_| {
            let check = move || {
                let day = local_day(now());
                if today.0.get_untracked() != day {
                    today.0.set(day);
                }
            };
            if let Ok(handle) = set_interval_with_handle(check, CHECK_DAY_EVERY) {
                on_cleanup(move || handle.clear());
            }
        });
        provide_context(today);
        today
    }

    /// The day provided above, or a fixed one when nothing keeps it.
    pub fn get() -> Self {
        use_context().unwrap_or_else(|| Self(RwSignal::new(local_day(now()))))
    }

    pub fn day(self) -> NaiveDate {
        self.0.get()
    }
}

/// When a message was written, as a list shows it: "Today at 14:03", "Yesterday at 14:03", or
/// "24/11/2026 14:03" (the browser's locale).
pub fn stamp(at: DateTime<Utc>, today: NaiveDate) -> String {
    stamp_words(local_day(at), today, &clock(at), &short_date(at))
}

/// The words of `stamp`, from the message's day and today.
pub fn stamp_words(day: NaiveDate, today: NaiveDate, clock: &str, date: &str) -> String {
    if day == today {
        format!("Today at {clock}")
    } else if today.pred_opt() == Some(day) {
        format!("Yesterday at {clock}")
    } else {
        format!("{date} {clock}")
    }
}

/// The time alone: "14:03".
pub fn clock(at: DateTime<Utc>) -> String {
    #[cfg(feature = "browser")]
    {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"hour".into(), &"2-digit".into());
        let _ = js_sys::Reflect::set(&options, &"minute".into(), &"2-digit".into());
        js_date(at)
            .to_locale_time_string_with_options("default", &options)
            .into()
    }
    #[cfg(not(feature = "browser"))]
    {
        at.format("%H:%M UTC").to_string()
    }
}

fn short_date(at: DateTime<Utc>) -> String {
    #[cfg(feature = "browser")]
    {
        js_date(at)
            .to_locale_date_string("default", &js_sys::Object::new())
            .into()
    }
    #[cfg(not(feature = "browser"))]
    {
        at.format("%Y-%m-%d").to_string()
    }
}

/// The full date and time, for the tooltip.
pub fn local_date_time(at: DateTime<Utc>) -> String {
    #[cfg(feature = "browser")]
    {
        js_date(at)
            .to_locale_string("default", &js_sys::Object::new())
            .into()
    }
    #[cfg(not(feature = "browser"))]
    {
        at.to_rfc2822()
    }
}

/// How far the reader's calendar is ahead of UTC now, in minutes.
pub fn utc_offset_minutes() -> i32 {
    #[cfg(feature = "browser")]
    {
        -(js_sys::Date::new_0().get_timezone_offset() as i32)
    }
    #[cfg(not(feature = "browser"))]
    {
        0
    }
}

/// The reader's calendar day of `at`.
pub fn local_day(at: DateTime<Utc>) -> NaiveDate {
    #[cfg(feature = "browser")]
    {
        let date = js_date(at);
        let day = i32::try_from(date.get_full_year())
            .ok()
            .and_then(|y| NaiveDate::from_ymd_opt(y, date.get_month() + 1, date.get_date()));
        day.unwrap_or_else(|| at.date_naive())
    }
    #[cfg(not(feature = "browser"))]
    {
        at.date_naive()
    }
}

/// The line at the start of a day: "Tuesday, 24 November 2026" (the browser's locale).
pub fn day_line(day: NaiveDate) -> String {
    #[cfg(feature = "browser")]
    {
        use chrono::Datelike;
        let options = js_sys::Object::new();
        for (key, value) in [
            ("weekday", "long"),
            ("year", "numeric"),
            ("month", "long"),
            ("day", "numeric"),
        ] {
            let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
        }
        let month = i32::try_from(day.month0()).unwrap_or_default();
        let day_of_month = i32::try_from(day.day()).unwrap_or(1);
        js_sys::Date::new_with_year_month_day(day.year().unsigned_abs(), month, day_of_month)
            .to_locale_date_string("default", &options)
            .into()
    }
    #[cfg(not(feature = "browser"))]
    {
        day.format("%A, %-d %B %Y").to_string()
    }
}

fn now() -> DateTime<Utc> {
    #[cfg(feature = "browser")]
    {
        // The clock of the browser: `Utc::now` has none in WASM.
        DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
    }
    #[cfg(not(feature = "browser"))]
    {
        Utc::now()
    }
}

#[cfg(feature = "browser")]
fn js_date(at: DateTime<Utc>) -> js_sys::Date {
    // Milliseconds since 1970 fit an f64 exactly for any date a message has.
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ))
}
