//! Every setting is a flag with a `CHATTERHUB_*` environment fallback. No global configuration:
//! the parsed values are handed to `Application::build`.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use anyhow::bail;
use clap::{Args, Parser, Subcommand, ValueEnum};
use domain::limits::LimitSettings;
use ipnet::IpNet;
use url::Url;

#[derive(Debug, Parser)]
#[command(
    name = "chatterhub",
    version,
    about = "ChatterHub: real-time chat for communities"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once at start; boxing buys nothing
pub enum Command {
    /// Serve the web app (runs pending migrations first).
    Serve(Settings),
    /// Apply pending database migrations and exit.
    Migrate(DatabaseSettings),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DatabaseSettings {
    /// Database URL: `sqlite://PATH?mode=rwc` (embedded) or `postgres://USER:PASS@HOST/DB`.
    /// Default: `chatterhub.db` in the data folder (`sqlite://./data/chatterhub.db?mode=rwc`).
    #[arg(long, env = "CHATTERHUB_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Folder for the embedded database and local uploads; created if missing.
    #[arg(long, env = "CHATTERHUB_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Log output: human-readable or one JSON object per line.
    #[arg(
        long,
        env = "CHATTERHUB_LOG_FORMAT",
        value_enum,
        default_value = "pretty"
    )]
    pub log_format: LogFormat,
}

/// Everything `chatterhub serve` needs.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    #[command(flatten)]
    pub db: DatabaseSettings,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "CHATTERHUB_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,
    /// Object store for uploads: `file:///path`, `s3://bucket`, `gs://bucket`, `az://container`.
    /// Default: `uploads/` inside the data folder.
    #[arg(long, env = "CHATTERHUB_STORAGE_URL")]
    pub storage_url: Option<Url>,
    /// Redis for sharing live updates between several nodes: `redis://HOST:PORT`.
    #[arg(long, env = "CHATTERHUB_REDIS_URL")]
    pub redis_url: Option<Url>,
    /// LiveKit server for audio and video: `wss://HOST` (needs key and secret too).
    #[arg(long, env = "CHATTERHUB_LIVEKIT_URL")]
    pub livekit_url: Option<Url>,
    #[arg(long, env = "CHATTERHUB_LIVEKIT_API_KEY")]
    pub livekit_api_key: Option<String>,
    #[arg(long, env = "CHATTERHUB_LIVEKIT_API_SECRET", hide_env_values = true)]
    pub livekit_api_secret: Option<String>,
    /// STUN and TURN servers for peer-to-peer calls across networks (comma-separated `stun:`,
    /// `turn:` or `turns:` URLs, e.g. `stun:turn.example.org:3478,turn:turn.example.org:3478`).
    /// Default: none, enough on one machine or a LAN.
    #[arg(long, env = "CHATTERHUB_ICE_SERVERS", value_delimiter = ',')]
    pub ice_servers: Vec<String>,
    /// The TURN server's shared secret (coturn `static-auth-secret`), from which each person
    /// gets credentials good for 12 hours.
    #[arg(long, env = "CHATTERHUB_TURN_SECRET", hide_env_values = true)]
    pub turn_secret: Option<String>,
    /// The address people use to reach this site (for invite links and the cookie's Secure flag).
    #[arg(long, env = "CHATTERHUB_PUBLIC_URL")]
    pub public_url: Option<Url>,
    /// Folder with the compiled site (`pkg/`, assets), as built by cargo-leptos.
    #[arg(long, env = "CHATTERHUB_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` headers name the client
    /// (comma-separated addresses or CIDR networks, e.g. `127.0.0.1,10.0.0.0/8`). Default: none,
    /// so the connection's own address is the client's.
    #[arg(long, env = "CHATTERHUB_TRUSTED_PROXIES", value_delimiter = ',', value_parser = network)]
    pub trusted_proxies: Vec<IpNet>,
    /// Changes one abuse limit: `RULE=RATE/UNIT[:BURST]`, e.g. `send=5/s:10` (repeatable, or
    /// comma-separated in the environment variable). The rules and defaults are in the README.
    #[arg(
        long = "rate-limit",
        env = "CHATTERHUB_RATE_LIMITS",
        value_delimiter = ','
    )]
    pub rate_limits: Vec<String>,
    /// Live sockets one account may hold open at once.
    #[arg(long, env = "CHATTERHUB_MAX_SOCKETS_PER_ACCOUNT", default_value_t = 20)]
    pub max_sockets_per_account: usize,
    /// Topics one live socket may follow at once.
    #[arg(
        long,
        env = "CHATTERHUB_MAX_SUBSCRIPTIONS_PER_SOCKET",
        default_value_t = 500
    )]
    pub max_subscriptions_per_socket: usize,
    /// Megabytes of uploads one account may have stored at once.
    #[arg(long, env = "CHATTERHUB_STORAGE_QUOTA_MB", default_value_t = 1024)]
    pub storage_quota_mb: u64,
}

