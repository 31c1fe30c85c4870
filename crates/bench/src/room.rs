//! The chat room a scenario runs in: one server with a channel, a listener account (whose many
//! sockets follow the channel) and the sender accounts, each a member.

use anyhow::Context;
use shared::ids::{ChannelId, ServerId};
use uuid::Uuid;

use crate::client::Api;

pub struct Room {
    pub api: Api,
    pub server: ServerId,
    pub channel: ChannelId,
    pub owner: String,
    pub senders: Vec<String>,
}

impl Room {
    /// Signs up an owner and `senders` members through the real paths, and creates the server.
    pub async fn create(api: Api, senders: usize) -> anyhow::Result<Self> {
        let run = Uuid::new_v4().simple().to_string();
        let email = |who: &str| format!("{who}-{run}@bench.example");
        let owner = api.sign_up("Bench Owner", &email("owner")).await?;
        let created = api
            .call(&owner, "create_server", &[("name", "Bench")])
            .await?;
        let server = created["id"].as_str().context("no server id")?.to_owned();
        let details = api
            .call(&owner, "load_server", &[("server_id", &server)])
            .await?;
        let code = details["invite_code"].as_str().context("no invite")?;
        let channel = details["channels"][0]["id"]
            .as_str()
            .context("no channel")?
            .parse()?;
        let mut members = Vec::new();
        for i in 0..senders {
            let cookie = api
                .sign_up(&format!("Sender {i}"), &email(&format!("sender{i}")))
                .await?;
            api.call(&cookie, "join_server", &[("code", code)]).await?;
            members.push(cookie);
        }
        Ok(Self {
            api,
            server: server.parse()?,
            channel,
            owner,
            senders: members,
        })
    }

    /// The same shape for the bare broadcast server, which has no accounts.
    pub fn bare(api: Api, senders: usize) -> Self {
        Self {
            api,
            server: ServerId(Uuid::new_v4()),
            channel: ChannelId(Uuid::new_v4()),
            owner: String::new(),
            senders: vec![String::new(); senders],
        }
    }
}
