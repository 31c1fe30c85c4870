//! Servers, channels and members as the client sees them, and the parsers for their names.

use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::ids::{ChannelId, MemberId, ProfileId, ServerId};
use crate::permissions::{Action, Actor, Role, Target, can};

/// The channel every server starts with; it cannot be renamed or deleted.
pub const GENERAL: &str = "general";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChannelKind {
    Text,
    Audio,
    Video,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 3] = [ChannelKind::Text, ChannelKind::Audio, ChannelKind::Video];

    pub fn label(self) -> &'static str {
        match self {
            ChannelKind::Text => "Text",
            ChannelKind::Audio => "Voice",
            ChannelKind::Video => "Video",
        }
    }

    /// The form value (`TEXT`, `AUDIO`, `VIDEO`).
    pub fn code(self) -> &'static str {
        match self {
            ChannelKind::Text => "TEXT",
            ChannelKind::Audio => "AUDIO",
            ChannelKind::Video => "VIDEO",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, AppError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code().eq_ignore_ascii_case(raw.trim()))
            .ok_or_else(|| {
                AppError::Validation("Channel type must be Text, Voice or Video.".into())
            })
    }
}

/// A server name: trimmed, 1–100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerName(String);

impl ServerName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(AppError::Validation("Server name is required.".into()));
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(AppError::Validation(format!(
                "Server name must be at most {} characters.",
                Self::MAX_CHARS
            )));
        }
        if name.chars().any(char::is_control) {
            return Err(AppError::Validation(
                "Server name must not contain control characters.".into(),
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A channel name as Discord writes them: lower-case, words joined by dashes, 1–100 characters
/// of letters, digits, `-` and `_`. `general` is reserved for the channel every server has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelName(String);

impl ChannelName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let words: Vec<String> = raw.split_whitespace().map(|w| w.to_lowercase()).collect();
        let name = words.join("-");
        if name.is_empty() {
            return Err(AppError::Validation("Channel name is required.".into()));
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(AppError::Validation(format!(
                "Channel name must be at most {} characters.",
                Self::MAX_CHARS
            )));
        }
        if !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            return Err(AppError::Validation(
                "Channel names may use letters, numbers, dashes and underscores.".into(),
            ));
        }
        if name == GENERAL {
            return Err(AppError::Validation(
                "\"general\" is reserved for the server's first channel.".into(),
            ));
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A server in the rail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerSummary {
    pub id: ServerId,
    pub name: String,
    pub image_url: Option<String>,
}

/// What an invite link shows before joining: the server and how many are in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitePreview {
    pub server: ServerSummary,
    pub member_count: u64,
    /// The viewer is a member already (the link just opens the server).
    pub joined: bool,
    /// The viewer is banned from the server: no invite lets them in.
    pub banned: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelInfo {
    pub id: ChannelId,
    pub name: String,
    pub kind: ChannelKind,
}

impl ChannelInfo {
    pub fn is_general(&self) -> bool {
        self.name == GENERAL
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInfo {
    pub id: MemberId,
    pub profile_id: ProfileId,
    pub name: String,
    pub image_url: Option<String>,
    pub role: Role,
    pub is_owner: bool,
}

/// Someone banned from a server, as its admins see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BanInfo {
    pub profile_id: ProfileId,
    pub name: String,
    pub image_url: Option<String>,
    pub banned_at: chrono::DateTime<chrono::Utc>,
}

/// Everything the server view shows, for one viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerDetails {
    pub server: ServerSummary,
    /// Only for those who may manage invites.
    pub invite_code: Option<String>,
    pub me: MemberInfo,
    pub channels: Vec<ChannelInfo>,
    pub members: Vec<MemberInfo>,
    /// Who is in the call of each audio or video channel that has someone in it.
    pub calls: Vec<ChannelCall>,
}

/// The people in one channel's call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelCall {
    pub channel_id: ChannelId,
    pub participants: Vec<crate::calls::CallParticipant>,
}

impl ServerDetails {
    /// The viewer, for permission checks.
    pub fn actor(&self) -> Actor {
        Actor::member(self.me.role, self.me.is_owner)
    }

    /// Whether the viewer may do `action`.
    pub fn can(&self, action: Action) -> bool {
        can(self.actor(), action)
    }

    /// Whether the viewer may change the role of, or kick, `member`.
    pub fn can_manage(&self, member: &MemberInfo) -> bool {
        self.can(Action::Kick(target_of(&self.me, member)))
    }

    pub fn general(&self) -> Option<&ChannelInfo> {
        self.channels.iter().find(|c| c.is_general())
    }
}

/// `member` as the target of an action by `me`.
pub fn target_of(me: &MemberInfo, member: &MemberInfo) -> Target {
    Target {
        is_self: me.id == member.id,
        is_owner: member.is_owner,
        role: member.role,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_names_are_trimmed_and_bounded() {
        assert_eq!(
            ServerName::parse("  Rustaceans ").unwrap().as_str(),
            "Rustaceans"
        );
        assert!(ServerName::parse("").is_err());
        assert!(ServerName::parse(&"s".repeat(101)).is_err());
        assert!(ServerName::parse(&"s".repeat(100)).is_ok());
    }

    #[test]
    fn channel_names_are_lower_case_with_dashes() {
        assert_eq!(
            ChannelName::parse(" Off Topic ").unwrap().as_str(),
            "off-topic"
        );
        assert_eq!(ChannelName::parse("dev_chat").unwrap().as_str(), "dev_chat");
        for bad in ["", "   ", "no/slash", "emoji🎉"] {
            assert!(ChannelName::parse(bad).is_err(), "{bad}");
        }
        assert!(
            ChannelName::parse("General").is_err(),
            "general is reserved"
        );
        assert!(ChannelName::parse(&"c".repeat(101)).is_err());
    }

    #[test]
    fn channel_kinds_parse_from_their_codes() {
        assert_eq!(ChannelKind::parse("video").unwrap(), ChannelKind::Video);
        assert_eq!(ChannelKind::parse("TEXT").unwrap(), ChannelKind::Text);
        assert!(ChannelKind::parse("stage").is_err());
    }
}
