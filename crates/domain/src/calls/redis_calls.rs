//! Call state shared by several nodes in Redis: who sits in which room, and the direct calls
//! ringing or answered. Each change is one Lua script, so it is atomic across nodes (a room's
//! cap holds however many nodes seat people at once; a ringing is answered, declined or missed
//! exactly once). Every seat names its node; a node keeps its presence key alive (`NODE_TTL`),
//! and a seat whose node's key has expired counts for nothing and is swept away by whichever
//! node sweeps first — a node that dies takes its participants with it.
//!
//! Keys, under `chatterhub:calls:`: `node:{id}` (presence, with a TTL), `room:{room}` (a hash of
//! seats by profile id), `person:{profile}` (the one room a person sits in), `rooms` and
//! `server:{id}` (rooms with seats), `order` (a counter: who came first), `ring:{room}` and
//! `answered:{room}`.

use std::time::Duration;

use anyhow::Context;
use redis::Script;
use serde::{Deserialize, Serialize};
use shared::calls::{CallParticipant, CallRoom, MediaState};
use shared::ids::{ChannelId, ConversationId, ProfileId, ServerId};
use uuid::Uuid;

use crate::redis_link::RedisLink;

use super::ringing::{Answered, Ring, Which};
use super::roster::{Full, Joined, Seat};

const PREFIX: &str = "chatterhub:calls:";
/// How long a node's seats outlive its last sign of life.
pub const NODE_TTL: Duration = Duration::from_secs(15);
/// How often a node renews its presence and sweeps the seats of dead nodes.
pub const HEARTBEAT: Duration = Duration::from_secs(5);
/// How long a ringing is kept at most (its timer ends it after `RING_SECONDS`).
const RING_TTL_SECONDS: u64 = shared::calls::RING_SECONDS + 30;
/// How long an answered call is remembered for its line ("Call — 4 min").
const ANSWERED_TTL_SECONDS: u64 = 7 * 24 * 3600;

/// The part every script shares: the key prefix is `ARGV[1]`; a seat is alive while its node's
/// presence key is.
const PRELUDE: &str = r"
local p = ARGV[1]
local function alive(s)
  return redis.call('EXISTS', p .. 'node:' .. cjson.decode(s).node) == 1
end
local function emptied(room, seat)
  if redis.call('HLEN', p .. 'room:' .. room) == 0 then
    redis.call('SREM', p .. 'rooms', room)
    redis.call('SREM', p .. 'server:' .. cjson.decode(seat).server_id, room)
  end
end
local function unseat(room, me, seat)
  redis.call('HDEL', p .. 'room:' .. room, me)
  if redis.call('GET', p .. 'person:' .. me) == room then
    redis.call('DEL', p .. 'person:' .. me)
  end
  emptied(room, seat)
end
";

