//! Presence shared by several nodes in Redis: per person a hash of each node's status for them
//! (`person:{profile}`: node id → `Online`/`Idle`), counted only while the node's liveness key
//! lives (`node:{id}`, renewed every `HEARTBEAT`, gone `NODE_TTL` after a node dies), so a dead
//! node's people go offline by themselves; the nodes alive sweep a dead one's entries (`nodes`,
//! and `people:{node}`, whom it held) and announce what became of its people. Each change is one
//! script: atomic across nodes.

use std::time::Duration;

use redis::Script;
use shared::ids::ProfileId;
use shared::presence::Status;
use uuid::Uuid;

use crate::redis_link::RedisLink;

/// Under it, the deployment's id: deployments sharing one Redis never see each other's people.
const PREFIX: &str = "chatterhub:presence:";
/// How long a node's entries outlive its last sign of life.
pub const NODE_TTL: Duration = Duration::from_secs(15);
/// How often a node renews its liveness key.
pub const HEARTBEAT: Duration = Duration::from_secs(5);

/// A person's status across the nodes alive (`overall(key)`), sweeping the entries of dead
/// nodes.
const PRELUDE: &str = r"
local p = ARGV[1]
local function overall(key)
  local all, best = redis.call('HGETALL', key), 'Offline'
  for i = 1, #all, 2 do
    if redis.call('EXISTS', p .. 'node:' .. all[i]) == 1 then
      if all[i + 1] == 'Online' then best = 'Online'
      elseif all[i + 1] == 'Idle' and best ~= 'Online' then best = 'Idle' end
    else
      redis.call('HDEL', key, all[i])
    end
  end
  return best
end
";

/// ARGV: prefix, profile, node, status ('' when the node holds no socket of theirs), node TTL.
/// The person's status before and after.
const SET: &str = r"
local me, node, status = ARGV[2], ARGV[3], ARGV[4]
local key = p .. 'person:' .. me
redis.call('SET', p .. 'node:' .. node, '1', 'EX', ARGV[5])
redis.call('SADD', p .. 'nodes', node)
local before = overall(key)
if status == '' then
  redis.call('HDEL', key, node)
  redis.call('SREM', p .. 'people:' .. node, me)
else
  redis.call('HSET', key, node, status)
  redis.call('SADD', p .. 'people:' .. node, me)
end
return {before, overall(key)}
";

/// ARGV: prefix, profiles…. Each one's status, in order.
const STATUSES: &str = r"
local out = {}
for i = 2, #ARGV do out[#out + 1] = overall(p .. 'person:' .. ARGV[i]) end
return out
";

/// ARGV: prefix. Forgets the nodes whose liveness key has expired: each person one of them
/// held, and their status now (`{profile, status, …}`).
const SWEEP: &str = r"
local out = {}
for _, node in ipairs(redis.call('SMEMBERS', p .. 'nodes')) do
  if redis.call('EXISTS', p .. 'node:' .. node) == 0 then
    for _, me in ipairs(redis.call('SMEMBERS', p .. 'people:' .. node)) do
      local key = p .. 'person:' .. me
      redis.call('HDEL', key, node)
      out[#out + 1] = me
      out[#out + 1] = overall(key)
    end
    redis.call('DEL', p .. 'people:' .. node)
    redis.call('SREM', p .. 'nodes', node)
  end
end
return out
";

pub struct RedisPresence {
    link: RedisLink,
    set: Script,
    statuses: Script,
    sweep: Script,
}

impl RedisPresence {
    /// Fails only on a malformed URL: Redis is reached when first needed.
    pub fn new(url: &str, deployment: Uuid) -> anyhow::Result<Self> {
        let script = |body: &str| Script::new(&format!("{PRELUDE}{body}"));
        Ok(Self {
            link: RedisLink::new(url, format!("{PREFIX}{deployment}:"))?,
            set: script(SET),
            statuses: script(STATUSES),
            sweep: script(SWEEP),
        })
    }

    pub async fn heartbeat(&self) -> anyhow::Result<()> {
        self.link.heartbeat(NODE_TTL).await
    }

    /// Records this node's status for `me` (`Offline`: no socket of theirs here); their
    /// status across the nodes before and after.
    pub async fn set(&self, me: ProfileId, here: Status) -> anyhow::Result<(Status, Status)> {
        let status = match here {
            Status::Offline => "",
            other => other.label(),
        };
        let (before, after): (String, String) = self
            .link
            .run(
                &self.set,
                &[
                    &me.to_string(),
                    &self.link.node.to_string(),
                    status,
                    &NODE_TTL.as_secs().to_string(),
                ],
            )
            .await?;
        Ok((parse(&before), parse(&after)))
    }

    /// The status of each person, in order.
    pub async fn statuses(&self, people: &[ProfileId]) -> anyhow::Result<Vec<Status>> {
        if people.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = people.iter().map(ToString::to_string).collect();
        let args: Vec<&str> = ids.iter().map(String::as_str).collect();
        let found: Vec<String> = self.link.run(&self.statuses, &args).await?;
        Ok(found.iter().map(|s| parse(s)).collect())
    }

    /// The people of nodes found dead, with their status now.
    pub async fn sweep(&self) -> anyhow::Result<Vec<(ProfileId, Status)>> {
        let flat: Vec<String> = self.link.run(&self.sweep, &[]).await?;
        Ok(flat
            .chunks_exact(2)
            .filter_map(|pair| {
                let profile = pair[0].parse().ok().map(ProfileId)?;
                Some((profile, parse(&pair[1])))
            })
            .collect())
    }
}

fn parse(status: &str) -> Status {
    match status {
        "Online" => Status::Online,
        "Idle" => Status::Idle,
        _ => Status::Offline,
    }
}
