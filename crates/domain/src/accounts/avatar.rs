//! The avatar a new profile starts with: initials on a colour chosen from the profile id.

use uuid::Uuid;

const COLOURS: [&str; 8] = [
    "#5865f2", "#3ba55c", "#faa61a", "#ed4245", "#eb459e", "#9b59b6", "#1abc9c", "#e67e22",
];

/// An SVG data URL with up to two initials of `name`.
pub fn data_url(name: &str, seed: Uuid) -> String {
    let initials: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .map(escape)
        .collect();
    let colour = COLOURS[usize::from(seed.as_bytes()[0]) % COLOURS.len()];
    let svg = format!(
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 64 64'>\
         <rect width='64' height='64' fill='{colour}'/>\
         <text x='32' y='41' font-family='sans-serif' font-size='26' fill='white' \
         text-anchor='middle'>{initials}</text></svg>"
    );
    format!("data:image/svg+xml,{}", percent_encode(&svg))
}

fn escape(c: char) -> String {
    match c {
        '<' => "&lt;".into(),
        '>' => "&gt;".into(),
        '&' => "&amp;".into(),
        '\'' => "&apos;".into(),
        '"' => "&quot;".into(),
        c => c.to_string(),
    }
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b' '
            | b'='
            | b'/'
            | b':'
            | b'\'' => out.push(char::from(b)),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avatars_show_initials_and_escape_markup() {
        let url = data_url("ada lovelace", Uuid::nil());
        assert!(url.starts_with("data:image/svg+xml,"));
        assert!(url.contains("%3EAL%3C"), "{url}");
        let hostile = data_url("<script> &", Uuid::nil());
        assert!(!hostile.contains("<script"));
        assert!(hostile.contains("%26lt%3B"), "{hostile}");
    }
}
