//! Abuse limits: how often one address, account, email or socket may do each costly thing
//! (governor's GCRA limiters). A refusal says how long to wait; every limit can be changed in
//! settings (`RULE=RATE/UNIT:BURST`), and the maps are pruned so idle keys do not pile up.

mod client;
mod spec;

use std::time::Duration;

use governor::clock::Clock;
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, RateLimiter};
use shared::AppError;
use shared::ids::ProfileId;

pub use client::ClientAddr;
pub use spec::{RateSpec, Unit};

/// What is limited. Each rule has a key kind (who it counts per) and a default rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    SignUpPerAddress,
    SignUp,
    SignInPerAddress,
    SignInPerEmail,
    /// Every server function a signed-in person calls.
    Requests,
    Send,
    /// Edits, deletes and pins of messages.
    Edit,
    /// Reactions added and taken back.
    React,
    /// Servers and channels created.
    Create,
    /// Message searches (each page counts).
    Search,
    /// Changes to one's own account: profile, password, sessions, deletion.
    Account,
    InviteRegenerate,
    Join,
    OpenConversation,
    Upload,
    /// Upload volume, in KiB.
    UploadKib,
    CrashReportPerAddress,
    CrashReport,
    /// Commands on one live socket.
    SocketCommands,
}

impl Rule {
    pub const ALL: [Rule; 19] = [
        Rule::SignUpPerAddress,
        Rule::SignUp,
        Rule::SignInPerAddress,
        Rule::SignInPerEmail,
        Rule::Requests,
        Rule::Send,
        Rule::Edit,
        Rule::React,
        Rule::Create,
        Rule::Search,
        Rule::Account,
        Rule::InviteRegenerate,
        Rule::Join,
        Rule::OpenConversation,
        Rule::Upload,
        Rule::UploadKib,
        Rule::CrashReportPerAddress,
        Rule::CrashReport,
        Rule::SocketCommands,
    ];

    /// The rule's name in settings.
    pub fn name(self) -> &'static str {
        match self {
            Rule::SignUpPerAddress => "sign-up-per-address",
            Rule::SignUp => "sign-up",
            Rule::SignInPerAddress => "sign-in-per-address",
            Rule::SignInPerEmail => "sign-in-per-email",
            Rule::Requests => "requests",
            Rule::Send => "send",
            Rule::Edit => "edit",
            Rule::React => "react",
            Rule::Create => "create",
            Rule::Search => "search",
            Rule::Account => "account",
            Rule::InviteRegenerate => "invite",
            Rule::Join => "join",
            Rule::OpenConversation => "open-conversation",
            Rule::Upload => "upload",
            Rule::UploadKib => "upload-kib",
            Rule::CrashReportPerAddress => "crash-report-per-address",
            Rule::CrashReport => "crash-report",
            Rule::SocketCommands => "socket-commands",
        }
    }

    /// The rate in force unless settings say otherwise.
    pub const fn default_rate(self) -> RateSpec {
        use Unit::{Hour, Minute, Second};
        match self {
            Rule::SignUpPerAddress => RateSpec::new(10, Hour, 5),
            Rule::SignUp => RateSpec::new(60, Minute, 30),
            Rule::SignInPerAddress => RateSpec::new(10, Minute, 10),
            Rule::SignInPerEmail => RateSpec::new(5, Minute, 10),
            Rule::Requests => RateSpec::new(20, Second, 200),
            Rule::Send => RateSpec::new(5, Second, 10),
            Rule::Edit => RateSpec::new(2, Second, 10),
            Rule::React => RateSpec::new(5, Second, 20),
            Rule::Create => RateSpec::new(30, Hour, 10),
            Rule::Search => RateSpec::new(2, Second, 10),
            Rule::Account => RateSpec::new(10, Minute, 10),
            Rule::InviteRegenerate => RateSpec::new(10, Minute, 5),
            Rule::Join => RateSpec::new(30, Hour, 10),
            Rule::OpenConversation => RateSpec::new(30, Minute, 10),
            Rule::Upload => RateSpec::new(60, Hour, 20),
            Rule::UploadKib => RateSpec::new(200 * 1024, Hour, 200 * 1024),
            Rule::CrashReportPerAddress => RateSpec::new(1, Minute, 5),
            Rule::CrashReport => RateSpec::new(60, Minute, 60),
            Rule::SocketCommands => RateSpec::new(10, Second, 50),
        }
    }

    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// Who a limit counts per.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    Address(ClientAddr),
    Account(ProfileId),
    /// A sign-in email, trimmed, lowercased and clipped.
    Email(String),
    /// Everyone together.
    Everyone,
}

