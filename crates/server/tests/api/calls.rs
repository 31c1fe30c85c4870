//! Calls over real sockets: who may join which room, the peer-to-peer room cap, signalling that
//! reaches only the other participant's socket in the call, and seats freed on leave and kick.

use serde_json::{Value, json};

use crate::communities::Community;
use crate::helpers::{Engine, Session, spawn_app_configured};
use crate::live::{Socket, connect, event, send, subscribe};
use crate::on_every_setup;

on_every_setup!(
    members_join_audio_and_video_rooms_and_nobody_else_does,
    a_peer_to_peer_room_holds_four,
    signals_reach_only_the_other_participant_in_the_room,
    leaving_and_being_kicked_free_the_seat,
    the_server_view_lists_who_is_in_each_call,
    entering_hands_out_the_configured_stun_and_turn_servers,
    a_direct_call_rings_and_is_answered_declined_or_cancelled,
    an_unanswered_direct_call_ends_as_missed,
    direct_calls_leave_lines_in_the_conversation,
);

pub(crate) fn room(channel: &str) -> Value {
    json!({"kind": "Channel", "id": channel})
}

pub(crate) fn media(microphone: bool, camera: bool) -> Value {
    json!({"microphone": microphone, "camera": camera, "screen": false})
}

pub(crate) async fn join(socket: &mut Socket, channel: &str, camera: bool) -> Value {
    send(
        socket,
        json!({"type": "JoinCall", "data": {"room": room(channel), "media": media(true, camera)}}),
    )
    .await;
    event(socket).await
}

pub(crate) async fn profile_id(c: &Community, who: &Session) -> String {
    c.app.me(Some(who)).await["id"].as_str().unwrap().to_owned()
}

/// A socket following the server's topic (where calls in its channels are announced).
pub(crate) async fn watching(c: &Community, who: &Session) -> Socket {
    let mut socket = connect(&c.app, Some(who)).await.unwrap();
    let topic = json!({"kind": "Server", "id": c.server});
    assert_eq!(subscribe(&mut socket, topic).await["type"], "Subscribed");
    socket
}

async fn members_join_audio_and_video_rooms_and_nobody_else_does(engine: Engine) {
    let c = Community::new(engine).await;
    let voice = c.new_channel(&c.owner, "Lounge", "AUDIO").await;
    let video = c.new_channel(&c.owner, "Stand Up", "VIDEO").await;
    let mut watcher = watching(&c, &c.moderator).await;

    let mut outsider = connect(&c.app, Some(&c.outsider)).await.unwrap();
    let refused = join(&mut outsider, &voice, false).await;
    assert_eq!(refused["type"], "CallRefused", "{refused}");
    assert_eq!(refused["data"]["room"], room(&voice));
    let mut guest = connect(&c.app, Some(&c.guest)).await.unwrap();
    let text = join(&mut guest, &c.general, false).await;
    assert_eq!(text["type"], "CallRefused");
    assert!(
        text["data"]["message"]
            .as_str()
            .unwrap()
            .contains("Text channels have no calls")
    );

    // An audio channel carries no camera, whatever the client asks.
    let entered = join(&mut guest, &voice, true).await;
    assert_eq!(entered["type"], "CallEntered", "{entered}");
    assert_eq!(entered["data"]["others"], json!([]));
    let joined = event(&mut watcher).await;
    assert_eq!(joined["type"], "CallJoined");
    assert_eq!(joined["data"]["room"], room(&voice));
    let guest_id = profile_id(&c, &c.guest).await;
    assert_eq!(
        joined["data"]["participant"]["profile_id"],
        guest_id.as_str()
    );
    assert_eq!(joined["data"]["participant"]["name"], "Gus Guest");
    assert_eq!(joined["data"]["participant"]["media"], media(true, false));

    // Joining the video room moves the guest there, camera and all; the watcher sees both.
    let entered = join(&mut guest, &video, true).await;
    assert_eq!(entered["type"], "CallEntered");
    let left = event(&mut watcher).await;
    assert_eq!(left["type"], "CallLeft");
    assert_eq!(left["data"]["room"], room(&voice));
    let joined = event(&mut watcher).await;
    assert_eq!(joined["data"]["room"], room(&video));
    assert_eq!(joined["data"]["participant"]["media"], media(true, true));
}

