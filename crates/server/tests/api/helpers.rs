//! The test harness: `spawn_app(engine)`, `TestApp` with an HTTP client, and account helpers.

use std::time::Duration;

use reqwest::header::{ACCEPT, COOKIE, HeaderMap, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::redirect::Policy;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use server::config::{DatabaseSettings, LogFormat, Settings};
use server::startup::Application;
use tempfile::TempDir;
use uuid::Uuid;

/// Which database a test runs on (and, for `Shared`, the Redis its live events and call state
/// go through, as when several nodes run).
#[derive(Debug, Clone)]
pub enum Engine {
    Sqlite,
    Postgres {
        admin_url: String,
    },
    Shared {
        admin_url: String,
        redis_url: String,
    },
}

impl Engine {
    /// PostgreSQL when TEST_DATABASE_URL is set. On CI it must be: a missing URL fails there
    /// rather than silently skipping half the suite.
    pub fn postgres() -> Option<Engine> {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => Some(Engine::Postgres { admin_url }),
            _ => {
                assert!(
                    std::env::var("CI").is_err(),
                    "TEST_DATABASE_URL must be set on CI"
                );
                eprintln!("TEST_DATABASE_URL not set: PostgreSQL variant not run");
                None
            }
        }
    }

    /// PostgreSQL with Redis, when TEST_DATABASE_URL and TEST_REDIS_URL are set (required on
    /// CI).
    pub fn shared() -> Option<Engine> {
        let Some(Engine::Postgres { admin_url }) = Engine::postgres() else {
            return None;
        };
        match std::env::var("TEST_REDIS_URL") {
            Ok(redis_url) if !redis_url.is_empty() => Some(Engine::Shared {
                admin_url,
                redis_url,
            }),
            _ => {
                assert!(
                    std::env::var("CI").is_err(),
                    "TEST_REDIS_URL must be set on CI"
                );
                eprintln!("TEST_REDIS_URL not set: Redis variant not run");
                None
            }
        }
    }

    /// A URL of a brand-new, empty database of this engine.
    pub async fn fresh_database(&self, dir: &TempDir) -> String {
        match self {
            Engine::Sqlite => format!("sqlite://{}/test.db?mode=rwc", dir.path().display()),
            Engine::Postgres { admin_url } | Engine::Shared { admin_url, .. } => {
                let name = format!("chatterhub_test_{}", Uuid::new_v4().simple());
                let admin = Database::connect(admin_url).await.unwrap();
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .unwrap();
                admin.close().await.unwrap();
                let mut url = url::Url::parse(admin_url).unwrap();
                url.set_path(&name);
                url.to_string()
            }
        }
    }
}

/// Runs `$name(engine)` once per engine: `sqlite::$name` and `postgres::$name`.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::helpers::Engine::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(engine) = $crate::helpers::Engine::postgres() {
                        super::$name(engine).await
                    }
                }
            )*
        }
    };
}

/// `on_both_engines!`, and a third run, `shared::$name`, on PostgreSQL with Redis.
#[macro_export]
macro_rules! on_every_setup {
    ($($name:ident),* $(,)?) => {
        $crate::on_both_engines!($($name),*);
        mod shared {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(engine) = $crate::helpers::Engine::shared() {
                        super::$name(engine).await
                    }
                }
            )*
        }
    };
}

pub struct TestApp {
    pub address: String,
    /// A client that does not follow redirects or keep cookies: tests see exactly what was sent.
    pub http: reqwest::Client,
    /// A separate connection for looking at (and tampering with) the database.
    pub db: DatabaseConnection,
    /// The app's own connection, to simulate the database going away.
    pub app_db: DatabaseConnection,
    settings: Settings,
    _dir: std::sync::Arc<TempDir>,
}

pub async fn spawn_app(engine: Engine) -> TestApp {
    spawn_app_with(engine, None).await
}

/// An app whose live events go through Redis at `redis_url`.
pub async fn spawn_app_with(engine: Engine, redis_url: Option<&str>) -> TestApp {
    spawn_app_configured(engine, |s| {
        if let Some(url) = redis_url {
            s.redis_url = Some(url.parse().unwrap());
        }
    })
    .await
}

