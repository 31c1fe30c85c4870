//! Message search: what a person types (words and `from:`, `in:`, `has:file`, `before:`,
//! `after:` filters), what comes back (the matching messages they may read, newest first, a
//! page at a time), and how a hit marks the words it matched.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{ChannelId, ConversationId, MemberId, ServerId};
use crate::messages::Message;

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// The most words a query may search for.
pub const MAX_WORDS: usize = 10;
/// Hits on one page.
pub const PAGE_SIZE: usize = 25;

/// A parsed query. A message matches when it holds every word (whole words, in any case; not
/// word beginnings, which would make the index merge every word they begin and a common one
/// cost as much as reading every message).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// Lowercased, letters and digits only (how the index splits text into words too).
    pub words: Vec<String>,
    /// `from:`: authors whose name starts with this (case-insensitive).
    pub from: Option<String>,
    /// `in:`: channels of this name (`#` optional); direct messages are left out.
    pub channel: Option<String>,
    /// `has:file`.
    pub has_file: bool,
    /// `before:` (messages of earlier days) and `after:` (of later days), in the searcher's
    /// own calendar.
    pub before: Option<NaiveDate>,
    pub after: Option<NaiveDate>,
}

impl SearchQuery {
    /// Reads what was typed; an error says what is wrong in words.
    pub fn parse(text: &str) -> Result<SearchQuery, String> {
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(format!("A search is at most {MAX_QUERY_CHARS} characters."));
        }
        let mut query = SearchQuery::default();
        for (key, value) in terms(text) {
            match key {
                None => query.words.extend(words(&value)),
                Some(Filter::From) => query.from = Some(non_empty("from", value)?),
                Some(Filter::In) => {
                    let name = value.trim_start_matches('#').to_lowercase();
                    query.channel = Some(non_empty("in", name)?);
                }
                Some(Filter::Has) if value.eq_ignore_ascii_case("file") => query.has_file = true,
                Some(Filter::Has) => return Err("has: takes one value: has:file.".into()),
                Some(Filter::Before) => query.before = Some(date("before", &value)?),
                Some(Filter::After) => query.after = Some(date("after", &value)?),
            }
        }
        if query.words.len() > MAX_WORDS {
            return Err(format!("Search for at most {MAX_WORDS} words at a time."));
        }
        if query.words.is_empty()
            && query.from.is_none()
            && query.channel.is_none()
            && !query.has_file
        {
            return Err("Type a word to search for, or a filter such as from:name.".into());
        }
        if let (Some(after), Some(before)) = (query.after, query.before)
            && after >= before
        {
            return Err("No day is both after and before those dates.".into());
        }
        Ok(query)
    }
}

/// The filters a query may hold; any other `word:` is text.
#[derive(Clone, Copy)]
enum Filter {
    From,
    In,
    Has,
    Before,
    After,
}

impl Filter {
    fn named(key: &str) -> Option<Filter> {
        [
            ("from", Filter::From),
            ("in", Filter::In),
            ("has", Filter::Has),
            ("before", Filter::Before),
            ("after", Filter::After),
        ]
        .into_iter()
        .find(|(name, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, filter)| filter)
    }
}

/// The pieces of a query: `key:value` filters and plain text. A value may be quoted
/// (`from:"Alice Author"`); so may plain text.
fn terms(text: &str) -> Vec<(Option<Filter>, String)> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let filter = rest[..word_end]
            .find(':')
            .and_then(|i| Some((Filter::named(&rest[..i])?, i + 1)));
        let (key, value_start) = match filter {
            Some((filter, start)) => (Some(filter), start),
            None => (None, 0),
        };
        let after_key = &rest[value_start..];
        let (value, used) = match after_key.strip_prefix('"') {
            Some(quoted) => match quoted.find('"') {
                Some(end) => (quoted[..end].to_owned(), value_start + end + 2),
                None => (quoted.to_owned(), rest.len()),
            },
            None => {
                let end = after_key
                    .find(char::is_whitespace)
                    .unwrap_or(after_key.len());
                (after_key[..end].to_owned(), value_start + end)
            }
        };
        out.push((key, value));
        rest = rest[used..].trim_start();
    }
    out
}

/// `text`'s words as the index sees them: runs of letters and digits, lowercased.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn non_empty(key: &str, value: String) -> Result<String, String> {
    let value = value.trim().to_owned();
    if value.is_empty() {
        Err(format!("{key}: needs a value, such as {key}:name."))
    } else {
        Ok(value)
    }
}

fn date(key: &str, value: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| format!("Write {key}: dates as YYYY-MM-DD, such as {key}:2026-11-01."))
}

/// Where a hit was said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HitPlace {
    Channel {
        server_id: ServerId,
        server_name: String,
        channel_id: ChannelId,
        channel_name: String,
    },
    /// A direct conversation, opened from its server with the other person.
    Conversation {
        server_id: ServerId,
        conversation_id: ConversationId,
        with_member: MemberId,
        with_name: String,
    },
}

/// One message found, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub message: Message,
    pub place: HitPlace,
    /// The message as read (mentions by name, no formatting marks), cut to the part around
    /// the first word found when it is long.
    pub excerpt: String,
}