impl Key {
    /// The longest email an address can have; longer input is clipped so keys stay small.
    const MAX_EMAIL: usize = 254;

    pub fn email(raw: &str) -> Self {
        Key::Email(
            raw.trim()
                .to_lowercase()
                .chars()
                .take(Self::MAX_EMAIL)
                .collect(),
        )
    }
}

impl From<ProfileId> for Key {
    fn from(id: ProfileId) -> Self {
        Key::Account(id)
    }
}

impl From<ClientAddr> for Key {
    fn from(addr: ClientAddr) -> Self {
        Key::Address(addr)
    }
}

/// The limits in force: a rate per rule, and the counts that are caps rather than rates.
#[derive(Debug, Clone)]
pub struct LimitSettings {
    rates: [RateSpec; Rule::ALL.len()],
    /// Open live sockets per account.
    pub sockets_per_account: usize,
    /// Topics one socket may follow.
    pub subscriptions_per_socket: usize,
    /// Megabytes of files one account may have stored.
    pub storage_per_account_mb: u64,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            rates: Rule::ALL.map(Rule::default_rate),
            sockets_per_account: 20,
            subscriptions_per_socket: 500,
            storage_per_account_mb: 1024,
        }
    }
}

impl LimitSettings {
    pub fn rate(&self, rule: Rule) -> RateSpec {
        self.rates[rule as usize]
    }

    pub fn set(&mut self, rule: Rule, rate: RateSpec) {
        self.rates[rule as usize] = rate;
    }

    /// Applies one `RULE=RATE` setting, or says what is wrong with it.
    pub fn apply(&mut self, setting: &str) -> Result<(), String> {
        let (name, rate) = setting
            .split_once('=')
            .ok_or_else(|| format!("'{setting}' is not RULE=RATE (e.g. send=5/s:10)"))?;
        let rule = Rule::from_name(name.trim()).ok_or_else(|| {
            let known: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
            format!("unknown limit '{name}' (known: {})", known.join(", "))
        })?;
        self.set(rule, rate.parse()?);
        Ok(())
    }
}

/// A refusal: the request was over a limit; the same request may succeed after `retry_after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("over a limit: retry in {retry_after:?}")]
pub struct RateLimited {
    pub retry_after: Duration,
}

impl From<RateLimited> for AppError {
    fn from(limited: RateLimited) -> Self {
        AppError::RateLimited(whole_seconds(limited.retry_after))
    }
}

/// At least one second, rounded up: "try again in 0 s" would be a lie.
fn whole_seconds(wait: Duration) -> u32 {
    let rounded = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    u32::try_from(rounded.max(1)).unwrap_or(u32::MAX)
}

/// One live socket's command budget (not shared: each socket has its own).
pub struct CommandBudget(DefaultDirectRateLimiter);

impl CommandBudget {
    pub fn new(rate: RateSpec) -> Self {
        Self(RateLimiter::direct(rate.quota()))
    }

    /// Takes one command from the budget, or says how long to wait.
    pub fn check(&self) -> Result<(), RateLimited> {
        self.0.check().map_err(|not_until| RateLimited {
            retry_after: not_until.wait_time_from(self.0.clock().now()),
        })
    }
}

/// The live limiters of one process.
pub struct Limits {
    settings: LimitSettings,
    keyed: Vec<DefaultKeyedRateLimiter<Key>>,
}

impl Limits {
    pub fn new(settings: LimitSettings) -> Self {
        let keyed = Rule::ALL
            .iter()
            .map(|rule| RateLimiter::keyed(settings.rate(*rule).quota()))
            .collect();
        Self { settings, keyed }
    }

    pub fn settings(&self) -> &LimitSettings {
        &self.settings
    }

    /// Takes one from `key`'s budget for `rule`, or says how long to wait.
    pub fn check(&self, rule: Rule, key: impl Into<Key>) -> Result<(), RateLimited> {
        self.check_n(rule, key, 1)
    }

