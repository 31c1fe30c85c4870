//! Typed ids: a `ProfileId` can never be passed where a `ServerId` is expected.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )*};
}

id_type!(
    /// A person: name, email, avatar.
    ProfileId,
    /// A community.
    ServerId,
    /// A person's membership of one server.
    MemberId,
    /// A text, audio or video channel of a server.
    ChannelId,
    /// A message in a channel or a conversation (UUID v7: sorts by time). Which table it lives
    /// in follows from the thread it was read from.
    MessageId,
    /// A 1:1 conversation between two members.
    ConversationId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_json() {
        let id = ServerId(Uuid::new_v4());
        let parsed: ServerId = id.to_string().parse().unwrap();
        assert_eq!(parsed, id);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
        assert_eq!(serde_json::from_str::<ServerId>(&json).unwrap(), id);
        assert!("not-a-uuid".parse::<ServerId>().is_err());
    }
}
