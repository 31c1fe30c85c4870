//! Where a search left off in each of its two sources (channel messages, direct messages): an
//! opaque string to the client, read back here and refused in words if it was tampered with.

use uuid::Uuid;

use crate::communities::CommunityError;

/// A hit's place in its source's order (newest first): on SQLite the row id, on PostgreSQL
/// the creation time in microseconds with the id to break ties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    pub at: i64,
    pub id: Uuid,
}

/// How far one source has been read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Position {
    Start,
    After(Key),
    Done,
}

/// Both sources' positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cursor {
    pub channels: Position,
    pub conversations: Position,
}

impl Cursor {
    pub const START: Cursor = Cursor {
        channels: Position::Start,
        conversations: Position::Start,
    };

    pub fn is_done(&self) -> bool {
        self.channels == Position::Done && self.conversations == Position::Done
    }

    pub fn encode(&self) -> String {
        format!("{}|{}", encode(self.channels), encode(self.conversations))
    }

    pub fn decode(text: &str) -> Result<Cursor, CommunityError> {
        let stale =
            || CommunityError::Invalid("That search page is out of date: search again.".into());
        let (channels, conversations) = text.split_once('|').ok_or_else(stale)?;
        Ok(Cursor {
            channels: decode(channels).ok_or_else(stale)?,
            conversations: decode(conversations).ok_or_else(stale)?,
        })
    }
}

fn encode(position: Position) -> String {
    match position {
        Position::Start => "*".into(),
        Position::Done => "-".into(),
        Position::After(key) => format!("{}.{}", key.at, key.id.simple()),
    }
}

fn decode(text: &str) -> Option<Position> {
    match text {
        "*" => Some(Position::Start),
        "-" => Some(Position::Done),
        _ => {
            let (at, id) = text.split_once('.')?;
            Some(Position::After(Key {
                at: at.parse().ok()?,
                id: Uuid::try_parse(id).ok()?,
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_written_and_a_forged_one_is_refused() {
        let cursor = Cursor {
            channels: Position::After(Key {
                at: 1_764_000_000_123_456,
                id: Uuid::now_v7(),
            }),
            conversations: Position::Done,
        };
        assert_eq!(Cursor::decode(&cursor.encode()).unwrap(), cursor);
        assert_eq!(
            Cursor::decode(&Cursor::START.encode()).unwrap(),
            Cursor::START
        );
        for forged in [
            "",
            "*",
            "x|*",
            "1.zz|-",
            "*|-|-",
            "9999999999999999999999.0|*",
        ] {
            assert!(Cursor::decode(forged).is_err(), "{forged}");
        }
    }
}
