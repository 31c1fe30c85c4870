//! One node's link to Redis for shared state (calls, presence): a multiplexed connection made
//! when first needed and made again after a failure, every round trip bounded in time, scripts
//! run with the caller's key prefix as their first argument, and this node's liveness key.

use std::time::Duration;

use anyhow::Context;
use redis::aio::MultiplexedConnection;
use redis::{FromRedisValue, Script};
use tokio::sync::Mutex;
use uuid::Uuid;

/// How long one Redis round trip may take before the action in hand fails.
const ROUND_TRIP: Duration = Duration::from_secs(3);

pub struct RedisLink {
    client: redis::Client,
    connection: Mutex<Option<MultiplexedConnection>>,
    /// Every key this link touches starts with it.
    prefix: String,
    /// This node, as its entries name it.
    pub node: Uuid,
}

impl RedisLink {
    /// Fails only on a malformed URL: Redis is reached when first needed.
    pub fn new(url: &str, prefix: impl Into<String>) -> anyhow::Result<Self> {
        Ok(Self {
            client: redis::Client::open(url)?,
            connection: Mutex::new(None),
            prefix: prefix.into(),
            node: Uuid::new_v4(),
        })
    }

    async fn connection(&self) -> anyhow::Result<MultiplexedConnection> {
        let mut held = self.connection.lock().await;
        if let Some(c) = held.as_ref() {
            return Ok(c.clone());
        }
        let c = tokio::time::timeout(ROUND_TRIP, self.client.get_multiplexed_async_connection())
            .await
            .context("Redis did not answer")??;
        *held = Some(c.clone());
        Ok(c)
    }

    /// Runs `script` with the prefix and `args`.
    pub async fn run<T: FromRedisValue>(
        &self,
        script: &Script,
        args: &[&str],
    ) -> anyhow::Result<T> {
        let mut c = self.connection().await?;
        let mut call = script.prepare_invoke();
        call.arg(&self.prefix);
        for arg in args {
            call.arg(*arg);
        }
        self.settle(tokio::time::timeout(ROUND_TRIP, call.invoke_async(&mut c)).await)
            .await
    }

    pub async fn command<T: FromRedisValue>(&self, command: &redis::Cmd) -> anyhow::Result<T> {
        let mut c = self.connection().await?;
        self.settle(tokio::time::timeout(ROUND_TRIP, command.query_async(&mut c)).await)
            .await
    }

    /// The answer of one round trip; after a failure the connection is made again next time.
    async fn settle<T>(
        &self,
        outcome: Result<redis::RedisResult<T>, tokio::time::error::Elapsed>,
    ) -> anyhow::Result<T> {
        match outcome {
            Ok(Ok(value)) => Ok(value),
            failed => {
                *self.connection.lock().await = None;
                match failed {
                    Ok(Err(e)) => Err(e).context(self.prefix.clone()),
                    _ => anyhow::bail!("Redis did not answer"),
                }
            }
        }
    }

    /// Renews this node's liveness key (`{prefix}node:{id}`) for `ttl`: entries naming a node
    /// whose key has expired count for nothing.
    pub async fn heartbeat(&self, ttl: Duration) -> anyhow::Result<()> {
        let mut set = redis::cmd("SET");
        set.arg(format!("{}node:{}", self.prefix, self.node))
            .arg(1)
            .arg("EX")
            .arg(ttl.as_secs());
        self.command(&set).await
    }
}