/// The most characters of a message a hit shows.
pub const EXCERPT_CHARS: usize = 300;
/// How much of what comes before the first word found an excerpt keeps.
const EXCERPT_LEAD_CHARS: usize = 60;

/// `text` cut to at most `EXCERPT_CHARS` characters around the first word matching one
/// searched for ("…" where it was cut).
pub fn excerpt(text: &str, searched: &[String]) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= EXCERPT_CHARS {
        return text.to_owned();
    }
    let mut seen = 0;
    let first = highlight(text, searched)
        .into_iter()
        .find_map(|(piece, hit)| {
            let at = seen;
            seen += piece.chars().count();
            hit.then_some(at)
        })
        .unwrap_or(0);
    let start = first
        .saturating_sub(EXCERPT_LEAD_CHARS)
        .min(chars.len() - EXCERPT_CHARS);
    let end = start + EXCERPT_CHARS;
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    out
}

/// A page of hits, newest first; `next` asks for the page after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    pub next: Option<String>,
    /// The words searched for, to mark in each hit.
    pub words: Vec<String>,
}

/// `text` cut into pieces, the words searched for (in any case) marked `true`.
pub fn highlight(text: &str, searched: &[String]) -> Vec<(String, bool)> {
    let mut pieces: Vec<(String, bool)> = Vec::new();
    let mut push = |piece: &str, hit: bool| match pieces.last_mut() {
        Some((last, was)) if *was == hit => last.push_str(piece),
        _ => pieces.push((piece.to_owned(), hit)),
    };
    let mut rest = text;
    while let Some(start) = rest.find(char::is_alphanumeric) {
        push(&rest[..start], false);
        let word = &rest[start..];
        let end = word
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(word.len());
        let (word, after) = word.split_at(end);
        let lower = word.to_lowercase();
        let hit = searched.contains(&lower);
        push(word, hit);
        rest = after;
    }
    push(rest, false);
    pieces.retain(|(piece, _)| !piece.is_empty());
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> SearchQuery {
        SearchQuery::parse(text).expect(text)
    }

    #[test]
    fn words_and_filters() {
        let q = parse(
            r#"Deploy plan from:"Alice Author" in:#general has:file after:2026-11-01 before:2026-12-01"#,
        );
        assert_eq!(q.words, ["deploy", "plan"]);
        assert_eq!(q.from.as_deref(), Some("Alice Author"));
        assert_eq!(q.channel.as_deref(), Some("general"));
        assert!(q.has_file);
        assert_eq!(q.after, NaiveDate::from_ymd_opt(2026, 11, 1));
        assert_eq!(q.before, NaiveDate::from_ymd_opt(2026, 12, 1));
    }

    #[test]
    fn punctuation_splits_words_as_the_index_does() {
        assert_eq!(
            parse("re-deploy: it's ÜBER").words,
            ["re", "deploy", "it", "s", "über"]
        );
        assert_eq!(parse("http://x.io").words, ["http", "x", "io"]);
        assert_eq!(parse("color:red FROM:bob").words, ["color", "red"]);
        assert_eq!(parse("\"quoted words\"").words, ["quoted", "words"]);
        assert_eq!(parse("from:bob").words, Vec::<String>::new());
    }

    #[test]
    fn bad_queries_say_why() {
        for bad in [
            "",
            "   ",
            "?!",
            "has:link",
            "before:yesterday",
            "after:2026-13-01",
            "from:",
            "in:#",
            "x after:2026-11-02 before:2026-11-02",
        ] {
            assert!(SearchQuery::parse(bad).is_err(), "{bad}");
        }
        assert!(SearchQuery::parse(&"a ".repeat(11)).is_err());
        assert!(SearchQuery::parse(&"a".repeat(MAX_QUERY_CHARS + 1)).is_err());
    }

    #[test]
    fn a_long_message_is_cut_around_the_first_word_found() {
        let text = format!("{} needle {}", "a".repeat(1000), "b".repeat(1000));
        let cut = excerpt(&text, &words("needle"));
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 2);
        assert!(cut.starts_with('…') && cut.ends_with('…'));
        assert!(cut.contains("needle"));
        let near_end = format!("{}needle", "a ".repeat(500));
        assert!(excerpt(&near_end, &words("needle")).ends_with("needle"));
        assert_eq!(excerpt("short", &words("x")), "short");
        assert!(excerpt(&"é".repeat(400), &words("zz")).starts_with("éé"));
    }

    #[test]
    fn highlight_marks_the_words_searched_for() {
        let searched = words("deploy PLAN");
        let pieces = highlight("Deploy the plan; redeploy plans!", &searched);
        assert_eq!(
            pieces,
            [
                ("Deploy".to_owned(), true),
                (" the ".to_owned(), false),
                ("plan".to_owned(), true),
                ("; redeploy plans!".to_owned(), false),
            ]
        );
        assert_eq!(highlight("", &searched), []);
        assert_eq!(highlight("nothing", &[]), [("nothing".to_owned(), false)]);
    }
}
