//! Every parser of client input, fed anything: it never panics, refuses with a `Validation`
//! error, and what it accepts keeps its promise (trimmed, bounded, no control characters, ...).

#![allow(clippy::unwrap_used)] // test code: a panic is a failure report

use proptest::prelude::*;
use shared::AppError;
use shared::account::{DisplayName, Email, Password};
use shared::community::{ChannelKind, ChannelName, GENERAL, ServerName};
use shared::ids::{ChannelId, ConversationId, ProfileId, ServerId};
use shared::live::{ClientCommand, Topic};
use shared::messages::MessageText;

/// Text as clients send it: anything, with more of the characters that trip parsers up.
fn input() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ \t\r\n\u{0}\u{7f}\u{85}\u{a0}\u{200b}a-zA-Z0-9@._-]{0,300}",
        "\\PC{0,3000}",
    ]
}

fn refused_as_validation<T>(result: Result<T, AppError>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(AppError::Validation(message)) => {
            assert!(!message.is_empty());
            None
        }
        Err(other) => panic!("not a validation error: {other:?}"),
    }
}

fn is_trimmed(s: &str) -> bool {
    s == s.trim()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn names_are_trimmed_bounded_and_printable(raw in input()) {
        if let Some(name) = refused_as_validation(DisplayName::parse(&raw)) {
            let name = name.as_str();
            prop_assert!(is_trimmed(name) && !name.is_empty());
            prop_assert!(name.chars().count() <= DisplayName::MAX_CHARS);
            prop_assert!(!name.chars().any(char::is_control));
        }
        if let Some(name) = refused_as_validation(ServerName::parse(&raw)) {
            let name = name.as_str();
            prop_assert!(is_trimmed(name) && !name.is_empty());
            prop_assert!(name.chars().count() <= ServerName::MAX_CHARS);
            prop_assert!(!name.chars().any(char::is_control));
        }
    }

    #[test]
    fn channel_names_are_slugs_and_never_general(raw in input()) {
        if let Some(name) = refused_as_validation(ChannelName::parse(&raw)) {
            let name = name.as_str();
            prop_assert!(!name.is_empty() && name.chars().count() <= ChannelName::MAX_CHARS);
            prop_assert!(name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_'));
            prop_assert_ne!(name, GENERAL);
        }
        if let Some(kind) = refused_as_validation(ChannelKind::parse(&raw)) {
            prop_assert!(kind.code().eq_ignore_ascii_case(raw.trim()));
        }
    }

    #[test]
    fn emails_and_passwords_keep_their_bounds(raw in input()) {
        if let Some(email) = refused_as_validation(Email::parse(&raw)) {
            let email = email.as_str();
            prop_assert!(email.chars().count() <= Email::MAX_CHARS);
            prop_assert!(!email.chars().any(char::is_whitespace));
            let (local, domain) = email.split_once('@').unwrap();
            prop_assert!(!local.is_empty() && domain.contains('.') && !domain.contains('@'));
            prop_assert!(!domain.starts_with('.') && !domain.ends_with('.'));
        }
        let chars = raw.chars().count();
        let accepted = refused_as_validation(Password::parse(&raw)).is_some();
        prop_assert_eq!(accepted, (Password::MIN_CHARS..=Password::MAX_CHARS).contains(&chars));
    }

    #[test]
    fn message_texts_are_trimmed_bounded_and_empty_only_with_a_file(
        raw in input(),
        has_file in any::<bool>(),
    ) {
        if let Some(text) = refused_as_validation(MessageText::parse(&raw, has_file)) {
            let text = text.as_str();
            prop_assert!(is_trimmed(text));
            prop_assert!(text.chars().count() <= MessageText::MAX_CHARS);
            prop_assert!(has_file || !text.is_empty());
        }
    }

    #[test]
    fn ids_parse_only_uuids_and_print_back(raw in input(), bytes in any::<[u8; 16]>()) {
        // Anything: parsed or refused, never a panic.
        let _ = raw.parse::<ProfileId>();
        let id = ServerId(uuid::Uuid::from_bytes(bytes));
        prop_assert_eq!(id.to_string().parse::<ServerId>().unwrap(), id);
    }

    #[test]
    fn socket_commands_parse_or_are_refused(raw in input()) {
        let _ = serde_json::from_str::<ClientCommand>(&raw);
        // Near misses of real commands too: any kind, any id, any type.
        for text in [
            format!(r#"{{"type":"Subscribe","data":{{"topic":{{"kind":{raw:?},"id":"x"}}}}}}"#),
            format!(r#"{{"type":{raw:?}}}"#),
            format!(r#"{{"type":"Subscribe","data":{{"topic":{{"kind":"Channel","id":{raw:?}}}}}}}"#),
        ] {
            if let Ok(command) = serde_json::from_str::<ClientCommand>(&text) {
                let expected = matches!(command, ClientCommand::Ping | ClientCommand::Subscribe { .. });
                prop_assert!(expected, "{:?}", command);
            }
        }
    }

    #[test]
    fn every_command_round_trips(bytes in any::<[u8; 16]>(), which in 0..6u8) {
        let id = uuid::Uuid::from_bytes(bytes);
        let topic = match which % 3 {
            0 => Topic::Channel(ChannelId(id)),
            1 => Topic::Conversation(ConversationId(id)),
            _ => Topic::Server(ServerId(id)),
        };
        let command = if which < 3 {
            ClientCommand::Subscribe { topic }
        } else {
            ClientCommand::Unsubscribe { topic }
        };
        let text = serde_json::to_string(&command).unwrap();
        prop_assert_eq!(serde_json::from_str::<ClientCommand>(&text).unwrap(), command);
    }
}