/// ARGV: prefix, room, me, seat, cap, server, node, node TTL. Seats `me` (leaving any other
/// room) unless the room holds `cap` others alive: `{'full'}`, or `{'ok', moved-from room,
/// moved seat, others…}`.
const JOIN: &str = r"
local room, me, seat, cap, server = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]
redis.call('SET', p .. 'node:' .. ARGV[7], '1', 'EX', ARGV[8])
local key = p .. 'room:' .. room
local all = redis.call('HGETALL', key)
local others, here = {}, false
for i = 1, #all, 2 do
  if all[i] == me then here = true
  elseif alive(all[i + 1]) then others[#others + 1] = all[i + 1] end
end
if not here and #others >= cap then return {'full'} end
local moved_room, moved_seat = '', ''
local old = redis.call('GET', p .. 'person:' .. me)
if old and old ~= room then
  local s = redis.call('HGET', p .. 'room:' .. old, me)
  if s then
    unseat(old, me, s)
    moved_room, moved_seat = old, s
  end
end
local stored = cjson.decode(seat)
stored.order = redis.call('INCR', p .. 'order')
redis.call('HSET', key, me, cjson.encode(stored))
redis.call('SET', p .. 'person:' .. me, room)
redis.call('SADD', p .. 'rooms', room)
redis.call('SADD', p .. 'server:' .. server, room)
local reply = {'ok', moved_room, moved_seat}
for _, s in ipairs(others) do reply[#reply + 1] = s end
return reply
";

/// ARGV: prefix, room, me, connection ('' for any). Takes `me`'s seat out; the seat, or nil.
const LEAVE: &str = r"
local room, me, conn = ARGV[2], ARGV[3], ARGV[4]
local s = redis.call('HGET', p .. 'room:' .. room, me)
if not s then return false end
if conn ~= '' and cjson.decode(s).connection ~= conn then return false end
unseat(room, me, s)
return s
";

/// ARGV: prefix, room, me, connection, media. The seat as it now is, or nil.
const MEDIA: &str = r"
local key, me = p .. 'room:' .. ARGV[2], ARGV[3]
local s = redis.call('HGET', key, me)
if not s then return false end
local seat = cjson.decode(s)
if seat.connection ~= ARGV[4] then return false end
seat.participant.media = cjson.decode(ARGV[5])
s = cjson.encode(seat)
redis.call('HSET', key, me, s)
return s
";

/// ARGV: prefix, room. The room's seats alive.
const ROOM: &str = r"
local all, seats = redis.call('HVALS', p .. 'room:' .. ARGV[2]), {}
for _, s in ipairs(all) do
  if alive(s) then seats[#seats + 1] = s end
end
return seats
";

/// ARGV: prefix, server. `{room, seat, room, seat…}` for the seats alive in the server's rooms.
const SERVER: &str = r"
local reply = {}
for _, room in ipairs(redis.call('SMEMBERS', p .. 'server:' .. ARGV[2])) do
  for _, s in ipairs(redis.call('HVALS', p .. 'room:' .. room)) do
    if alive(s) then
      reply[#reply + 1] = room
      reply[#reply + 1] = s
    end
  end
end
return reply
";

/// ARGV: prefix, me. `{room, seat}` of the one seat `me` holds, or nil.
const PERSON: &str = r"
local room = redis.call('GET', p .. 'person:' .. ARGV[2])
if not room then return false end
local s = redis.call('HGET', p .. 'room:' .. room, ARGV[2])
if not s then return false end
return {room, s}
";

/// ARGV: prefix, room. Empties the room; every seat it had.
const CLEAR: &str = r"
local room = ARGV[2]
local all = redis.call('HGETALL', p .. 'room:' .. room)
local seats = {}
for i = 1, #all, 2 do
  unseat(room, all[i], all[i + 1])
  seats[#seats + 1] = all[i + 1]
end
return seats
";

/// ARGV: prefix. Takes out every seat whose node is gone: `{room, seat, room, seat…}`.
const SWEEP: &str = r"
local reply = {}
for _, room in ipairs(redis.call('SMEMBERS', p .. 'rooms')) do
  local all = redis.call('HGETALL', p .. 'room:' .. room)
  for i = 1, #all, 2 do
    if not alive(all[i + 1]) then
      unseat(room, all[i], all[i + 1])
      reply[#reply + 1] = room
      reply[#reply + 1] = all[i + 1]
    end
  end
  if #all == 0 then redis.call('SREM', p .. 'rooms', room) end
end
return reply
";

/// ARGV: prefix, room, field, value. Stops the room's ringing if its `field` is `value`.
const RING_STOP: &str = r"
local key = p .. 'ring:' .. ARGV[2]
local s = redis.call('GET', key)
if not s or cjson.decode(s)[ARGV[3]] ~= ARGV[4] then return false end
redis.call('DEL', key)
return s
";

/// A seat as Redis keeps it: with the node that holds its socket, and when it came.
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    participant: CallParticipant,
    connection: Uuid,
    server_id: ServerId,
    node: Uuid,
    #[serde(default)]
    order: u64,
}

impl Stored {
    fn seat(self) -> Seat {
        Seat {
            participant: self.participant,
            connection: self.connection,
            server_id: self.server_id,
        }
    }
}

pub struct RedisCalls {
    link: RedisLink,
    scripts: Scripts,
}

struct Scripts {
    join: Script,
    leave: Script,
    media: Script,
    room: Script,
    server: Script,
    person: Script,
    clear: Script,
    sweep: Script,
    ring_stop: Script,
}

impl RedisCalls {
    /// Fails only on a malformed URL: Redis is reached when first needed.
    pub fn new(url: &str) -> anyhow::Result<Self> {
        let script = |body: &str| Script::new(&format!("{PRELUDE}{body}"));
        Ok(Self {
            link: RedisLink::new(url, PREFIX)?,
            scripts: Scripts {
                join: script(JOIN),
                leave: script(LEAVE),
                media: script(MEDIA),
                room: script(ROOM),
                server: script(SERVER),
                person: script(PERSON),
                clear: script(CLEAR),
                sweep: script(SWEEP),
                ring_stop: script(RING_STOP),
            },
        })
    }

    /// Renews this node's presence (its seats stay alive for `NODE_TTL` more).
    pub async fn heartbeat(&self) -> anyhow::Result<()> {
        self.link.heartbeat(NODE_TTL).await
    }

    pub async fn join(
        &self,
        room: CallRoom,
        seat: Seat,
        cap: usize,
    ) -> anyhow::Result<Result<Joined, Full>> {
        let me = seat.participant.profile_id.to_string();
        let server = seat.server_id.0.to_string();
        let stored = serde_json::to_string(&Stored {
            participant: seat.participant,
            connection: seat.connection,
            server_id: seat.server_id,
            node: self.link.node,
            order: 0,
        })?;
        let reply: Vec<String> = self
            .link
            .run(
                &self.scripts.join,
                &[
                    &room_key(room),
                    &me,
                    &stored,
                    &cap.to_string(),
                    &server,
                    &self.link.node.to_string(),
                    &NODE_TTL.as_secs().to_string(),
                ],
            )
            .await?;
        let [status, moved_room, moved_seat, others @ ..] = reply.as_slice() else {
            return Ok(Err(Full));
        };
        if status != "ok" {
            return Ok(Err(Full));
        }
        let moved_from = match moved_room.as_str() {
            "" => None,
            key => Some((parse_room(key)?, stored_seat(moved_seat)?.seat())),
        };
        let mut others = others
            .iter()
            .map(|s| stored_seat(s))
            .collect::<anyhow::Result<Vec<_>>>()?;
        others.sort_by_key(|s| s.order);
        Ok(Ok(Joined {
            others: others.into_iter().map(|s| s.participant).collect(),
            moved_from,
        }))
    }

    pub async fn leave(
        &self,
        room: CallRoom,
        me: ProfileId,
        connection: Option<Uuid>,
    ) -> anyhow::Result<Option<Seat>> {
        let connection = connection.map(|c| c.to_string()).unwrap_or_default();
        let seat: Option<String> = self
            .link
            .run(
                &self.scripts.leave,
                &[&room_key(room), &me.to_string(), &connection],
            )
            .await?;
        seat.map(|s| stored_seat(&s).map(Stored::seat)).transpose()
    }

    pub async fn set_media(
        &self,
        room: CallRoom,
        me: ProfileId,
        connection: Uuid,
        media: MediaState,
    ) -> anyhow::Result<Option<Seat>> {
        let seat: Option<String> = self
            .link
            .run(
                &self.scripts.media,
                &[
                    &room_key(room),
                    &me.to_string(),
                    &connection.to_string(),
                    &serde_json::to_string(&media)?,
                ],
            )
            .await?;
        seat.map(|s| stored_seat(&s).map(Stored::seat)).transpose()
    }

    /// The room's seats, in the order their people came.
    pub async fn room(&self, room: CallRoom) -> anyhow::Result<Vec<Seat>> {
        let seats: Vec<String> = self
            .link
            .run(&self.scripts.room, &[&room_key(room)])
            .await?;
        let mut seats = seats
            .iter()
            .map(|s| stored_seat(s))
            .collect::<anyhow::Result<Vec<_>>>()?;
        seats.sort_by_key(|s| s.order);
        Ok(seats.into_iter().map(Stored::seat).collect())
    }

    pub async fn of_server(
        &self,
        server_id: ServerId,
    ) -> anyhow::Result<Vec<(CallRoom, Vec<CallParticipant>)>> {
        let flat: Vec<String> = self
            .link
            .run(&self.scripts.server, &[&server_id.0.to_string()])
            .await?;
        let mut rooms: Vec<(CallRoom, Vec<Stored>)> = Vec::new();
        for pair in flat.chunks_exact(2) {
            let room = parse_room(&pair[0])?;
            let seat = stored_seat(&pair[1])?;
            match rooms.iter_mut().find(|(r, _)| *r == room) {
                Some((_, seats)) => seats.push(seat),
                None => rooms.push((room, vec![seat])),
            }
        }
        Ok(rooms
            .into_iter()
            .map(|(room, mut seats)| {
                seats.sort_by_key(|s| s.order);
                (room, seats.into_iter().map(|s| s.participant).collect())
            })
            .collect())
    }

    pub async fn of_person(&self, me: ProfileId) -> anyhow::Result<Option<(CallRoom, Seat)>> {
        let found: Option<Vec<String>> = self
            .link
            .run(&self.scripts.person, &[&me.to_string()])
            .await?;
        match found.as_deref() {
            Some([room, seat]) => Ok(Some((parse_room(room)?, stored_seat(seat)?.seat()))),
            _ => Ok(None),
        }
    }

    pub async fn clear(&self, room: CallRoom) -> anyhow::Result<Vec<Seat>> {
        let seats: Vec<String> = self
            .link
            .run(&self.scripts.clear, &[&room_key(room)])
            .await?;
        seats
            .iter()
            .map(|s| stored_seat(s).map(Stored::seat))
            .collect()
    }

    /// Takes out the seats of every node that is gone; each is returned to one sweeping node.
    pub async fn sweep(&self) -> anyhow::Result<Vec<(CallRoom, Seat)>> {
        let flat: Vec<String> = self.link.run(&self.scripts.sweep, &[]).await?;
        flat.chunks_exact(2)
            .map(|pair| Ok((parse_room(&pair[0])?, stored_seat(&pair[1])?.seat())))
            .collect()
    }

    pub async fn ring_start(&self, room: CallRoom, ring: Ring) -> anyhow::Result<()> {
        let mut set = redis::cmd("SET");
        set.arg(format!("{PREFIX}ring:{}", room_key(room)))
            .arg(serde_json::to_string(&ring)?)
            .arg("EX")
            .arg(RING_TTL_SECONDS);
        self.link.command(&set).await
    }

    pub async fn ring_current(&self, room: CallRoom) -> anyhow::Result<Option<Ring>> {
        let mut get = redis::cmd("GET");
        get.arg(format!("{PREFIX}ring:{}", room_key(room)));
        let ring: Option<String> = self.link.command(&get).await?;
        Ok(ring.map(|r| serde_json::from_str(&r)).transpose()?)
    }

    pub async fn ring_stop(&self, room: CallRoom, which: Which) -> anyhow::Result<Option<Ring>> {
        let (field, value) = match which {
            Which::Caller(p) => ("caller", p.to_string()),
            Which::Callee(p) => ("callee", p.to_string()),
            Which::Id(id) => ("id", id.to_string()),
        };
        let ring: Option<String> = self
            .link
            .run(&self.scripts.ring_stop, &[&room_key(room), field, &value])
            .await?;
        Ok(ring.map(|r| serde_json::from_str(&r)).transpose()?)
    }

    pub async fn answered(&self, room: CallRoom, answered: Answered) -> anyhow::Result<()> {
        let mut set = redis::cmd("SET");
        set.arg(format!("{PREFIX}answered:{}", room_key(room)))
            .arg(serde_json::to_string(&answered)?)
            .arg("EX")
            .arg(ANSWERED_TTL_SECONDS);
        self.link.command(&set).await
    }

    /// The answered call in `room`, taken (once, whichever node asks first).
    pub async fn over(&self, room: CallRoom) -> anyhow::Result<Option<Answered>> {
        let mut take = redis::cmd("GETDEL");
        take.arg(format!("{PREFIX}answered:{}", room_key(room)));
        let answered: Option<String> = self.link.command(&take).await?;
        Ok(answered.map(|a| serde_json::from_str(&a)).transpose()?)
    }
}

fn stored_seat(json: &str) -> anyhow::Result<Stored> {
    serde_json::from_str(json).context("a call seat in Redis")
}

fn room_key(room: CallRoom) -> String {
    match room {
        CallRoom::Channel(id) => format!("channel:{}", id.0),
        CallRoom::Conversation(id) => format!("conversation:{}", id.0),
    }
}

fn parse_room(key: &str) -> anyhow::Result<CallRoom> {
    let (kind, id) = key.split_once(':').context("a call room key")?;
    let id = Uuid::parse_str(id)?;
    match kind {
        "channel" => Ok(CallRoom::Channel(ChannelId(id))),
        "conversation" => Ok(CallRoom::Conversation(ConversationId(id))),
        _ => anyhow::bail!("unknown call room kind {kind}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_keys_round_trip() {
        for room in [
            CallRoom::Channel(ChannelId(Uuid::new_v4())),
            CallRoom::Conversation(ConversationId(Uuid::new_v4())),
        ] {
            assert_eq!(parse_room(&room_key(room)).unwrap(), room);
        }
        assert!(parse_room("server:1").is_err());
        assert!(parse_room("nonsense").is_err());
    }
}
