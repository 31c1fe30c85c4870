use super::*;
use crate::mentions::token;
use proptest::prelude::*;
use uuid::Uuid;

fn text(s: &str) -> Inline {
    Inline::Text(s.to_owned())
}

fn styled(style: Style, inner: Vec<Inline>) -> Inline {
    Inline::Styled(style, inner)
}

/// The inline pieces of a message that is one text block.
fn one_block(source: &str) -> Vec<Inline> {
    match parse(source).as_slice() {
        [Block::Text(inlines)] => inlines.clone(),
        other => panic!("{source:?} gave {other:?}"),
    }
}

#[test]
fn plain_text_is_one_block_as_written() {
    assert_eq!(parse(""), vec![]);
    assert_eq!(one_block("hello\nworld"), vec![text("hello\nworld")]);
}

#[test]
fn each_mark_styles_what_it_wraps() {
    let cases = [
        ("**b**", Style::Bold),
        ("*i*", Style::Italic),
        ("_i_", Style::Italic),
        ("__u__", Style::Underline),
        ("~~s~~", Style::Strike),
        ("||hidden||", Style::Spoiler),
    ];
    for (source, style) in cases {
        let inner = source.trim_matches(|c| "*_~|".contains(c));
        assert_eq!(
            one_block(&format!("a {source} z")),
            vec![text("a "), styled(style, vec![text(inner)]), text(" z")],
            "{source}"
        );
    }
}

#[test]
fn marks_nest() {
    assert_eq!(
        one_block("***both***"),
        vec![styled(
            Style::Bold,
            vec![styled(Style::Italic, vec![text("both")])]
        )]
    );
    assert_eq!(
        one_block("**bold *and italic* ~~gone~~**"),
        vec![styled(
            Style::Bold,
            vec![
                text("bold "),
                styled(Style::Italic, vec![text("and italic")]),
                text(" "),
                styled(Style::Strike, vec![text("gone")]),
            ]
        )]
    );
    assert_eq!(
        one_block("**a***"),
        vec![styled(Style::Bold, vec![text("a")]), text("*")]
    );
}

#[test]
fn marks_that_do_not_pair_stay_as_typed() {
    for source in [
        "2 * 3 * 4",
        "snake_case_name",
        "**never closed",
        "a ** b",
        "~single~",
        "****",
        "|not a spoiler|",
        "**a *b**c",
    ] {
        let shown: String = plain(&parse(source), &|_| None);
        if source == "**a *b**c" {
            assert_eq!(
                one_block(source),
                vec![styled(Style::Bold, vec![text("a *b")]), text("c")]
            );
        } else {
            assert_eq!(one_block(source), vec![text(source)], "{source}");
            assert_eq!(shown, source);
        }
    }
}