    /// Takes `n` at once (e.g. KiB of an upload). More than the whole burst is refused with the
    /// time the burst takes to refill.
    pub fn check_n(&self, rule: Rule, key: impl Into<Key>, n: u32) -> Result<(), RateLimited> {
        let limiter = &self.keyed[rule as usize];
        let Some(n) = std::num::NonZeroU32::new(n) else {
            return Ok(());
        };
        match limiter.check_key_n(&key.into(), n) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => Err(RateLimited {
                retry_after: not_until.wait_time_from(limiter.clock().now()),
            }),
            Err(_) => Err(RateLimited {
                retry_after: self.settings.rate(rule).quota().burst_size_replenished_in(),
            }),
        }
    }

    /// A fresh budget for one live socket's commands.
    pub fn socket_commands(&self) -> CommandBudget {
        CommandBudget::new(self.settings.rate(Rule::SocketCommands))
    }

    /// Forgets keys whose budget is full again, so the maps hold only recent clients.
    pub fn prune(&self) {
        for limiter in &self.keyed {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    /// How many keys are remembered across all rules (for tests of pruning).
    pub fn remembered(&self) -> usize {
        self.keyed.iter().map(|l| l.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(last: u8) -> ClientAddr {
        ClientAddr::new([192, 0, 2, last].into())
    }

    #[test]
    fn every_rule_has_a_distinct_name_that_parses_back() {
        for rule in Rule::ALL {
            assert_eq!(Rule::from_name(rule.name()), Some(rule));
            assert_eq!(Rule::ALL[rule as usize], rule);
        }
    }

    #[test]
    fn a_key_is_refused_after_its_burst_with_a_wait_and_others_are_not() {
        let mut settings = LimitSettings::default();
        settings.apply("sign-in-per-address=1/min:3").unwrap();
        let limits = Limits::new(settings);
        for _ in 0..3 {
            assert!(limits.check(Rule::SignInPerAddress, addr(1)).is_ok());
        }
        let refused = limits.check(Rule::SignInPerAddress, addr(1)).unwrap_err();
        assert!(refused.retry_after > Duration::from_secs(50), "{refused:?}");
        assert_eq!(AppError::from(refused), AppError::RateLimited(60));
        assert!(limits.check(Rule::SignInPerAddress, addr(2)).is_ok());
        // Another rule keeps its own budget for the same key.
        assert!(limits.check(Rule::SignUpPerAddress, addr(1)).is_ok());
    }

    #[test]
    fn more_than_a_burst_at_once_is_refused_and_zero_is_free() {
        let mut settings = LimitSettings::default();
        settings.apply("upload-kib=100/h").unwrap();
        let limits = Limits::new(settings);
        let me = ProfileId(uuid::Uuid::new_v4());
        assert!(limits.check_n(Rule::UploadKib, me, 0).is_ok());
        assert!(limits.check_n(Rule::UploadKib, me, 101).is_err());
        assert!(limits.check_n(Rule::UploadKib, me, 60).is_ok());
        assert!(limits.check_n(Rule::UploadKib, me, 60).is_err());
    }

    #[test]
    fn bad_settings_say_what_is_wrong() {
        let mut settings = LimitSettings::default();
        assert!(settings.apply("send").unwrap_err().contains("RULE=RATE"));
        assert!(
            settings
                .apply("shout=1/s")
                .unwrap_err()
                .contains("unknown limit")
        );
        assert!(
            settings
                .apply("send=fast")
                .unwrap_err()
                .contains("not a rate")
        );
        assert_eq!(settings.rate(Rule::Send), Rule::Send.default_rate());
    }

    #[test]
    fn pruning_forgets_keys_whose_budget_is_full_again() {
        let mut settings = LimitSettings::default();
        settings.apply("send=1000/s:1").unwrap();
        settings.apply("create=1/h").unwrap();
        let limits = Limits::new(settings);
        let me = ProfileId(uuid::Uuid::new_v4());
        limits.check(Rule::Send, me).unwrap();
        limits.check(Rule::Create, me).unwrap();
        assert_eq!(limits.remembered(), 2);
        std::thread::sleep(Duration::from_millis(20));
        limits.prune();
        assert_eq!(
            limits.remembered(),
            1,
            "the hourly budget is still being refilled"
        );
        assert!(
            limits.check(Rule::Create, me).is_err(),
            "and still remembered"
        );
    }

    #[test]
    fn waits_round_up_to_whole_seconds() {
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_millis(1_001)), 2);
        assert_eq!(whole_seconds(Duration::ZERO), 1);
    }
}
