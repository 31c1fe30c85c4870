//! Talking to a server the way the browser does: server functions as form posts with the site's
//! `Origin`, and pages as plain GETs. (The live feed's sockets are `wire`.)

use anyhow::{Context, bail};
use serde::de::DeserializeOwned;
use serde_json::Value;

#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    pub base: String,
}

impl Api {
    pub fn new(base: &str) -> anyhow::Result<Self> {
        Ok(Self {
            // Every request is bounded: a stuck server fails the run instead of hanging it.
            http: reqwest::Client::builder()
                .pool_max_idle_per_host(64)
                .timeout(std::time::Duration::from_secs(30))
                .build()?,
            base: base.to_owned(),
        })
    }

    /// Signs up a new person; their session cookie (`name=value`).
    pub async fn sign_up(&self, name: &str, email: &str) -> anyhow::Result<String> {
        let response = self
            .post(
                "",
                "sign_up",
                &[
                    ("name", name),
                    ("email", email),
                    ("password", "benchmark password"),
                ],
            )
            .await?;
        if !response.status().is_success() {
            bail!("sign-up failed: {}", response.status());
        }
        let cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .context("sign-up set no cookie")?;
        Ok(cookie.to_owned())
    }

    /// A server function's JSON answer; anything but 200 is an error.
    pub async fn call(
        &self,
        cookie: &str,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> anyhow::Result<Value> {
        self.call_for(cookie, endpoint, form).await
    }

    /// `call`, its answer decoded as `T` (as the browser's code decodes it).
    pub async fn call_for<T: DeserializeOwned>(
        &self,
        cookie: &str,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> anyhow::Result<T> {
        let response = self.post(cookie, endpoint, form).await?;
        let status = response.status();
        let body = response.bytes().await?;
        if !status.is_success() {
            bail!("{endpoint}: {status}: {}", String::from_utf8_lossy(&body));
        }
        Ok(serde_json::from_slice(&body)?)
    }

    pub async fn post(
        &self,
        cookie: &str,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Result<reqwest::Response> {
        self.http
            .post(format!("{}/api/{endpoint}", self.base))
            .header("origin", &self.base)
            .header("cookie", cookie)
            .form(form)
            .send()
            .await
    }

    pub async fn get(&self, cookie: &str, path: &str) -> reqwest::Result<reqwest::Response> {
        self.http
            .get(format!("{}{path}", self.base))
            .header("cookie", cookie)
            .send()
            .await
    }
}