/// An app whose settings `configure` changes first.
pub async fn spawn_app_configured(
    engine: Engine,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let database_url = engine.fresh_database(&dir).await;
    let redis_url = match &engine {
        Engine::Shared { redis_url, .. } => Some(redis_url.parse().unwrap()),
        _ => None,
    };
    let mut settings = Settings {
        db: DatabaseSettings {
            database_url: Some(database_url.clone()),
            data_dir: dir.path().join("data"),
            log_format: LogFormat::Pretty,
        },
        bind: "127.0.0.1:0".parse().unwrap(),
        storage_url: None,
        redis_url,
        livekit_url: None,
        livekit_api_key: None,
        livekit_api_secret: None,
        ice_servers: Vec::new(),
        turn_secret: None,
        public_url: None,
        site_root: dir.path().join("site"),
        trusted_proxies: Vec::new(),
        // Every test person comes from 127.0.0.1; the per-address account limits have tests
        // of their own (`limits.rs`). Everything else keeps its production value.
        rate_limits: vec![
            "sign-up-per-address=1000/min".into(),
            "sign-in-per-address=1000/min".into(),
        ],
        max_sockets_per_account: 20,
        max_subscriptions_per_socket: 500,
        storage_quota_mb: 1024,
    };
    configure(&mut settings);
    let settings = settings.validate().unwrap();
    start(settings, std::sync::Arc::new(dir)).await
}

async fn start(settings: Settings, dir: std::sync::Arc<TempDir>) -> TestApp {
    let app = Application::build(settings.clone()).await.unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    let app_db = app.database().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp::at(address, app_db, settings, dir).await
}

/// A node on a runtime of its own, which `kill` stops dead, as when its machine fails: no
/// goodbye, its sockets drop and its tasks stop.
pub struct MortalNode {
    pub app: TestApp,
    kill: std::sync::mpsc::Sender<()>,
}

impl MortalNode {
    pub fn kill(self) {
        let _ = self.kill.send(());
    }
}

impl TestApp {
    async fn at(
        address: String,
        app_db: DatabaseConnection,
        settings: Settings,
        dir: std::sync::Arc<TempDir>,
    ) -> TestApp {
        // Sent by browsers with every form post, fetch and socket upgrade; the server refuses
        // state-changing requests without it (tests of that build requests of their own).
        let mut from_the_site = HeaderMap::new();
        from_the_site.insert(ORIGIN, address.parse().unwrap());
        let http = reqwest::Client::builder()
            .default_headers(from_the_site)
            .redirect(Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let db = Database::connect(&settings.db.url()).await.unwrap();
        TestApp {
            address,
            http,
            db,
            app_db,
            settings,
            _dir: dir,
        }
    }

    /// Another node of the same deployment that can be killed (`MortalNode`).
    pub async fn mortal_node(&self) -> MortalNode {
        let settings = self.settings.clone();
        let (ready, address) = tokio::sync::oneshot::channel();
        let (kill, killed) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            let address = runtime.block_on(async move {
                let app = Application::build(settings).await.unwrap();
                let address = format!("http://127.0.0.1:{}", app.port());
                tokio::spawn(app.run_until_stopped());
                address
            });
            let _ = ready.send(address);
            let _ = killed.recv();
            runtime.shutdown_background();
        });
        let address = address.await.unwrap();
        let db = Database::connect(&self.settings.db.url()).await.unwrap();
        let app = TestApp::at(address, db, self.settings.clone(), self._dir.clone()).await;
        MortalNode { app, kill }
    }
}

/// A browser's session: its cookie value.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
}

impl Session {
    pub fn cookie(&self) -> String {
        format!("chatterhub_session={}", self.token)
    }
}

impl TestApp {
    /// Another node of the same deployment: same database, same Redis, its own port.
    pub async fn another_node(&self) -> TestApp {
        start(self.settings.clone(), self._dir.clone()).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Posts a form the way the hydrated app's server-function client does: success is a 200
    /// (with `Location` when the function redirects) and errors are JSON with their status.
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        session: Option<&Session>,
    ) -> reqwest::Response {
        let mut req = self.http.post(self.url(path)).form(form);
        if let Some(s) = session {
            req = req.header(COOKIE, s.cookie());
        }
        req.send().await.unwrap()
    }

