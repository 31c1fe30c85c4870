//! LiveKit tokens, decoded and verified on their own with `jsonwebtoken`: signed with the
//! configured key pair, naming the person and the room, granting what each kind of room carries,
//! for ten minutes at most; refused to everyone who may not be in the room.

use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
use serde_json::{Value, json};

use crate::communities::Community;
use crate::helpers::{Engine, Session, spawn_app, spawn_app_configured};
use crate::live::{connect, event, send};
use crate::on_every_setup;

on_every_setup!(
    tokens_grant_what_each_room_carries_to_those_who_may_be_in_it,
    without_livekit_there_are_no_tokens,
    with_livekit_rooms_hold_more_than_a_mesh_and_need_no_ice_servers,
);

const KEY: &str = "test-key";
const SECRET: &str = "a-test-secret-long-enough-for-hs256-signing";
const URL: &str = "ws://127.0.0.1:7880/";

async fn livekit_community(engine: Engine) -> Community {
    let app = spawn_app_configured(engine, |s| {
        s.livekit_url = Some(URL.parse().unwrap());
        s.livekit_api_key = Some(KEY.into());
        s.livekit_api_secret = Some(SECRET.into());
    })
    .await;
    Community::on(app).await
}

/// The token's claims, after checking its signature, issuer and expiry.
fn verified(token: &str, secret: &str) -> jsonwebtoken::errors::Result<Value> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[KEY]);
    validation.set_required_spec_claims(&["exp", "iss", "sub"]);
    decode::<Value>(
        token,
        &DecodingKey::from_secret(secret.as_bytes()),
        &validation,
    )
    .map(|data| data.claims)
}

async fn token(c: &Community, who: &Session, field: &str, id: &str) -> (u16, Value) {
    c.app.call(who, "livekit_token", &[(field, id)]).await
}

async fn tokens_grant_what_each_room_carries_to_those_who_may_be_in_it(engine: Engine) {
    let c = livekit_community(engine).await;
    let voice = c.new_channel(&c.owner, "Lounge", "AUDIO").await;
    let video = c.new_channel(&c.owner, "Stand Up", "VIDEO").await;
    let all = json!(["microphone", "camera", "screen_share", "screen_share_audio"]);
    let now = chrono::Utc::now().timestamp();
    for (who, name) in [
        (&c.owner, "Olivia Owner"),
        (&c.moderator, "Max Moderator"),
        (&c.guest, "Gus Guest"),
    ] {
        let me = c.app.me(Some(who)).await["id"].clone();
        for (channel, sources) in [(&voice, json!(["microphone"])), (&video, all.clone())] {
            let (status, access) = token(&c, who, "channel_id", channel).await;
            assert_eq!(status, 200, "{name}: {access}");
            assert_eq!(access["url"], URL);
            let jwt = access["token"].as_str().unwrap();
            let claims = verified(jwt, SECRET).unwrap();
            assert_eq!(claims["sub"], me, "the identity is the profile id");
            assert_eq!(claims["name"], name);
            let exp = claims["exp"].as_i64().unwrap();
            assert!(
                exp > now && exp <= now + 600 + 5,
                "ten minutes at most: {exp} vs {now}"
            );
            let grants = &claims["video"];
            assert_eq!(grants["room"], channel.as_str());
            assert_eq!(grants["roomJoin"], true);
            assert_eq!(grants["canSubscribe"], true);
            assert_eq!(grants["canPublish"], true);
            assert_eq!(grants["canPublishSources"], sources, "{name} in {channel}");
            for never in ["roomAdmin", "roomCreate", "roomList", "roomRecord"] {
                assert!(
                    grants.get(never).is_none_or(|g| g == false),
                    "{never}: {grants}"
                );
            }
            assert!(
                verified(jwt, "another-secret-that-is-not-the-one-configured").is_err(),
                "a token only the configured secret signed"
            );
        }
    }

    // A direct conversation: its two people, with camera and screen; nobody else.
    let conversation = c
        .app
        .ok(
            &c.owner,
            "open_conversation",
            &[("server_id", &c.server), ("member_id", &c.moderator_member)],
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, access) = token(&c, &c.moderator, "conversation_id", &conversation).await;
    assert_eq!(status, 200, "{access}");
    let claims = verified(access["token"].as_str().unwrap(), SECRET).unwrap();
    assert_eq!(claims["video"]["room"], conversation.as_str());
    assert_eq!(claims["video"]["canPublishSources"], all);
    assert_eq!(
        token(&c, &c.guest, "conversation_id", &conversation)
            .await
            .0,
        404
    );

    // Text channels hold no calls; outsiders and the kicked get nothing.
    assert_eq!(token(&c, &c.guest, "channel_id", &c.general).await.0, 422);
    assert_eq!(token(&c, &c.outsider, "channel_id", &voice).await.0, 404);
    c.kick(&c.guest_member).await;
    assert_eq!(token(&c, &c.guest, "channel_id", &video).await.0, 404);
    let (anonymous, _) = c
        .app
        .call_anonymously("livekit_token", &[("channel_id", &voice)])
        .await;
    assert_eq!(anonymous, 401);
    // One room, not two, not none.
    let both = [
        ("channel_id", voice.as_str()),
        ("conversation_id", &conversation),
    ];
    assert_eq!(c.app.call(&c.owner, "livekit_token", &both).await.0, 422);
    assert_eq!(c.app.call(&c.owner, "livekit_token", &[]).await.0, 422);
}

async fn without_livekit_there_are_no_tokens(engine: Engine) {
    let c = Community::on(spawn_app(engine).await).await;
    let voice = c.new_channel(&c.owner, "Lounge", "AUDIO").await;
    let (status, answer) = token(&c, &c.owner, "channel_id", &voice).await;
    assert_eq!(status, 422);
    assert!(answer.to_string().contains("no LiveKit"), "{answer}");
}

async fn with_livekit_rooms_hold_more_than_a_mesh_and_need_no_ice_servers(engine: Engine) {
    let c = livekit_community(engine).await;
    let voice = c.new_channel(&c.owner, "Lounge", "AUDIO").await;
    let mut people = vec![c.owner.clone(), c.moderator.clone(), c.guest.clone()];
    for name in ["Fay Fourth", "Fin Fifth", "Sid Sixth"] {
        people.push(c.newcomer(name).await);
    }
    let room = json!({"kind": "Channel", "id": voice});
    let mut sockets = Vec::new();
    for (i, who) in people.iter().enumerate() {
        let mut socket = connect(&c.app, Some(who)).await.unwrap();
        let media = json!({"microphone": true, "camera": false, "screen": false});
        send(
            &mut socket,
            json!({"type": "JoinCall", "data": {"room": room, "media": media}}),
        )
        .await;
        let entered = event(&mut socket).await;
        assert_eq!(entered["type"], "CallEntered", "{entered}");
        assert_eq!(entered["data"]["livekit"], true);
        assert!(entered["data"].get("ice_servers").is_none(), "{entered}");
        assert_eq!(entered["data"]["others"].as_array().unwrap().len(), i);
        sockets.push(socket);
    }
    // An outsider is still refused, before any token.
    let mut outsider = connect(&c.app, Some(&c.outsider)).await.unwrap();
    send(
        &mut outsider,
        json!({"type": "JoinCall", "data": {"room": room, "media": {"microphone": true, "camera": false, "screen": false}}}),
    )
    .await;
    assert_eq!(event(&mut outsider).await["type"], "CallRefused");
}