async fn a_peer_to_peer_room_holds_four(engine: Engine) {
    let c = Community::new(engine).await;
    let voice = c.new_channel(&c.owner, "Lounge", "AUDIO").await;
    let mut people = vec![c.owner.clone(), c.moderator.clone(), c.guest.clone()];
    for name in ["Fay Fourth", "Fin Fifth"] {
        people.push(c.newcomer(name).await);
    }
    let mut sockets = Vec::new();
    for (i, who) in people.iter().take(4).enumerate() {
        let mut socket = connect(&c.app, Some(who)).await.unwrap();
        let entered = join(&mut socket, &voice, false).await;
        assert_eq!(entered["type"], "CallEntered", "{entered}");
        assert!(
            entered["data"].get("livekit").is_none(),
            "peer to peer: {entered}"
        );
        assert_eq!(entered["data"]["others"].as_array().unwrap().len(), i);
        sockets.push(socket);
    }
    let mut fifth = connect(&c.app, Some(&people[4])).await.unwrap();
    let full = join(&mut fifth, &voice, false).await;
    assert_eq!(full["type"], "CallRefused");
    assert_eq!(
        full["data"]["message"],
        "This room is full. Larger calls need a LiveKit server (see README)."
    );
    // Someone leaves: the fifth gets in.
    send(
        &mut sockets[0],
        json!({"type": "LeaveCall", "data": {"room": room(&voice)}}),
    )
    .await;
    let mut entered = join(&mut fifth, &voice, false).await;
    for _ in 0..3 {
        if entered["type"] == "CallEntered" {
            break;
        }
        // The leave may not have landed yet.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        entered = join(&mut fifth, &voice, false).await;
    }
    assert_eq!(entered["type"], "CallEntered", "{entered}");
    assert_eq!(entered["data"]["others"].as_array().unwrap().len(), 3);
}

pub(crate) fn offer(channel: &str, to: &str) -> Value {
    json!({"type": "CallSignal", "data": {
        "room": room(channel), "to": to, "signal": {"kind": "Offer", "sdp": "v=0 test offer"}
    }})
}

async fn signals_reach_only_the_other_participant_in_the_room(engine: Engine) {
    let c = Community::new(engine).await;
    let voice = c.new_channel(&c.owner, "Lounge", "AUDIO").await;
    let (owner_id, guest_id) = (
        profile_id(&c, &c.owner).await,
        profile_id(&c, &c.guest).await,
    );
    let mut owner = connect(&c.app, Some(&c.owner)).await.unwrap();
    // The guest's other tab, not in the call, must not receive the guest's signals.
    let mut guest_elsewhere = connect(&c.app, Some(&c.guest)).await.unwrap();
    let mut guest = connect(&c.app, Some(&c.guest)).await.unwrap();
    assert_eq!(join(&mut owner, &voice, false).await["type"], "CallEntered");
    assert_eq!(join(&mut guest, &voice, false).await["type"], "CallEntered");

    send(&mut owner, offer(&voice, &guest_id)).await;
    let got = event(&mut guest).await;
    assert_eq!(got["type"], "CallSignal", "{got}");
    assert_eq!(got["data"]["from"], owner_id.as_str());
    assert_eq!(got["data"]["signal"]["sdp"], "v=0 test offer");

    // Outsiders, members outside the call and the other tab cannot signal into it.
    let mut outsider = connect(&c.app, Some(&c.outsider)).await.unwrap();
    send(&mut outsider, offer(&voice, &guest_id)).await;
    assert_eq!(event(&mut outsider).await["type"], "Error");
    let mut moderator = connect(&c.app, Some(&c.moderator)).await.unwrap();
    send(&mut moderator, offer(&voice, &guest_id)).await;
    assert_eq!(event(&mut moderator).await["type"], "Error");
    send(&mut guest_elsewhere, offer(&voice, &owner_id)).await;
    assert_eq!(event(&mut guest_elsewhere).await["type"], "Error");
    // Nor at someone outside it, nor too long.
    let moderator_id = profile_id(&c, &c.moderator).await;
    send(&mut owner, offer(&voice, &moderator_id)).await;
    assert_eq!(event(&mut owner).await["type"], "Error");
    let mut long = offer(&voice, &guest_id);
    long["data"]["signal"]["sdp"] = json!("x".repeat(12 * 1024 + 1));
    send(&mut owner, long).await;
    assert_eq!(event(&mut owner).await["type"], "Error");

    // Only the one offer reached the guest's call socket, and nothing the other tab.
    send(&mut owner, offer(&voice, &guest_id)).await;
    let second = event(&mut guest).await;
    assert_eq!(second["type"], "CallSignal");
    send(&mut guest_elsewhere, json!({"type": "Ping"})).await;
    assert_eq!(event(&mut guest_elsewhere).await["type"], "Pong");
}

