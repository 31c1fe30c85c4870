//! Typing: a follower of a thread says they are typing, and the thread's other followers hear
//! who (on one node or across nodes through Redis); never stored, at most one every two seconds
//! from a socket, and only in a thread the socket follows (checked when it followed).

use serde_json::{Value, json};

use crate::communities::Community;
use crate::helpers::Engine;
use crate::live::{channel, connect, event, post, send, subscribe};
use crate::on_every_setup;

on_every_setup!(typing_reaches_the_threads_followers_and_no_one_else);

fn typing_in(thread: &Value) -> Value {
    json!({ "type": "Typing", "data": { "thread": thread } })
}

async fn typing_reaches_the_threads_followers_and_no_one_else(engine: Engine) {
    let c = Community::new(engine).await;
    let owner_id = c.app.me(Some(&c.owner)).await["id"].clone();
    let thread = json!({ "kind": "Channel", "id": c.general });
    let mut owner = connect(&c.app, Some(&c.owner)).await.unwrap();
    subscribe(&mut owner, channel(&c.general)).await;
    let mut guest = connect(&c.app, Some(&c.guest)).await.unwrap();
    subscribe(&mut guest, channel(&c.general)).await;

    send(&mut owner, typing_in(&thread)).await;
    let heard = event(&mut guest).await;
    assert_eq!(heard["type"], "Typing", "{heard}");
    assert_eq!(
        heard["data"],
        json!({ "thread": thread, "profile_id": owner_id })
    );

    // Again at once: not passed on (the next thing the guest hears is the message).
    send(&mut owner, typing_in(&thread)).await;
    post(&c, &c.owner, &c.general, "there").await;
    assert_eq!(event(&mut guest).await["type"], "MessageCreated");

    // Not followed, or not theirs to follow: refused, and nobody hears a thing.
    let mut outsider = connect(&c.app, Some(&c.outsider)).await.unwrap();
    send(&mut outsider, typing_in(&thread)).await;
    assert_eq!(event(&mut outsider).await["type"], "Error");
    let random = c.new_channel(&c.owner, "random", "TEXT").await;
    let elsewhere = json!({ "kind": "Channel", "id": random });
    send(&mut guest, typing_in(&elsewhere)).await;
    assert_eq!(event(&mut guest).await["type"], "Error");
    post(&c, &c.guest, &c.general, "after").await;
    assert_eq!(
        event(&mut owner).await["type"],
        "Typing",
        "the owner's own, earlier"
    );
    assert_eq!(
        event(&mut owner).await["data"]["message"]["content"],
        "there"
    );
}
