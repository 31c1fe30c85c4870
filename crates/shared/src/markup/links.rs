//! Addresses written in text, linked: `http` and `https` only (never `javascript:`, `data:` or
//! any other scheme), up to the first space, without the punctuation a sentence puts after them.

const SCHEMES: [&str; 2] = ["https://", "http://"];
/// Characters that end a sentence or a mark rather than an address.
const TRAILING: &str = ".,:;!?'\"*_~|";

/// The length of the address at the start of `rest`, if one starts there.
pub(super) fn url_len(rest: &str) -> Option<usize> {
    let scheme = SCHEMES.iter().find(|s| {
        rest.get(..s.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(s))
    })?;
    let end = rest
        .find(|c: char| c.is_whitespace() || c.is_control() || "<>\"`".contains(c))
        .unwrap_or(rest.len());
    let mut url = &rest[..end];
    while let Some(last) = url.chars().next_back() {
        let unbalanced = |open: char, close: char| {
            last == close && url.matches(open).count() < url.matches(close).count()
        };
        if !(TRAILING.contains(last) || unbalanced('(', ')') || unbalanced('[', ']')) {
            break;
        }
        url = &url[..url.len() - last.len_utf8()];
    }
    // Something must follow the scheme, and not only slashes.
    let host = &url[scheme.len().min(url.len())..];
    (!host.trim_start_matches('/').is_empty()).then_some(url.len())
}
