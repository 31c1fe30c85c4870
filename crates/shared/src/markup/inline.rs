//! Inline marks: one pass over the text that keeps the open marks on a stack; a mark that can
//! close and has an open partner wraps what lies between, and marks left open at the end are
//! text again (so `2 * 3` and `snake_case_name` stay as typed).

use super::{Inline, Style, links};
use crate::mentions::{Segment, mention_at};

/// Marks nested deeper than this are text: a long run of marks cannot make a deep tree.
const MAX_DEPTH: usize = 10;
/// Characters a `\` makes literal.
const ESCAPABLE: &str = "\\*_~|`><@";

struct Frame {
    style: Option<Style>,
    mark: &'static str,
    children: Vec<Inline>,
}

struct Builder {
    frames: Vec<Frame>,
    text: String,
}

impl Builder {
    fn flush(&mut self) {
        if !self.text.is_empty() {
            let text = std::mem::take(&mut self.text);
            self.top().push(Inline::Text(text));
        }
    }

    fn top(&mut self) -> &mut Vec<Inline> {
        // The root frame is never popped.
        let last = self.frames.len() - 1;
        &mut self.frames[last].children
    }

    fn push(&mut self, piece: Inline) {
        self.flush();
        self.top().push(piece);
    }

    fn open(&mut self, style: Style, mark: &'static str) {
        self.flush();
        self.frames.push(Frame {
            style: Some(style),
            mark,
            children: Vec::new(),
        });
    }

    /// Closes the innermost open `style`, if any: marks opened inside it and still open are
    /// text again.
    fn close(&mut self, style: Style) -> bool {
        let Some(at) = self.frames.iter().rposition(|f| f.style == Some(style)) else {
            return false;
        };
        self.flush();
        while self.frames.len() > at + 1 {
            self.unwind();
        }
        let Some(frame) = self.frames.pop() else {
            return false;
        };
        if frame.children.is_empty() {
            self.text.push_str(frame.mark);
            self.text.push_str(frame.mark);
            self.flush();
        } else {
            self.top().push(Inline::Styled(style, frame.children));
        }
        true
    }

    /// Turns the innermost open mark back into text, its children following it.
    fn unwind(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        let top = self.top();
        push_text(top, frame.mark);
        for child in frame.children {
            match child {
                Inline::Text(t) => push_text(top, &t),
                other => top.push(other),
            }
        }
    }

    fn finish(mut self) -> Vec<Inline> {
        self.flush();
        while self.frames.len() > 1 {
            self.unwind();
        }
        self.frames.pop().map(|f| f.children).unwrap_or_default()
    }
}

/// Appends text, joining it to text just before.
fn push_text(into: &mut Vec<Inline>, text: &str) {
    if let Some(Inline::Text(last)) = into.last_mut() {
        last.push_str(text);
    } else {
        into.push(Inline::Text(text.to_owned()));
    }
}

/// The styles a run of `n` mark characters `c` stands for, outermost first, and each one's mark.
fn run_styles(c: char, n: usize) -> &'static [(Style, &'static str)] {
    match (c, n) {
        ('*', 1) => &[(Style::Italic, "*")],
        ('*', 2) => &[(Style::Bold, "**")],
        ('*', 3) => &[(Style::Bold, "**"), (Style::Italic, "*")],
        ('_', 1) => &[(Style::Italic, "_")],
        ('_', 2) => &[(Style::Underline, "__")],
        ('_', 3) => &[(Style::Underline, "__"), (Style::Italic, "_")],
        ('~', 2) => &[(Style::Strike, "~~")],
        ('|', 2) => &[(Style::Spoiler, "||")],
        _ => &[],
    }
}

/// Whether a run of `c` between `before` and `after` may open, and may close, a mark.
fn flanking(c: char, before: Option<char>, after: Option<char>) -> (bool, bool) {
    let solid = |x: Option<char>| x.is_some_and(|x| !x.is_whitespace());
    let word = |x: Option<char>| x.is_some_and(char::is_alphanumeric);
    match c {
        // A spoiler may start or end with a space.
        '|' => (after.is_some(), before.is_some()),
        // Inside a word, `_` is just a character.
        '_' => (solid(after) && !word(before), solid(before) && !word(after)),
        _ => (solid(after), solid(before)),
    }
}

/// The inline pieces of `text`.
pub(super) fn parse(text: &str) -> Vec<Inline> {
    let mut b = Builder {
        frames: vec![Frame {
            style: None,
            mark: "",
            children: Vec::new(),
        }],
        text: String::new(),
    };
    let mut at = 0;
    while let Some(c) = text[at..].chars().next() {
        let before = text[..at].chars().next_back();
        let rest = &text[at..];
        if c == '\\' {
            if let Some(next) = rest[1..].chars().next().filter(|n| ESCAPABLE.contains(*n)) {
                b.text.push(next);
                at += 1 + next.len_utf8();
                continue;
            }
        } else if c == '`' {
            if let Some((code, len)) = code_span(rest) {
                b.push(Inline::Code(code.to_owned()));
                at += len;
                continue;
            }
        } else if c == '<' || c == '@' {
            if let Some((segment, len)) = mention_at(text, at) {
                b.push(match segment {
                    Segment::Member(id) => Inline::Member(id),
                    _ => Inline::Everyone,
                });
                at += len;
                continue;
            }
        } else if (c == 'h' || c == 'H') && !before.is_some_and(char::is_alphanumeric) {
            if let Some(len) = links::url_len(rest) {
                b.push(Inline::Link(rest[..len].to_owned()));
                at += len;
                continue;
            }
        } else if "*_~|".contains(c) {
            let n = rest.len() - rest.trim_start_matches(c).len();
            let styles = run_styles(c, n);
            if !styles.is_empty() {
                let (can_open, can_close) = flanking(c, before, text[at + n..].chars().next());
                mark_run(&mut b, styles, can_open, can_close);
            } else {
                b.text.push_str(&rest[..n]);
            }
            at += n;
            continue;
        }
        b.text.push(c);
        at += c.len_utf8();
    }
    b.finish()
}

/// A run of marks: first closes what it can (innermost first), then opens the rest, or is text.
fn mark_run(b: &mut Builder, styles: &[(Style, &'static str)], can_open: bool, can_close: bool) {
    let mut left: Vec<(Style, &'static str)> = Vec::new();
    for &(style, mark) in styles.iter().rev() {
        if !(can_close && b.close(style)) {
            left.push((style, mark));
        }
    }
    left.reverse();
    for (style, mark) in left {
        if can_open && b.frames.len() <= MAX_DEPTH {
            b.open(style, mark);
        } else {
            b.text.push_str(mark);
        }
    }
}

/// Inline code at the start of `rest` (a run of backticks closed by a run as long), and the
/// length it takes.
fn code_span(rest: &str) -> Option<(&str, usize)> {
    let n = rest.len() - rest.trim_start_matches('`').len();
    let fence = &rest[..n];
    let body = &rest[n..];
    let mut from = 0;
    while let Some(found) = body[from..].find(fence) {
        let end = from + found;
        let run = body[end..].len() - body[end..].trim_start_matches('`').len();
        if run == n && end > 0 {
            return Some((&body[..end], n + end + n));
        }
        from = end + run;
    }
    None
}
