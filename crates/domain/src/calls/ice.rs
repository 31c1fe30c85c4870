//! The STUN and TURN servers call links may use, from the settings. TURN credentials follow
//! coturn's REST convention (`use-auth-secret` with `static-auth-secret`): the user name is
//! `EXPIRY:PROFILE_ID` and the password the base64 HMAC-SHA1 of that name under the shared
//! secret, so the TURN server checks them without asking this one, and they lapse by themselves.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use shared::calls::IceServer;
use shared::ids::ProfileId;

/// How long TURN credentials handed out with a join stay good (a call longer than this keeps
/// its relay: coturn checks them when the relay is allocated and refreshed by the same client).
pub const TURN_CREDENTIAL_TTL: Duration = Duration::from_secs(12 * 3600);

#[derive(Debug, Clone, Default)]
pub struct Ice {
    stun: Vec<String>,
    turn: Vec<String>,
    secret: Option<String>,
}

impl Ice {
    /// The servers of `--ice-servers` (`stun:`, `turn:` or `turns:` URLs); TURN needs the
    /// shared secret of `--turn-secret`, and the secret is only for TURN.
    pub fn new(urls: &[String], secret: Option<String>) -> Result<Self, String> {
        let mut ice = Ice::default();
        for url in urls.iter().map(|u| u.trim()).filter(|u| !u.is_empty()) {
            let scheme = url.split(':').next().unwrap_or_default();
            let host = url.get(scheme.len() + 1..).unwrap_or_default();
            if host.is_empty() || host.contains(char::is_whitespace) {
                return Err(format!("--ice-servers: '{url}' names no host"));
            }
            match scheme {
                "stun" | "stuns" => ice.stun.push(url.to_owned()),
                "turn" | "turns" => ice.turn.push(url.to_owned()),
                _ => {
                    return Err(format!(
                        "--ice-servers: '{url}' is not a stun:, turn: or turns: URL"
                    ));
                }
            }
        }
        match (ice.turn.is_empty(), secret.as_deref().map(str::trim)) {
            (false, None | Some("")) => {
                Err("TURN servers need --turn-secret (coturn's static-auth-secret)".into())
            }
            (true, Some(_)) => {
                Err("--turn-secret is given but --ice-servers names no TURN server".into())
            }
            (_, s) => {
                ice.secret = s.map(str::to_owned);
                Ok(ice)
            }
        }
    }

    /// The servers for `me`'s links, with TURN credentials good from `now` for the TTL.
    pub fn servers(&self, me: ProfileId, now: DateTime<Utc>) -> Vec<IceServer> {
        let mut servers = Vec::new();
        if !self.stun.is_empty() {
            servers.push(IceServer {
                urls: self.stun.clone(),
                username: None,
                credential: None,
            });
        }
        if let (false, Some(secret)) = (self.turn.is_empty(), &self.secret) {
            let expiry = now.timestamp() + TURN_CREDENTIAL_TTL.as_secs() as i64;
            let username = format!("{expiry}:{}", me.0);
            if let Some(credential) = turn_password(secret, &username) {
                servers.push(IceServer {
                    urls: self.turn.clone(),
                    credential: Some(credential),
                    username: Some(username),
                });
            }
        }
        servers
    }
}

/// HMAC takes a key of any length, so this is always `Some`.
fn turn_password(secret: &str, username: &str) -> Option<String> {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(username.as_bytes());
    Some(STANDARD.encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn urls(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn settings_are_checked() {
        assert!(Ice::new(&urls(&["stun:127.0.0.1:3478"]), None).is_ok());
        assert!(
            Ice::new(&urls(&["http://127.0.0.1"]), None)
                .unwrap_err()
                .contains("not a stun")
        );
        assert!(
            Ice::new(&urls(&["stun:"]), None)
                .unwrap_err()
                .contains("no host")
        );
        assert!(
            Ice::new(&urls(&["turn:127.0.0.1"]), None)
                .unwrap_err()
                .contains("--turn-secret")
        );
        assert!(Ice::new(&urls(&["stun:127.0.0.1"]), Some("s".into())).is_err());
        assert!(
            Ice::new(&[], None)
                .unwrap()
                .servers(ProfileId(Uuid::nil()), Utc::now())
                .is_empty()
        );
    }

    #[test]
    fn turn_credentials_follow_coturns_rest_convention() {
        // Computed independently (Python's hmac and base64 modules).
        assert_eq!(
            turn_password("north", "1433895918506:my_user_name").as_deref(),
            Some("+8A4l7VX6yTmEzUg7ltAn+0+I8E=")
        );
        let ice = Ice::new(
            &urls(&["stun:127.0.0.1:3478", "turn:127.0.0.1:3478?transport=udp"]),
            Some("north".into()),
        )
        .unwrap();
        let me = ProfileId(Uuid::from_u128(7));
        let now = DateTime::from_timestamp(1_000_000, 0).unwrap();
        let servers = ice.servers(me, now);
        assert_eq!(servers.len(), 2);
        assert_eq!(servers[0].urls, urls(&["stun:127.0.0.1:3478"]));
        assert_eq!(servers[0].username, None);
        let turn = &servers[1];
        let expected = format!("{}:{}", 1_000_000 + 12 * 3600, me.0);
        assert_eq!(turn.username.as_deref(), Some(expected.as_str()));
        assert_eq!(turn.credential, turn_password("north", &expected));
    }
}
