//! Message formatting: the chat subset of Markdown people type in Discord. Parsed here, once for
//! the browser and the server alike, into a tree the app turns into nodes (never into HTML
//! text), so whatever a message holds (`<script>`, `<img onerror>`, `javascript:` links) can
//! only ever be shown as text.
//!
//! - Blocks: fenced code (```` ```lang ```` … ```` ``` ````), quotes (lines starting `> `, or
//!   `>>> ` quoting the rest of the message), and text; line breaks are kept as written.
//! - Inline: `**bold**`, `*italic*` / `_italic_`, `__underline__`, `~~strike~~`,
//!   `||spoiler||`, `` `code` ``, `http(s)://` links, mentions; `\` makes the next mark literal.

mod inline;
mod links;
#[cfg(test)]
mod tests;

use crate::ids::MemberId;

/// A block of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Lines of text (line breaks inside).
    Text(Vec<Inline>),
    /// Quoted lines, without their `> `.
    Quote(Vec<Inline>),
    /// A fenced code block, as written, with the language named after the opening fence.
    Code { lang: Option<String>, code: String },
}

/// A piece of text inside a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    /// Inline code, as written (mention tokens inside are shown by name, not highlighted).
    Code(String),
    /// An `http`/`https` address, as written.
    Link(String),
    Member(MemberId),
    Everyone,
    Styled(Style, Vec<Inline>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Bold,
    Italic,
    Underline,
    Strike,
    Spoiler,
}

/// What opens and closes a fenced code block.
const FENCE: &str = "```";
/// What quotes the rest of the message.
const QUOTE_REST: &str = ">>> ";

/// The blocks of `text`, in order.
pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(FENCE) {
        let after = &rest[open + FENCE.len()..];
        let Some(close) = after.find(FENCE) else {
            break;
        };
        lines(&rest[..open], &mut blocks);
        blocks.push(code_block(&after[..close]));
        rest = &after[close + FENCE.len()..];
        // The line break after a closing fence belongs to the fence.
        rest = rest.strip_prefix('\n').unwrap_or(rest);
    }
    lines(rest, &mut blocks);
    blocks
}

/// A fenced block's body: a first line that is one short word names the language.
fn code_block(body: &str) -> Block {
    let (lang, code) = match body.split_once('\n') {
        Some((first, code)) if is_language(first) => (Some(first.to_owned()), code),
        _ => (None, body.strip_prefix('\n').unwrap_or(body)),
    };
    Block::Code {
        lang,
        code: code.strip_suffix('\n').unwrap_or(code).to_owned(),
    }
}

fn is_language(word: &str) -> bool {
    (1..=20).contains(&word.len())
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-#._".contains(c))
}

/// Text outside code blocks: runs of quoted lines and of other lines, each a block.
fn lines(text: &str, blocks: &mut Vec<Block>) {
    // The text a block ends with, before the next block (the line break between them is the
    // boundary, not part of either).
    let mut plain = String::new();
    let mut quoted = String::new();
    let flush_plain = |plain: &mut String, blocks: &mut Vec<Block>| {
        if !plain.is_empty() {
            let text = plain.strip_suffix('\n').unwrap_or(plain);
            blocks.push(Block::Text(inline::parse(text)));
            plain.clear();
        }
    };
    let flush_quoted = |quoted: &mut String, blocks: &mut Vec<Block>| {
        if !quoted.is_empty() {
            let text = quoted.strip_suffix('\n').unwrap_or(quoted);
            blocks.push(Block::Quote(inline::parse(text)));
            quoted.clear();
        }
    };
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(all) = rest.strip_prefix(QUOTE_REST) {
            flush_plain(&mut plain, blocks);
            quoted.push_str(all);
            break;
        }
        let end = rest.find('\n').map_or(rest.len(), |at| at + 1);
        let (line, next) = rest.split_at(end);
        match quoted_line(line) {
            Some(inner) => {
                flush_plain(&mut plain, blocks);
                quoted.push_str(inner);
            }
            None => {
                flush_quoted(&mut quoted, blocks);
                plain.push_str(line);
            }
        }
        rest = next;
    }
    flush_quoted(&mut quoted, blocks);
    flush_plain(&mut plain, blocks);
}

/// A line's text without its `> ` when it is quoted.
fn quoted_line(line: &str) -> Option<&str> {
    line.strip_prefix("> ").or_else(|| {
        let rest = line.strip_prefix('>')?;
        (rest.is_empty() || rest == "\n").then_some(rest)
    })
}

/// The text of `blocks` without marks: what a one-line preview or a notification shows
/// (`name` answers for each member mentioned).
pub fn plain(blocks: &[Block], name: &impl Fn(MemberId) -> Option<String>) -> String {
    let mut out = String::new();
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match block {
            Block::Text(inlines) | Block::Quote(inlines) => plain_inline(inlines, name, &mut out),
            Block::Code { code, .. } => out.push_str(&crate::mentions::decode(code, name).0),
        }
    }
    out
}

fn plain_inline(inlines: &[Inline], name: &impl Fn(MemberId) -> Option<String>, out: &mut String) {
    for piece in inlines {
        match piece {
            Inline::Text(t) | Inline::Link(t) => out.push_str(t),
            Inline::Code(code) => out.push_str(&crate::mentions::decode(code, name).0),
            Inline::Member(id) => {
                out.push('@');
                out.push_str(name(*id).as_deref().unwrap_or("unknown member"));
            }
            Inline::Everyone => out.push_str(crate::mentions::EVERYONE),
            Inline::Styled(Style::Spoiler, _) => out.push_str("(spoiler)"),
            Inline::Styled(_, inner) => plain_inline(inner, name, out),
        }
    }
}
