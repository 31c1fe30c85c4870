//! What the composer's mention list offers (pure, natively tested): the `@word` being typed at
//! the cursor, the members whose name starts with it, and the text once one is picked.

use shared::community::MemberInfo;
use shared::ids::MemberId;
use shared::mentions::EVERYONE;

/// The most names the list shows at once.
const SHOWN: usize = 8;
/// A name being typed is at most this long (longer, it is just text).
const LONGEST: usize = 32;

/// An `@` being typed: where it is (a byte offset) and what follows it up to the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typing {
    pub at: usize,
    pub query: String,
}

/// Someone (or everyone) the list offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// `None` for everyone.
    pub member: Option<MemberId>,
    pub name: String,
    pub image_url: Option<String>,
}

/// The `@…` that ends at `cursor` (a byte offset in `text`), if the caret is in one: an `@` at
/// the start or after a space, followed by at most `LONGEST` characters on the same line.
pub fn typing_at(text: &str, cursor: usize) -> Option<Typing> {
    let before = text.get(..cursor)?;
    let at = before.rfind('@')?;
    let query = &before[at + 1..];
    let starts_word = before[..at]
        .chars()
        .next_back()
        .is_none_or(char::is_whitespace);
    let one_line = !query.contains('\n');
    (starts_word && one_line && query.chars().count() <= LONGEST).then(|| Typing {
        at,
        query: query.to_owned(),
    })
}

/// The members whose name, or a word of it, starts with `query` (any case), names starting
/// with it first, then by name; `me` is left out, and everyone is offered to those who may.
pub fn candidates(
    members: &[MemberInfo],
    me: MemberId,
    query: &str,
    everyone_allowed: bool,
) -> Vec<Candidate> {
    let query = query.to_lowercase();
    let mut found: Vec<(bool, &MemberInfo)> = members
        .iter()
        .filter(|m| m.id != me)
        .filter_map(|m| {
            let name = m.name.to_lowercase();
            if name.starts_with(&query) {
                Some((true, m))
            } else if name.split_whitespace().any(|w| w.starts_with(&query)) {
                Some((false, m))
            } else {
                None
            }
        })
        .collect();
    found.sort_by(|(a_first, a), (b_first, b)| {
        b_first
            .cmp(a_first)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    let mut out: Vec<Candidate> = Vec::new();
    if everyone_allowed && EVERYONE[1..].starts_with(&query) {
        out.push(Candidate {
            member: None,
            name: EVERYONE[1..].to_owned(),
            image_url: None,
        });
    }
    out.extend(found.into_iter().map(|(_, m)| Candidate {
        member: Some(m.id),
        name: m.name.clone(),
        image_url: m.image_url.clone(),
    }));
    out.truncate(SHOWN);
    out
}

/// `text` with the `@query` typed at `typing` (ending at `cursor`) replaced by the picked name
/// and a space; and where the cursor goes (a byte offset).
pub fn pick(text: &str, typing: &Typing, cursor: usize, name: &str) -> (String, usize) {
    let inserted = format!("@{name} ");
    let after = text.get(cursor..).unwrap_or("");
    let out = format!("{}{inserted}{after}", &text[..typing.at]);
    (out, typing.at + inserted.len())
}

/// A byte offset in `text` for a position the browser gives in UTF-16 code units.
pub fn byte_offset(text: &str, utf16: u32) -> usize {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units >= utf16 as usize {
            return i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// The UTF-16 position of a byte offset in `text`, for the browser's caret.
pub fn utf16_offset(text: &str, byte: usize) -> u32 {
    let units: usize = text
        .get(..byte)
        .unwrap_or(text)
        .chars()
        .map(char::len_utf16)
        .sum();
    u32::try_from(units).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ids::ProfileId;
    use shared::permissions::Role;
    use uuid::Uuid;

    fn member(name: &str) -> MemberInfo {
        MemberInfo {
            id: MemberId(Uuid::new_v4()),
            profile_id: ProfileId(Uuid::new_v4()),
            name: name.into(),
            image_url: None,
            role: Role::Guest,
            is_owner: false,
        }
    }

    #[test]
    fn an_at_sign_starting_a_word_opens_the_list() {
        let typing = |text: &str| typing_at(text, text.len());
        assert_eq!(
            typing("hi @Bo"),
            Some(Typing {
                at: 3,
                query: "Bo".into()
            })
        );
        assert_eq!(typing("@").unwrap().query, "");
        assert_eq!(typing("é @Bob Re").unwrap().query, "Bob Re");
        assert_eq!(typing("mail me@home"), None, "inside a word");
        assert_eq!(typing("@Bob\nnext"), None, "another line");
        assert_eq!(typing("no at sign"), None);
        assert_eq!(typing(&format!("@{}", "x".repeat(33))), None, "too long");
        // The caret before the @: nothing.
        assert_eq!(typing_at("hi @Bo", 2), None);
    }

    #[test]
    fn names_or_their_words_match_by_prefix_and_sort_whole_names_first() {
        let members = [
            member("Bob Reader"),
            member("Annie Bobbins"),
            member("alice"),
            member("Bobby"),
        ];
        let me = members[2].id;
        let names = |query: &str, everyone: bool| -> Vec<String> {
            candidates(&members, me, query, everyone)
                .into_iter()
                .map(|c| c.name)
                .collect()
        };
        assert_eq!(
            names("bob", false),
            ["Bob Reader", "Bobby", "Annie Bobbins"]
        );
        assert_eq!(names("READ", false), ["Bob Reader"]);
        assert_eq!(names("al", false), Vec::<String>::new(), "not oneself");
        assert_eq!(names("ev", true), ["everyone"]);
        assert_eq!(names("ev", false), Vec::<String>::new());
        assert_eq!(names("", true).len(), 4, "everyone and the three others");
        let many: Vec<MemberInfo> = (0..20).map(|i| member(&format!("M{i}"))).collect();
        assert_eq!(candidates(&many, me, "m", false).len(), SHOWN);
    }

    #[test]
    fn picking_replaces_what_was_typed_and_moves_the_caret_after_it() {
        let text = "hey @bo and more";
        let typing = typing_at(text, 7).unwrap();
        let (out, caret) = pick(text, &typing, 7, "Bob Reader");
        assert_eq!(out, "hey @Bob Reader  and more");
        assert_eq!(&out[..caret], "hey @Bob Reader ");
    }

    #[test]
    fn caret_positions_convert_between_utf16_and_bytes() {
        let text = "é😀@b";
        assert_eq!(byte_offset(text, 0), 0);
        assert_eq!(byte_offset(text, 1), 2);
        assert_eq!(byte_offset(text, 3), 6, "the emoji is two UTF-16 units");
        assert_eq!(byte_offset(text, 9), text.len());
        for byte in [0, 2, 6, 7, 8] {
            assert_eq!(byte_offset(text, utf16_offset(text, byte)), byte);
        }
    }
}