async fn leaving_and_being_kicked_free_the_seat(engine: Engine) {
    let c = Community::new(engine).await;
    let video = c.new_channel(&c.owner, "Stand Up", "VIDEO").await;
    let mut watcher = watching(&c, &c.owner).await;
    let mut guest = connect(&c.app, Some(&c.guest)).await.unwrap();
    let mut moderator = connect(&c.app, Some(&c.moderator)).await.unwrap();
    assert_eq!(join(&mut guest, &video, true).await["type"], "CallEntered");
    assert_eq!(event(&mut watcher).await["type"], "CallJoined");
    assert_eq!(
        join(&mut moderator, &video, false).await["type"],
        "CallEntered"
    );
    assert_eq!(event(&mut watcher).await["type"], "CallJoined");

    // Muting is announced to everyone watching the server.
    send(
        &mut guest,
        json!({"type": "SetCallMedia", "data": {"room": room(&video), "media": media(false, true)}}),
    )
    .await;
    let muted = event(&mut watcher).await;
    assert_eq!(muted["type"], "CallMediaChanged");
    assert_eq!(muted["data"]["media"], media(false, true));

    send(
        &mut moderator,
        json!({"type": "LeaveCall", "data": {"room": room(&video)}}),
    )
    .await;
    let left = event(&mut watcher).await;
    assert_eq!(left["type"], "CallLeft");
    assert_eq!(
        left["data"]["profile_id"],
        profile_id(&c, &c.moderator).await.as_str()
    );

    c.kick(&c.guest_member).await;
    assert_eq!(event(&mut watcher).await["type"], "MemberKicked");
    let gone = event(&mut watcher).await;
    assert_eq!(gone["type"], "CallLeft", "the kicked guest leaves the call");
    assert_eq!(
        gone["data"]["profile_id"],
        profile_id(&c, &c.guest).await.as_str()
    );
    // And cannot come back in.
    assert_eq!(join(&mut guest, &video, true).await["type"], "CallRefused");
}

async fn the_server_view_lists_who_is_in_each_call(engine: Engine) {
    let c = Community::new(engine).await;
    let voice = c.new_channel(&c.owner, "Lounge", "AUDIO").await;
    assert_eq!(c.details(&c.moderator).await["calls"], json!([]));
    let mut guest = connect(&c.app, Some(&c.guest)).await.unwrap();
    assert_eq!(join(&mut guest, &voice, false).await["type"], "CallEntered");
    send(
        &mut guest,
        json!({"type": "SetCallMedia", "data": {"room": room(&voice), "media": media(false, false)}}),
    )
    .await;
    // Commands are handled in order: once the ping is answered the media change is in.
    send(&mut guest, json!({"type": "Ping"})).await;
    assert_eq!(event(&mut guest).await["type"], "Pong");

    let calls = c.details(&c.moderator).await["calls"].clone();
    assert_eq!(calls.as_array().unwrap().len(), 1, "{calls}");
    assert_eq!(calls[0]["channel_id"], voice.as_str());
    let people = calls[0]["participants"].as_array().unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(people[0]["name"], "Gus Guest");
    assert_eq!(
        people[0]["profile_id"],
        profile_id(&c, &c.guest).await.as_str()
    );
    assert_eq!(people[0]["media"], media(false, false));

    send(
        &mut guest,
        json!({"type": "LeaveCall", "data": {"room": room(&voice)}}),
    )
    .await;
    send(&mut guest, json!({"type": "Ping"})).await;
    assert_eq!(event(&mut guest).await["type"], "Pong");
    assert_eq!(c.details(&c.moderator).await["calls"], json!([]));
}

