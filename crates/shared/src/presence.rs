//! Whether people are here: online (a tab open and in use), idle (tabs open, none used for a
//! while) or offline (no tab open). Derived from open sockets, never stored; seen only by
//! people who share a server with the person.

use serde::{Deserialize, Serialize};

use crate::ids::ProfileId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Status {
    Online,
    Idle,
    #[default]
    Offline,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Online => "Online",
            Status::Idle => "Idle",
            Status::Offline => "Offline",
        }
    }

    /// One person's status from those of their sockets (or nodes): online if any is in use,
    /// else idle if any is open.
    pub fn of_all(statuses: impl IntoIterator<Item = Status>) -> Status {
        statuses
            .into_iter()
            .fold(Status::Offline, |all, s| match (all, s) {
                (Status::Online, _) | (_, Status::Online) => Status::Online,
                (Status::Idle, _) | (_, Status::Idle) => Status::Idle,
                _ => Status::Offline,
            })
    }
}

/// Someone of a server who is not offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Here {
    pub profile_id: ProfileId,
    pub status: Status,
}

/// How long without input before a tab says its person is idle.
pub const IDLE_AFTER_SECONDS: u32 = 5 * 60;

#[cfg(test)]
mod tests {
    use super::Status::*;
    use super::*;

    #[test]
    fn a_person_is_as_present_as_their_most_present_socket() {
        assert_eq!(Status::of_all([]), Offline);
        assert_eq!(Status::of_all([Idle, Offline]), Idle);
        assert_eq!(Status::of_all([Idle, Online, Idle]), Online);
        assert_eq!(Status::of_all([Offline, Offline]), Offline);
    }
}
