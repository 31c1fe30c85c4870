//! Crash reports from browsers: a page whose WASM panicked says so, and the message lands in the
//! server log. Anyone may report (a panic can happen before signing in), so reports are bounded:
//! per client address, for the whole process, and in length.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use shared::AppError;

use crate::Domain;

/// The most of a report's message and page that is logged.
pub const MAX_REPORT_CHARS: usize = 2_000;

/// Logs what `client` reports of a crash on `page`, or refuses when over the limits.
pub fn report(domain: &Domain, client: IpAddr, page: &str, message: &str) -> Result<(), AppError> {
    domain.crash_reports.report(client, page, message)
}

pub(crate) struct CrashReports {
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    overall: DefaultDirectRateLimiter,
}

impl CrashReports {
    /// A browser reloading a crashing page reports each time: a few, then one a minute.
    const PER_ADDRESS_BURST: NonZeroU32 = NonZeroU32::new(5).unwrap();
    const PER_ADDRESS_PER_MINUTE: NonZeroU32 = NonZeroU32::new(1).unwrap();
    /// Past this, a flood from many addresses cannot fill the log either.
    const OVERALL_PER_MINUTE: NonZeroU32 = NonZeroU32::new(60).unwrap();

    pub(crate) fn new() -> Self {
        let per_address =
            Quota::per_minute(Self::PER_ADDRESS_PER_MINUTE).allow_burst(Self::PER_ADDRESS_BURST);
        Self {
            per_address: RateLimiter::keyed(per_address),
            overall: RateLimiter::direct(Quota::per_minute(Self::OVERALL_PER_MINUTE)),
        }
    }

    fn report(&self, client: IpAddr, page: &str, message: &str) -> Result<(), AppError> {
        if self.per_address.check_key(&client).is_err() || self.overall.check().is_err() {
            return Err(AppError::RateLimited);
        }
        tracing::error!(
            target: "browser",
            %client,
            page = clip(page),
            message = clip(message),
            "a page crashed in the browser"
        );
        Ok(())
    }
}

/// At most `MAX_REPORT_CHARS` characters, so one report cannot fill the log.
fn clip(text: &str) -> &str {
    text.char_indices()
        .nth(MAX_REPORT_CHARS)
        .map_or(text, |(end, _)| &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_refused_after_its_burst_and_others_are_not() {
        let reports = CrashReports::new();
        let a: IpAddr = [127, 0, 0, 1].into();
        let b: IpAddr = [127, 0, 0, 2].into();
        for _ in 0..5 {
            assert!(reports.report(a, "/", "boom").is_ok());
        }
        assert_eq!(reports.report(a, "/", "boom"), Err(AppError::RateLimited));
        assert!(reports.report(b, "/", "boom").is_ok());
    }

    #[test]
    fn many_addresses_together_are_bounded_too() {
        let reports = CrashReports::new();
        let accepted = (0..100u8)
            .filter(|i| reports.report([127, 0, 1, *i].into(), "/", "boom").is_ok())
            .count();
        assert_eq!(accepted, 60);
    }

    #[test]
    fn long_reports_are_clipped_on_a_character_boundary() {
        let long = "é".repeat(MAX_REPORT_CHARS + 10);
        assert_eq!(clip(&long).chars().count(), MAX_REPORT_CHARS);
        assert_eq!(clip("short"), "short");
    }
}
