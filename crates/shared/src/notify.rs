//! What a person wants to hear about, per server and per channel: muting (no unread marks, only
//! mentions count) and the notification level (every message, mentions only, or nothing).
//! Direct messages always count and notify.

use serde::{Deserialize, Serialize};

use crate::ids::{ChannelId, ServerId};

/// Which messages notify.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NotifyLevel {
    All,
    #[default]
    Mentions,
    Nothing,
}

impl NotifyLevel {
    pub const ALL: [NotifyLevel; 3] = [
        NotifyLevel::All,
        NotifyLevel::Mentions,
        NotifyLevel::Nothing,
    ];

    pub fn label(self) -> &'static str {
        match self {
            NotifyLevel::All => "All messages",
            NotifyLevel::Mentions => "Only @mentions",
            NotifyLevel::Nothing => "Nothing",
        }
    }

    /// The stored form.
    pub fn code(self) -> &'static str {
        match self {
            NotifyLevel::All => "all",
            NotifyLevel::Mentions => "mentions",
            NotifyLevel::Nothing => "nothing",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }
}

/// One server's setting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerNotify {
    pub muted: bool,
    pub level: NotifyLevel,
}

/// One channel's setting; `level: None` follows the server's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelNotify {
    pub muted: bool,
    pub level: Option<NotifyLevel>,
}

/// Everything a person has set (what is not listed is at its default).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifySettings {
    pub servers: Vec<(ServerId, ServerNotify)>,
    pub channels: Vec<(ChannelId, ChannelNotify)>,
}

impl NotifySettings {
    pub fn server(&self, id: ServerId) -> ServerNotify {
        self.servers
            .iter()
            .find(|(s, _)| *s == id)
            .map(|(_, n)| *n)
            .unwrap_or_default()
    }

    pub fn channel(&self, id: ChannelId) -> ChannelNotify {
        self.channels
            .iter()
            .find(|(c, _)| *c == id)
            .map(|(_, n)| *n)
            .unwrap_or_default()
    }

    /// Whether unread messages (not mentions) mark the channel: not when it or its server is
    /// muted.
    pub fn marks_unread(&self, server: ServerId, channel: ChannelId) -> bool {
        !self.server(server).muted && !self.channel(channel).muted
    }

    /// Whether a new message in `channel` of `server` notifies, given whether it mentions the
    /// person. Muted, only mentions may.
    pub fn notifies(&self, server: ServerId, channel: ChannelId, mentions_me: bool) -> bool {
        let (s, c) = (self.server(server), self.channel(channel));
        let level = c.level.unwrap_or(s.level);
        let muted = s.muted || c.muted;
        match level {
            NotifyLevel::All => mentions_me || !muted,
            NotifyLevel::Mentions => mentions_me,
            NotifyLevel::Nothing => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn levels_and_mutes_decide_what_notifies_and_what_marks() {
        let (server, channel, other) = (
            ServerId(Uuid::new_v4()),
            ChannelId(Uuid::new_v4()),
            ChannelId(Uuid::new_v4()),
        );
        let mut settings = NotifySettings::default();
        assert!(
            settings.notifies(server, channel, true),
            "mentions by default"
        );
        assert!(!settings.notifies(server, channel, false));
        assert!(settings.marks_unread(server, channel));

        settings.servers.push((
            server,
            ServerNotify {
                muted: false,
                level: NotifyLevel::All,
            },
        ));
        settings.channels.push((
            channel,
            ChannelNotify {
                muted: true,
                level: None,
            },
        ));
        assert!(
            settings.notifies(server, other, false),
            "the server's level"
        );
        assert!(!settings.notifies(server, channel, false), "muted");
        assert!(
            settings.notifies(server, channel, true),
            "mentions still do"
        );
        assert!(!settings.marks_unread(server, channel));
        assert!(settings.marks_unread(server, other));

        settings.channels[0].1 = ChannelNotify {
            muted: false,
            level: Some(NotifyLevel::Nothing),
        };
        assert!(!settings.notifies(server, channel, true), "nothing at all");
        for level in NotifyLevel::ALL {
            assert_eq!(NotifyLevel::from_code(level.code()), Some(level));
        }
        assert_eq!(NotifyLevel::from_code("loud"), None);
    }
}