/// With `--ice-servers` and `--turn-secret`, each entry carries the STUN servers and the TURN
/// servers with credentials in coturn's REST form (checked here with HMAC-SHA1 on its own);
/// without them, none.
async fn entering_hands_out_the_configured_stun_and_turn_servers(engine: Engine) {
    use base64::Engine as _;
    use hmac::{Hmac, Mac};

    let plain = Community::new(engine.clone()).await;
    let voice = plain.new_channel(&plain.owner, "Lounge", "AUDIO").await;
    let mut socket = connect(&plain.app, Some(&plain.guest)).await.unwrap();
    let entered = join(&mut socket, &voice, false).await;
    assert_eq!(entered["type"], "CallEntered", "{entered}");
    assert!(entered["data"].get("ice_servers").is_none(), "{entered}");

    let app = spawn_app_configured(engine, |s| {
        s.ice_servers = vec!["stun:127.0.0.1:3478".into(), "turn:127.0.0.1:3478".into()];
        s.turn_secret = Some("coturn-shared-secret".into());
    })
    .await;
    let c = Community::on(app).await;
    let voice = c.new_channel(&c.owner, "Lounge", "AUDIO").await;
    let mut socket = connect(&c.app, Some(&c.guest)).await.unwrap();
    let entered = join(&mut socket, &voice, false).await;
    let servers = entered["data"]["ice_servers"].as_array().unwrap().clone();
    assert_eq!(servers.len(), 2, "{entered}");
    assert_eq!(servers[0], json!({"urls": ["stun:127.0.0.1:3478"]}));
    assert_eq!(servers[1]["urls"], json!(["turn:127.0.0.1:3478"]));
    let username = servers[1]["username"].as_str().unwrap();
    let (expiry, who) = username.split_once(':').unwrap();
    assert_eq!(who, profile_id(&c, &c.guest).await);
    let lasts = expiry.parse::<i64>().unwrap() - chrono::Utc::now().timestamp();
    assert!((12 * 3600 - 60..=12 * 3600).contains(&lasts), "{lasts}");
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(b"coturn-shared-secret").unwrap();
    mac.update(username.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(servers[1]["credential"], expected.as_str());
}

/// The next event that is not a direct message's announcement: a call line written in the
/// background announces itself (`DirectActivity`) to the other person at no fixed point among
/// the call's own events (announcements have tests of their own, `read_state.rs`).
pub(crate) async fn call_event(socket: &mut Socket) -> Value {
    loop {
        let e = event(socket).await;
        if e["type"] != "DirectActivity" {
            return e;
        }
    }
}

pub(crate) fn conversation(id: &str) -> Value {
    json!({"kind": "Conversation", "id": id})
}

pub(crate) async fn call_dm(socket: &mut Socket, id: &str) -> Value {
    send(
        socket,
        json!({"type": "JoinCall", "data": {"room": conversation(id), "media": media(true, true)}}),
    )
    .await;
    call_event(socket).await
}

/// The next `n` events, sorted by type (their order across topics is not fixed).
pub(crate) async fn events(socket: &mut Socket, n: usize) -> Vec<Value> {
    let mut got = Vec::new();
    for _ in 0..n {
        got.push(call_event(socket).await);
    }
    got.sort_by_key(|e| e["type"].as_str().unwrap_or_default().to_owned());
    got
}

async fn a_direct_call_rings_and_is_answered_declined_or_cancelled(engine: Engine) {
    let c = Community::new(engine).await;
    let dm = c.open_dm(&c.moderator, &c.guest_member).await;
    let (moderator_id, guest_id) = (
        profile_id(&c, &c.moderator).await,
        profile_id(&c, &c.guest).await,
    );
    let mut caller = connect(&c.app, Some(&c.moderator)).await.unwrap();
    let mut callee = connect(&c.app, Some(&c.guest)).await.unwrap();
    let mut owner = connect(&c.app, Some(&c.owner)).await.unwrap();

    // It rings on the callee's socket (no subscription needed), naming the caller.
    let entered = call_dm(&mut caller, &dm).await;
    assert_eq!(entered["type"], "CallEntered", "{entered}");
    let ringing = call_event(&mut callee).await;
    assert_eq!(ringing["type"], "CallRinging", "{ringing}");
    assert_eq!(ringing["data"]["room"], conversation(&dm));
    assert_eq!(ringing["data"]["callee"], guest_id.as_str());
    assert_eq!(ringing["data"]["caller"]["name"], "Max Moderator");
    assert_eq!(
        ringing["data"]["caller_member"],
        c.moderator_member.as_str()
    );
    assert_eq!(ringing["data"]["server_id"], c.server.as_str());

    // Nobody else may turn it down; the callee does, and both are told.
    let declined = json!({"type": "DeclineCall", "data": {"room": conversation(&dm)}});
    send(&mut owner, declined.clone()).await;
    assert_eq!(call_event(&mut owner).await["type"], "Error");
    send(&mut caller, declined.clone()).await;
    assert_eq!(call_event(&mut caller).await["type"], "Error");
    send(&mut callee, declined.clone()).await;
    for (socket, to) in [(&mut callee, &guest_id), (&mut caller, &moderator_id)] {
        let ended = call_event(socket).await;
        assert_eq!(ended["type"], "CallRingEnded", "{ended}");
        assert_eq!(ended["data"]["outcome"], "Declined");
        assert_eq!(ended["data"]["to"], to.as_str());
    }
    // Declined, the caller left the room: calling again rings again, and answering is joining.
    assert_eq!(call_dm(&mut caller, &dm).await["type"], "CallEntered");
    assert_eq!(call_event(&mut callee).await["type"], "CallRinging");
    send(
        &mut callee,
        json!({"type": "JoinCall", "data": {"room": conversation(&dm), "media": media(true, false)}}),
    )
    .await;
    let got = events(&mut callee, 2).await;
    assert_eq!(got[0]["type"], "CallEntered");
    assert_eq!(got[0]["data"]["others"][0]["name"], "Max Moderator");
    assert_eq!(got[1]["type"], "CallRingEnded");
    assert_eq!(got[1]["data"]["outcome"], "Answered");
    assert_eq!(call_event(&mut caller).await["data"]["outcome"], "Answered");
    // Both leave; a call the caller hangs up before an answer stops ringing for the callee.
    for socket in [&mut callee, &mut caller] {
        send(
            socket,
            json!({"type": "LeaveCall", "data": {"room": conversation(&dm)}}),
        )
        .await;
    }
    assert_eq!(call_dm(&mut caller, &dm).await["type"], "CallEntered");
    assert_eq!(call_event(&mut callee).await["type"], "CallRinging");
    send(
        &mut caller,
        json!({"type": "LeaveCall", "data": {"room": conversation(&dm)}}),
    )
    .await;
    let ended = call_event(&mut callee).await;
    assert_eq!(ended["type"], "CallRingEnded", "{ended}");
    assert_eq!(ended["data"]["outcome"], "Cancelled");
}

async fn an_unanswered_direct_call_ends_as_missed(engine: Engine) {
    let c = Community::new(engine).await;
    let dm = c.open_dm(&c.moderator, &c.guest_member).await;
    let mut caller = connect(&c.app, Some(&c.moderator)).await.unwrap();
    let mut callee = connect(&c.app, Some(&c.guest)).await.unwrap();
    assert_eq!(call_dm(&mut caller, &dm).await["type"], "CallEntered");
    assert_eq!(call_event(&mut callee).await["type"], "CallRinging");
    // `event` waits 5 s at most: the ringing lasts 30.
    tokio::time::sleep(std::time::Duration::from_secs(28)).await;
    for socket in [&mut callee, &mut caller] {
        let ended = call_event(socket).await;
        assert_eq!(ended["type"], "CallRingEnded", "{ended}");
        assert_eq!(ended["data"]["outcome"], "Missed");
    }
    // The caller was taken out of the room: the callee joining now finds nobody, and it rings
    // for the moderator instead.
    let entered = call_dm(&mut callee, &dm).await;
    assert_eq!(entered["data"]["others"], json!([]), "{entered}");
    assert_eq!(call_event(&mut caller).await["type"], "CallRinging");
}

/// The conversation's call lines, oldest first, once `n` of them are there (they are written
/// just after the call's events).
async fn call_lines(c: &Community, dm: &str, n: usize) -> Vec<Value> {
    for _ in 0..50 {
        let page = c
            .app
            .ok(&c.guest, "conversation_history", &[("conversation_id", dm)])
            .await;
        let mut lines: Vec<Value> = page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m.get("call").is_some())
            .cloned()
            .collect();
        if lines.len() >= n {
            lines.reverse();
            return lines;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{n} call lines did not appear");
}

async fn direct_calls_leave_lines_in_the_conversation(engine: Engine) {
    let c = Community::new(engine).await;
    let dm = c.open_dm(&c.moderator, &c.guest_member).await;
    let mut caller = connect(&c.app, Some(&c.moderator)).await.unwrap();
    let mut callee = connect(&c.app, Some(&c.guest)).await.unwrap();
    let leave = json!({"type": "LeaveCall", "data": {"room": conversation(&dm)}});

    // Declined: a missed call, in the caller's name.
    call_dm(&mut caller, &dm).await;
    assert_eq!(call_event(&mut callee).await["type"], "CallRinging");
    send(
        &mut callee,
        json!({"type": "DeclineCall", "data": {"room": conversation(&dm)}}),
    )
    .await;
    let missed = &call_lines(&c, &dm, 1).await[0];
    assert_eq!(missed["call"], json!({"kind": "Missed"}));
    assert_eq!(missed["content"], "Missed video call");
    assert_eq!(missed["author"]["name"], "Max Moderator");

    // Answered and hung up by both: how long it lasted, written once the room is empty.
    call_event(&mut callee).await; // the ringing's end
    call_event(&mut caller).await;
    call_dm(&mut caller, &dm).await;
    assert_eq!(call_event(&mut callee).await["type"], "CallRinging");
    send(
        &mut callee,
        json!({"type": "JoinCall", "data": {"room": conversation(&dm), "media": media(true, false)}}),
    )
    .await;
    events(&mut callee, 2).await;
    send(&mut caller, leave.clone()).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        call_lines(&c, &dm, 1).await.len(),
        1,
        "not while one is still in it"
    );
    send(&mut callee, leave.clone()).await;
    let lines = call_lines(&c, &dm, 2).await;
    assert_eq!(lines[1]["call"]["kind"], "Ended", "{}", lines[1]);
    assert!(lines[1]["call"]["seconds"].as_u64().unwrap() < 60);
    assert_eq!(lines[1]["content"], "Call — under a minute");

    // A line is not a message anyone edits or deletes, not even its "author".
    let id = lines[0]["id"].as_str().unwrap();
    for (endpoint, form) in [
        (
            "edit_direct_message",
            vec![("message_id", id), ("content", "x")],
        ),
        ("delete_direct_message", vec![("message_id", id)]),
    ] {
        let (status, body) = c.app.call(&c.moderator, endpoint, &form).await;
        assert_eq!(status, 422, "{endpoint}: {body}");
        assert!(
            body.to_string()
                .contains("Call lines cannot be edited or deleted"),
            "{body}"
        );
    }
}