#[test]
fn a_backslash_makes_a_mark_literal() {
    assert_eq!(one_block(r"\*not italic\*"), vec![text("*not italic*")]);
    assert_eq!(one_block(r"C:\path"), vec![text(r"C:\path")]);
    assert_eq!(one_block(r"\\"), vec![text(r"\")]);
}

#[test]
fn code_is_shown_as_written() {
    assert_eq!(
        one_block("run `**x** <b>` now"),
        vec![text("run "), Inline::Code("**x** <b>".into()), text(" now")]
    );
    assert_eq!(one_block("``a ` b``"), vec![Inline::Code("a ` b".into())]);
    assert_eq!(one_block("`open"), vec![text("`open")]);
}

#[test]
fn fenced_code_blocks_keep_their_text_and_language() {
    assert_eq!(
        parse("before\n```rust\nfn main() {\n    *x* = 1;\n}\n```\nafter"),
        vec![
            Block::Text(vec![text("before")]),
            Block::Code {
                lang: Some("rust".into()),
                code: "fn main() {\n    *x* = 1;\n}".into()
            },
            Block::Text(vec![text("after")]),
        ]
    );
    assert_eq!(
        parse("```two words\nbody```"),
        vec![Block::Code {
            lang: None,
            code: "two words\nbody".into()
        }]
    );
    assert_eq!(one_block("```never closed"), vec![text("```never closed")]);
}

#[test]
fn quoted_lines_are_one_quote() {
    assert_eq!(
        parse("> first\n> **second**\nreply"),
        vec![
            Block::Quote(vec![
                text("first\n"),
                styled(Style::Bold, vec![text("second")])
            ]),
            Block::Text(vec![text("reply")]),
        ]
    );
    assert_eq!(
        parse("hi\n>>> all\nof this"),
        vec![
            Block::Text(vec![text("hi")]),
            Block::Quote(vec![text("all\nof this")]),
        ]
    );
    assert_eq!(one_block(">no space"), vec![text(">no space")]);
}

#[test]
fn addresses_are_linked_without_trailing_punctuation() {
    assert_eq!(
        one_block("see https://example.com/a_b_c. ok"),
        vec![
            text("see "),
            Inline::Link("https://example.com/a_b_c".into()),
            text(". ok"),
        ]
    );
    assert_eq!(
        one_block("(https://en.wikipedia.org/wiki/Rust_(language))"),
        vec![
            text("("),
            Inline::Link("https://en.wikipedia.org/wiki/Rust_(language)".into()),
            text(")"),
        ]
    );
    assert_eq!(
        one_block("**HTTP://X.ORG**"),
        vec![styled(
            Style::Bold,
            vec![Inline::Link("HTTP://X.ORG".into())]
        )]
    );
    for plain in ["https://", "http:// x", "xhttps://a.com", "ftp://a.com"] {
        assert!(
            !one_block(plain)
                .iter()
                .any(|p| matches!(p, Inline::Link(_))),
            "{plain}"
        );
    }
}

#[test]
fn hostile_text_is_only_ever_text() {
    for payload in [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "javascript:alert(document.cookie)",
        "JaVaScRiPt:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<iframe src=//evil.example>",
    ] {
        assert_eq!(one_block(payload), vec![text(payload)], "{payload}");
    }
    // An address ends where a quote could break out of an attribute.
    assert_eq!(
        one_block("https://x.org\"onmouseover=\"alert(1)"),
        vec![
            Inline::Link("https://x.org".into()),
            text("\"onmouseover=\"alert(1)"),
        ]
    );
}

#[test]
fn mentions_are_pieces_of_their_own() {
    let ann = crate::ids::MemberId(Uuid::new_v4());
    let source = format!("**{} and @everyone**", token(ann));
    assert_eq!(
        one_block(&source),
        vec![styled(
            Style::Bold,
            vec![Inline::Member(ann), text(" and "), Inline::Everyone]
        )]
    );
    let shown = plain(&parse(&source), &|id| (id == ann).then(|| "Ann".to_owned()));
    assert_eq!(shown, "@Ann and @everyone");
    // Inside code a mention is not highlighted, but still reads by name.
    let in_code = format!("`{}`", token(ann));
    assert_eq!(one_block(&in_code), vec![Inline::Code(token(ann))]);
    let shown = plain(&parse(&in_code), &|id| {
        (id == ann).then(|| "Ann".to_owned())
    });
    assert_eq!(shown, "@Ann");
    assert_eq!(plain(&parse("a ||secret|| b"), &|_| None), "a (spoiler) b");
}

#[test]
fn deep_runs_of_marks_stay_shallow() {
    let source = "*_".repeat(200) + "x";
    assert!(depth(&one_block(&source)) <= 10);
}

fn depth(inlines: &[Inline]) -> usize {
    inlines
        .iter()
        .map(|p| match p {
            Inline::Styled(_, inner) => 1 + depth(inner),
            _ => 0,
        })
        .max()
        .unwrap_or(0)
}

/// Every letter and digit of the blocks (spoilers' too), in order.
fn letters(blocks: &[Block]) -> String {
    fn walk(inlines: &[Inline], out: &mut String) {
        for piece in inlines {
            match piece {
                Inline::Text(t) | Inline::Code(t) | Inline::Link(t) => out.push_str(t),
                Inline::Styled(_, inner) => walk(inner, out),
                Inline::Member(_) | Inline::Everyone => {}
            }
        }
    }
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Text(inlines) | Block::Quote(inlines) => walk(inlines, &mut out),
            Block::Code { code, .. } => out.push_str(code),
        }
    }
    out.retain(char::is_alphanumeric);
    out
}

proptest! {
    #[test]
    fn any_text_parses_and_keeps_its_words(source in "[a-c1 *_~|>\\\\\n.:/hpst()]{0,80}") {
        let blocks = parse(&source);
        let expected: String = source.chars().filter(|c| c.is_alphanumeric()).collect();
        prop_assert_eq!(letters(&blocks), expected);
        for block in &blocks {
            if let Block::Text(inlines) | Block::Quote(inlines) = block {
                prop_assert!(depth(inlines) <= 10);
            }
        }
    }

    #[test]
    fn links_are_only_web_addresses(source in "\\PC{0,60}(https?|javascript|data):[^ ]{0,30}\\PC{0,20}") {
        fn check(inlines: &[Inline]) -> Result<(), TestCaseError> {
            for piece in inlines {
                match piece {
                    Inline::Link(url) => {
                        let lower = url.to_ascii_lowercase();
                        prop_assert!(lower.starts_with("http://") || lower.starts_with("https://"));
                        prop_assert!(!url.contains(|c: char| c.is_whitespace() || "<>\"".contains(c)));
                    }
                    Inline::Styled(_, inner) => check(inner)?,
                    _ => {}
                }
            }
            Ok(())
        }
        for block in parse(&source) {
            if let Block::Text(inlines) | Block::Quote(inlines) = block {
                check(&inlines)?;
            }
        }
    }
}
