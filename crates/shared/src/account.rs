//! Account input (parsed, never merely validated) and the signed-in user as the client sees it.

use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::ids::ProfileId;

/// The signed-in person, as shown in the app shell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: ProfileId,
    pub name: String,
    pub email: String,
    pub image_url: Option<String>,
}

/// A display name: trimmed, 1–50 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 50;

    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(AppError::Validation("Name is required.".into()));
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(AppError::Validation(format!(
                "Name must be at most {} characters.",
                Self::MAX_CHARS
            )));
        }
        if name.chars().any(char::is_control) {
            return Err(AppError::Validation(
                "Name must not contain control characters.".into(),
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address: trimmed, lower-cased, one `@` with text on both sides and a dot in the domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub const MAX_CHARS: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let email = raw.trim().to_lowercase();
        let invalid = || AppError::Validation("Enter a valid email address.".into());
        if email.is_empty() || email.chars().count() > Self::MAX_CHARS {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@');
        if local.is_empty() || !domain_ok || email.chars().any(char::is_whitespace) {
            return Err(invalid());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 8–128 characters. Existing passwords are checked as given, never parsed.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            return Err(AppError::Validation(format!(
                "Password must be at least {} characters.",
                Self::MIN_CHARS
            )));
        }
        if n > Self::MAX_CHARS {
            return Err(AppError::Validation(format!(
                "Password must be at most {} characters.",
                Self::MAX_CHARS
            )));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// The longest `next` path kept; anything longer goes home.
pub const MAX_NEXT_BYTES: usize = 2048;

/// Where to go after signing in: only a plain path on this site, so a link cannot send people
/// elsewhere. Browsers drop tabs and newlines from addresses and read `\` as `/`, so
/// `/\t/evil.example` or `/\evil.example` would leave the site, and a control character cannot
/// go in a `Location` header at all: such paths, raw or once percent-decoded, go home instead.
pub fn safe_next_path(raw: Option<&str>) -> String {
    match raw {
        Some(path) if is_safe_next(path) => path.to_owned(),
        _ => "/".to_owned(),
    }
}

fn is_safe_next(path: &str) -> bool {
    path.len() <= MAX_NEXT_BYTES
        && !path.chars().any(char::is_whitespace)
        && stays_on_site(path)
        && stays_on_site(&percent_decode(path))
}

/// A path (not `//host`), with nothing a browser would drop or read as a slash.
fn stays_on_site(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.chars().any(|c| c.is_control() || c == '\\')
}

/// `%XX` escapes decoded once (others left as they are); invalid UTF-8 becomes U+FFFD.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The sign-in page address that returns to `target` (a local path, with its query) afterwards.
pub fn sign_in_path(target: &str) -> String {
    format!("/sign-in?next={}", encode_path(target))
}

/// Percent-encodes a local path for use as a query value (slashes stay readable).
pub fn encode_path(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Ada ").unwrap().as_str(), "Ada");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(51)).is_err());
        assert!(DisplayName::parse(&"é".repeat(50)).is_ok());
        assert!(DisplayName::parse("a\u{0007}b").is_err());
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse(" Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "ada@example",
            "ada@.com",
            "a b@example.com",
            "a@b@example.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_eight_to_128_characters() {
        assert!(Password::parse("1234567").is_err());
        assert!(Password::parse("12345678").is_ok());
        assert!(Password::parse(&"p".repeat(129)).is_err());
        assert_eq!(
            format!("{:?}", Password::parse("secret-pass").unwrap()),
            "Password(***)"
        );
    }

    #[test]
    fn sign_in_links_carry_the_encoded_target() {
        assert_eq!(sign_in_path("/"), "/sign-in?next=/");
        assert_eq!(
            sign_in_path("/a b?x=1&y"),
            "/sign-in?next=/a%20b%3Fx%3D1%26y"
        );
    }

    #[test]
    fn next_path_stays_on_this_site() {
        assert_eq!(safe_next_path(Some("/servers/1")), "/servers/1");
        assert_eq!(safe_next_path(Some("//evil.example")), "/");
        assert_eq!(safe_next_path(Some("https://evil.example")), "/");
        assert_eq!(safe_next_path(Some("/\\evil.example")), "/");
        assert_eq!(safe_next_path(None), "/");
        for bad in [
            "/\t/evil.example",
            "/%09/evil.example",
            "/\n",
            "/%0A",
            "/%0d%0aSet-Cookie:x=1",
            "//x",
            "/%2F/x",
            "/\\x",
            "/%5Cx",
            "/ x",
            "/\u{7f}",
            "",
            "x/y",
        ] {
            assert_eq!(safe_next_path(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(
            safe_next_path(Some(&format!("/{}", "a".repeat(MAX_NEXT_BYTES)))),
            "/"
        );
        for good in [
            "/servers/1?tab=a%20b",
            "/invite/abc",
            "/caf%C3%A9",
            "/café",
            "/100%",
        ] {
            assert_eq!(safe_next_path(Some(good)), good);
        }
    }

    proptest::proptest! {
        /// Whatever is asked for, the answer is a plain local path that fits in a header.
        #[test]
        fn next_paths_never_leave_the_site(raw in ".{0,64}", tail in "\\PC{0,16}") {
            for candidate in [raw.clone(), format!("/{raw}"), format!("/{tail}")] {
                let next = safe_next_path(Some(&candidate));
                proptest::prop_assert!(next == "/" || next == candidate);
                proptest::prop_assert!(is_safe_next(&next));
                proptest::prop_assert!(http_header_safe(&next));
            }
        }
    }

    /// What `http::HeaderValue::from_str` accepts: visible ASCII, space, tab, and bytes >= 0x80.
    fn http_header_safe(value: &str) -> bool {
        value
            .bytes()
            .all(|b| b == b'\t' || (b' '..=b'~').contains(&b) || b >= 0x80)
    }
}