    /// Submits a form the way a browser without JavaScript does: a redirect follows success.
    pub async fn submit_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        session: Option<&Session>,
    ) -> reqwest::Response {
        let mut req = self
            .http
            .post(self.url(path))
            .header(ACCEPT, "text/html,application/xhtml+xml")
            .form(form);
        if let Some(s) = session {
            req = req.header(COOKIE, s.cookie());
        }
        req.send().await.unwrap()
    }

    /// A GET as a browser's address bar makes it (which is what makes a page's redirect a 302).
    pub async fn get(&self, path: &str, session: Option<&Session>) -> reqwest::Response {
        let mut req = self
            .http
            .get(self.url(path))
            .header(ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8");
        if let Some(s) = session {
            req = req.header(COOKIE, s.cookie());
        }
        req.send().await.unwrap()
    }

    pub async fn sign_up(&self, name: &str, email: &str, password: &str) -> reqwest::Response {
        self.post_form(
            "/api/sign_up",
            &[("name", name), ("email", email), ("password", password)],
            None,
        )
        .await
    }

    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        session: Option<&Session>,
    ) -> reqwest::Response {
        self.post_form(
            "/api/sign_in",
            &[("email", email), ("password", password)],
            session,
        )
        .await
    }

    /// Signs up a new person and returns their session.
    pub async fn new_user(&self, name: &str) -> (String, Session) {
        let email = format!(
            "{}-{}@example.com",
            name.to_lowercase().replace(' ', "-"),
            Uuid::new_v4().simple()
        );
        let response = self.sign_up(name, &email, "correct horse battery").await;
        assert!(
            response.status().is_success(),
            "sign up: {}",
            response.status()
        );
        let session = session_from(response.headers()).expect("a session cookie");
        (email, session)
    }

    /// The `/api/me` answer for a session.
    pub async fn me(&self, session: Option<&Session>) -> serde_json::Value {
        let response = self.post_form("/api/me", &[], session).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    pub async fn count(&self, table: &str) -> i64 {
        use sea_orm::{DbBackend, Statement};
        let backend: DbBackend = self.db.get_database_backend();
        let row = self
            .db
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }
}

/// The session token set by a response, if it set one (an empty value clears it).
pub fn session_from(headers: &HeaderMap) -> Option<Session> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("chatterhub_session="))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
        .filter(|token| !token.is_empty())
        .map(|token| Session { token })
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

impl TestApp {
    /// Calls a server function the way the app does and returns its status and JSON answer.
    pub async fn call(
        &self,
        session: &Session,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> (u16, serde_json::Value) {
        self.call_as(Some(session), endpoint, form).await
    }

    /// Like `call`, with no session cookie.
    pub async fn call_anonymously(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> (u16, serde_json::Value) {
        self.call_as(None, endpoint, form).await
    }

    async fn call_as(
        &self,
        session: Option<&Session>,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> (u16, serde_json::Value) {
        let response = self
            .post_form(&format!("/api/{endpoint}"), form, session)
            .await;
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        let json = serde_json::from_str(&body).unwrap_or(serde_json::Value::String(body));
        (status, json)
    }

    /// Like `call`, but the call must succeed.
    pub async fn ok(
        &self,
        session: &Session,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> serde_json::Value {
        let (status, json) = self.call(session, endpoint, form).await;
        assert_eq!(status, 200, "{endpoint} {form:?}: {json}");
        json
    }

    /// Every server, member, channel, ban, profile, account and session row, to prove a refused
    /// call changed nothing.
    pub async fn snapshot(&self) -> String {
        use sea_orm::{DbBackend, Statement};
        let backend: DbBackend = self.db.get_database_backend();
        let mut out = String::new();
        for sql in [
            "SELECT id, name, image_url, invite_code, owner_id FROM server ORDER BY id",
            "SELECT id, role, profile_id, server_id, left_at FROM member ORDER BY id",
            "SELECT id, name, kind, server_id FROM channel ORDER BY id",
            "SELECT server_id, profile_id FROM ban ORDER BY server_id, profile_id",
            "SELECT id, name, email, image_url FROM profile ORDER BY id",
            "SELECT profile_id, password_hash FROM account ORDER BY profile_id",
            "SELECT token_hash, profile_id FROM session ORDER BY token_hash",
        ] {
            let rows = self
                .db
                .query_all_raw(Statement::from_string(backend, sql.to_owned()))
                .await
                .unwrap();
            for row in rows {
                out.push_str(&format!("{row:?}\n"));
            }
        }
        out
    }
}