/// A CIDR network, or one address (a network of one).
fn network(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("'{text}' is not an address or a CIDR network"))
}

impl DatabaseSettings {
    /// The database URL in force: the flag, or the embedded SQLite file in the data folder.
    pub fn url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}/chatterhub.db?mode=rwc",
                self.data_dir.display()
            ),
        }
    }

    /// Checks what flags alone cannot: a database URL of a kind we support.
    pub fn validate(self) -> anyhow::Result<Self> {
        let url = &self.url();
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            bail!(
                "--database-url must start with sqlite:, postgres:// or postgresql:// (got {})",
                domain::db::redact(url)
            );
        }
        Ok(self)
    }
}

impl Settings {
    /// Checks the settings as a whole, so a bad combination fails at start with one clear line.
    pub fn validate(mut self) -> anyhow::Result<Self> {
        self.db = self.db.validate()?;
        if let Some(url) = &self.redis_url
            && !matches!(url.scheme(), "redis" | "rediss")
        {
            bail!(
                "--redis-url must be redis:// or rediss:// (got {})",
                url.scheme()
            );
        }
        if let Some(url) = &self.storage_url
            && !matches!(
                url.scheme(),
                "file"
                    | "memory"
                    | "s3"
                    | "s3a"
                    | "gs"
                    | "az"
                    | "azure"
                    | "abfs"
                    | "abfss"
                    | "https"
            )
        {
            bail!(
                "--storage-url scheme '{}' is not supported (file, s3, gs, az)",
                url.scheme()
            );
        }
        let livekit = [
            self.livekit_url.is_some(),
            self.livekit_api_key.is_some(),
            self.livekit_api_secret.is_some(),
        ];
        if livekit.iter().any(|set| *set) && !livekit.iter().all(|set| *set) {
            bail!(
                "LiveKit needs all three of --livekit-url, --livekit-api-key and --livekit-api-secret"
            );
        }
        if let Some(url) = &self.livekit_url
            && (!matches!(url.scheme(), "ws" | "wss") || url.host().is_none())
        {
            bail!("--livekit-url must be ws://HOST or wss://HOST (got {url})");
        }
        if let Some(url) = &self.public_url
            && !matches!(url.scheme(), "http" | "https")
        {
            bail!(
                "--public-url must be http:// or https:// (got {})",
                url.scheme()
            );
        }
        self.limits()?;
        self.ice()?;
        Ok(self)
    }

    /// The abuse limits in force: the defaults with every `--rate-limit` applied.
    pub fn limits(&self) -> anyhow::Result<LimitSettings> {
        let mut limits = LimitSettings::default();
        limits.sockets_per_account = self.max_sockets_per_account;
        limits.subscriptions_per_socket = self.max_subscriptions_per_socket;
        limits.storage_per_account_mb = self.storage_quota_mb;
        for setting in self.rate_limits.iter().filter(|s| !s.trim().is_empty()) {
            limits
                .apply(setting)
                .map_err(|e| anyhow::anyhow!("--rate-limit: {e}"))?;
        }
        if limits.sockets_per_account == 0 || limits.subscriptions_per_socket == 0 {
            bail!(
                "--max-sockets-per-account and --max-subscriptions-per-socket must be at least 1"
            );
        }
        Ok(limits)
    }

