//! Mentions inside message text. A member is mentioned by id (`<@MEMBER_ID>`), so the name shown
//! is always their current one; `@everyone` mentions every member of the server. The composer
//! shows `@Name` while writing and turns the names picked from its list into ids on sending
//! (`encode`); an edit turns them back (`decode`).

use crate::ids::MemberId;

/// The word that mentions every member of a server.
pub const EVERYONE: &str = "@everyone";

/// At most this many different members mentioned by one message.
pub const MAX_MENTIONS: usize = 20;

/// `<@` + a hyphenated UUID + `>`.
const TOKEN_LEN: usize = 2 + 36 + 1;

/// A piece of message text: plain text, a member mentioned, or everyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    Text(&'a str),
    Member(MemberId),
    Everyone,
}

/// What a message mentions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mentions {
    /// Each member once, in the order first mentioned.
    pub members: Vec<MemberId>,
    pub everyone: bool,
}

impl Mentions {
    pub fn of(text: &str) -> Self {
        let mut found = Self::default();
        for segment in segments(text) {
            match segment {
                Segment::Member(id) if !found.members.contains(&id) => found.members.push(id),
                Segment::Everyone => found.everyone = true,
                _ => {}
            }
        }
        found
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty() && !self.everyone
    }

    /// Whether `member` is mentioned, by id or as one of everyone.
    pub fn includes(&self, member: MemberId) -> bool {
        self.everyone || self.members.contains(&member)
    }
}

/// How `member` is written inside stored text.
pub fn token(member: MemberId) -> String {
    format!("<@{member}>")
}

/// Splits `text` into plain text and mentions, in order.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut plain_from = 0;
    let mut at = 0;
    // Both kinds start with an ASCII byte, which never occurs inside a multi-byte character.
    while let Some(offset) = text[at..].find(['<', '@']) {
        at += offset;
        match mention_at(text, at) {
            Some((segment, len)) => {
                if plain_from < at {
                    out.push(Segment::Text(&text[plain_from..at]));
                }
                out.push(segment);
                at += len;
                plain_from = at;
            }
            None => at += 1,
        }
    }
    if plain_from < text.len() {
        out.push(Segment::Text(&text[plain_from..]));
    }
    out
}

/// The mention starting at byte `at`, and its length.
pub(crate) fn mention_at(text: &str, at: usize) -> Option<(Segment<'static>, usize)> {
    let rest = &text[at..];
    if rest.starts_with("<@") {
        let id = rest.get(2..TOKEN_LEN - 1)?;
        if rest.as_bytes().get(TOKEN_LEN - 1) != Some(&b'>') {
            return None;
        }
        let id = uuid::Uuid::parse_str(id).ok()?;
        return Some((Segment::Member(MemberId(id)), TOKEN_LEN));
    }
    if !rest.starts_with(EVERYONE) {
        return None;
    }
    let word_before = text[..at].chars().next_back().is_some_and(is_word);
    let word_after = rest[EVERYONE.len()..].chars().next().is_some_and(is_word);
    (!word_before && !word_after).then_some((Segment::Everyone, EVERYONE.len()))
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Turns each `@Name` of a member picked while writing into their token (longest names first,
/// so "@Ann Lee" is not taken for "@Ann").
pub fn encode(text: &str, picked: &[(String, MemberId)]) -> String {
    let mut picked: Vec<&(String, MemberId)> = picked.iter().collect();
    picked.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
    let mut out = text.to_owned();
    for (name, id) in picked {
        out = out.replace(&format!("@{name}"), &token(*id));
    }
    out
}

/// The text as a person reads it: each mention as `@Name` (`name` answers for each member; one
/// no longer known reads "@unknown member"). Also what an edit starts from, with the names it
/// wrote, so that `encode` turns them back into the same ids.
pub fn decode(
    text: &str,
    name: impl Fn(MemberId) -> Option<String>,
) -> (String, Vec<(String, MemberId)>) {
    let mut out = String::with_capacity(text.len());
    let mut named = Vec::new();
    for segment in segments(text) {
        match segment {
            Segment::Text(t) => out.push_str(t),
            Segment::Everyone => out.push_str(EVERYONE),
            Segment::Member(id) => match name(id) {
                Some(n) => {
                    out.push('@');
                    out.push_str(&n);
                    named.push((n, id));
                }
                None => out.push_str("@unknown member"),
            },
        }
    }
    (out, named)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn member() -> MemberId {
        MemberId(Uuid::new_v4())
    }

    #[test]
    fn text_splits_into_plain_text_and_mentions() {
        let ann = member();
        let text = format!("hi {} and @everyone, é<@{}", token(ann), "x");
        assert_eq!(
            segments(&text),
            vec![
                Segment::Text("hi "),
                Segment::Member(ann),
                Segment::Text(" and "),
                Segment::Everyone,
                Segment::Text(", é<@x"),
            ]
        );
        assert_eq!(segments(""), vec![]);
        assert_eq!(segments(&token(ann)), vec![Segment::Member(ann)]);
    }

    #[test]
    fn everyone_is_a_whole_word_only() {
        for plain in ["me@everyone.org", "@everyones", "x@everyone", "@every"] {
            assert!(!Mentions::of(plain).everyone, "{plain}");
        }
        for mention in ["@everyone", "(@everyone)", "hey @everyone!"] {
            assert!(Mentions::of(mention).everyone, "{mention}");
        }
    }

    #[test]
    fn malformed_tokens_stay_text() {
        let id = Uuid::new_v4();
        for plain in [
            format!("<@{id}"),
            format!("<@{}>", &id.to_string()[..35]),
            "<@not-a-uuid-at-all-but-36-chars-long>".to_owned(),
            format!("<@{id}]"),
        ] {
            assert!(Mentions::of(&plain).is_empty(), "{plain}");
        }
    }

    #[test]
    fn each_member_counts_once() {
        let (ann, bob) = (member(), member());
        let text = format!("{} {} {}", token(ann), token(bob), token(ann));
        let found = Mentions::of(&text);
        assert_eq!(found.members, vec![ann, bob]);
        assert!(found.includes(bob));
        assert!(!found.includes(member()));
        assert!(!found.everyone);
    }

    #[test]
    fn picked_names_become_tokens_and_come_back() {
        let (ann, ann_lee) = (member(), member());
        let picked = vec![("Ann".to_owned(), ann), ("Ann Lee".to_owned(), ann_lee)];
        let stored = encode("@Ann Lee meet @Ann, not @Bob", &picked);
        assert_eq!(
            stored,
            format!("{} meet {}, not @Bob", token(ann_lee), token(ann))
        );
        let names = |id| {
            picked
                .iter()
                .find(|(_, m)| *m == id)
                .map(|(n, _)| n.clone())
        };
        let (shown, named) = decode(&stored, names);
        assert_eq!(shown, "@Ann Lee meet @Ann, not @Bob");
        assert_eq!(encode(&shown, &named), stored);
        let (gone, _) = decode(&token(member()), |_| None);
        assert_eq!(gone, "@unknown member");
    }
}
