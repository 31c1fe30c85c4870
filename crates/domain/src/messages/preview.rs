//! A message as one line of text, for the inbox and notifications: what it was (a call, deleted,
//! a file) or its first line as read (mentions by name, formatting marks gone, spoilers kept
//! hidden), cut to a length.

use shared::ids::MemberId;
use shared::markup::{parse, plain};
use shared::messages::{CallLine, DELETED_TEXT};

pub(crate) fn preview(
    content: &str,
    deleted: bool,
    call: Option<CallLine>,
    name: impl Fn(MemberId) -> Option<String>,
    max_chars: usize,
) -> String {
    if let Some(call) = call {
        return call.words();
    }
    if deleted {
        return DELETED_TEXT.to_owned();
    }
    if content.is_empty() {
        return "Sent a file".to_owned();
    }
    let read = plain(&parse(content), &name);
    let line = read.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if line.chars().count() > max_chars {
        let kept: String = line.chars().take(max_chars).collect();
        format!("{}…", kept.trim_end())
    } else {
        line.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::preview;
    use shared::messages::CallLine;

    #[test]
    fn a_message_reads_as_one_line() {
        let none = |_| None;
        assert_eq!(preview("hello\nsecond", false, None, none, 120), "hello");
        let long = "é".repeat(200);
        let shown = preview(&long, false, None, none, 120);
        assert_eq!(shown.chars().count(), 121);
        assert!(shown.ends_with('…'));
        assert_eq!(
            preview("x", true, None, none, 120),
            "This message has been deleted."
        );
        assert_eq!(preview("", false, None, none, 120), "Sent a file");
        assert_eq!(
            preview("**look** at ||the end||\nmore", false, None, none, 120),
            "look at (spoiler)"
        );
        assert_eq!(
            preview(
                "Missed video call",
                false,
                Some(CallLine::Missed),
                none,
                120
            ),
            "Missed video call"
        );
    }
}