    /// Cookies get `Secure` when the public address is https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_ref()
            .is_some_and(|u| u.scheme() == "https")
    }

    /// The LiveKit server, when all three of its settings are given (`validate` refuses some).
    pub fn livekit(&self) -> Option<domain::calls::livekit::LiveKit> {
        Some(domain::calls::livekit::LiveKit::new(
            self.livekit_url.as_ref()?.to_string(),
            self.livekit_api_key.clone()?,
            self.livekit_api_secret.clone()?,
        ))
    }

    /// Where pages may open connections besides this site: the LiveKit server (its socket, and
    /// the same origin over http(s), which its client asks when a socket fails), and during
    /// `make dev` cargo-leptos's reload socket.
    pub fn connect_sources(&self) -> String {
        let mut sources = Vec::new();
        if let Some(url) = &self.livekit_url {
            let socket = url.origin().ascii_serialization();
            sources.push(socket.replacen("ws", "http", 1));
            sources.push(socket);
        }
        if self.dev_reload() {
            sources.push("ws://127.0.0.1:*".into());
            sources.push("ws://localhost:*".into());
        }
        sources.join(" ")
    }

    /// The STUN/TURN servers of `--ice-servers` and `--turn-secret`.
    pub fn ice(&self) -> anyhow::Result<domain::calls::ice::Ice> {
        domain::calls::ice::Ice::new(&self.ice_servers, self.turn_secret.clone())
            .map_err(anyhow::Error::msg)
    }

    /// Run by `cargo leptos watch`, which rebuilds the site's files in place and reloads pages.
    pub fn dev_reload(&self) -> bool {
        std::env::var_os("LEPTOS_WATCH").is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Settings, String> {
        let mut argv = vec!["chatterhub", "serve"];
        argv.extend_from_slice(args);
        let cli = Cli::try_parse_from(argv).map_err(|e| e.to_string())?;
        match cli.command {
            Command::Serve(s) => s.validate().map_err(|e| e.to_string()),
            Command::Migrate(_) => Err("not serve".into()),
        }
    }

    #[test]
    fn defaults_are_the_embedded_setup() {
        let s = parse(&[]).unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(s.db.url(), "sqlite://./data/chatterhub.db?mode=rwc");
        assert!(s.redis_url.is_none() && s.livekit_url.is_none());
        assert!(!s.secure_cookies());
    }

    #[test]
    fn bad_values_are_refused_with_a_reason() {
        assert!(
            parse(&["--bind", "nowhere"])
                .unwrap_err()
                .contains("--bind")
        );
        assert!(parse(&["--no-such-flag"]).is_err());
        assert!(
            parse(&["--database-url", "mysql://x"])
                .unwrap_err()
                .contains("--database-url")
        );
        assert!(
            parse(&["--redis-url", "http://127.0.0.1"])
                .unwrap_err()
                .contains("redis")
        );
        assert!(parse(&["--redis-url", "not a url"]).is_err());
        assert!(
            parse(&["--livekit-url", "wss://127.0.0.1"])
                .unwrap_err()
                .contains("LiveKit")
        );
        let livekit = [
            "--livekit-api-key",
            "devkey",
            "--livekit-api-secret",
            "secret",
        ];
        assert!(
            parse(&[&["--livekit-url", "https://127.0.0.1"][..], &livekit].concat())
                .unwrap_err()
                .contains("ws://HOST")
        );
        let s =
            parse(&[&["--livekit-url", "wss://lk.example:7880/x"][..], &livekit].concat()).unwrap();
        assert_eq!(
            s.connect_sources(),
            "https://lk.example:7880 wss://lk.example:7880"
        );
        assert!(
            parse(&["--ice-servers", "turn:127.0.0.1:3478"])
                .unwrap_err()
                .contains("--turn-secret")
        );
        assert!(
            parse(&["--ice-servers", "stun:127.0.0.1,http://127.0.0.1"])
                .unwrap_err()
                .contains("not a stun")
        );
        assert!(
            parse(&["--storage-url", "ftp://x"])
                .unwrap_err()
                .contains("storage")
        );
        for (flag, value, says) in [
            ("--rate-limit", "send", "RULE=RATE"),
            ("--rate-limit", "shout=1/s", "unknown limit"),
            ("--rate-limit", "send=0/s", "not a rate"),
            ("--trusted-proxies", "10.0.0.0/33", "CIDR"),
            ("--max-sockets-per-account", "0", "at least 1"),
        ] {
            let error = parse(&[flag, value]).unwrap_err();
            assert!(error.contains(says), "{flag} {value}: {error}");
        }
    }

    #[test]
    fn limits_and_proxies_come_from_flags() {
        use domain::limits::{RateSpec, Rule, Unit};
        let s = parse(&[
            "--rate-limit",
            "send=1/s:2",
            "--rate-limit",
            "upload=3/h",
            "--trusted-proxies",
            "127.0.0.1,10.0.0.0/8",
        ])
        .unwrap();
        let limits = s.limits().unwrap();
        assert_eq!(limits.rate(Rule::Send), RateSpec::new(1, Unit::Second, 2));
        assert_eq!(limits.rate(Rule::Upload), RateSpec::new(3, Unit::Hour, 3));
        assert_eq!(limits.rate(Rule::Edit), Rule::Edit.default_rate());
        assert_eq!(s.trusted_proxies.len(), 2);
        assert_eq!(s.trusted_proxies[0].to_string(), "127.0.0.1/32");
    }

    #[test]
    fn https_public_url_makes_cookies_secure() {
        let s = parse(&["--public-url", "https://chat.example"]).unwrap();
        assert!(s.secure_cookies());
    }
}
