//! Crash reports from browsers: a page whose WASM panicked says so, and the message lands in the
//! server log. Anyone may report (a panic can happen before signing in), so reports are bounded:
//! per client address, for the whole process, and in length.

use shared::AppError;

use crate::Domain;
use crate::limits::{ClientAddr, Key, Rule};

/// The most of a report's message and page that is logged.
pub const MAX_REPORT_CHARS: usize = 2_000;

/// Logs what `client` reports of a crash on `page`, or refuses when over the limits: per
/// address (a browser reloading a crashing page reports each time) and for everyone together
/// (so a flood from many addresses cannot fill the log either).
pub fn report(
    domain: &Domain,
    client: ClientAddr,
    page: &str,
    message: &str,
) -> Result<(), AppError> {
    domain.limits.check(Rule::CrashReportPerAddress, client)?;
    domain.limits.check(Rule::CrashReport, Key::Everyone)?;
    tracing::error!(
        target: "browser",
        client = %client.ip(),
        page = clip(page),
        message = clip(message),
        "a page crashed in the browser"
    );
    Ok(())
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
    fn long_reports_are_clipped_on_a_character_boundary() {
        let long = "é".repeat(MAX_REPORT_CHARS + 10);
        assert_eq!(clip(&long).chars().count(), MAX_REPORT_CHARS);
        assert_eq!(clip("short"), "short");
    }
}
