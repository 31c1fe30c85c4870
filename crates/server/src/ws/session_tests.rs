//! The session over in-memory channels: no sockets, no database.

use std::collections::{HashMap, HashSet, VecDeque};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use domain::hub::{Frame, Hub, LocalHub};
use domain::limits::{CommandBudget, RateSpec, Unit};
use futures_channel::mpsc;
use futures_util::{Sink, SinkExt, StreamExt};
use shared::calls::{CallRoom, Signal};
use shared::ids::{ChannelId, MemberId, ProfileId, ServerId};
use shared::live::{ClientCommand, ServerEvent, Thread, Topic};
use shared::presence::Status;
use tokio::sync::oneshot;
use uuid::Uuid;

use super::session::{
    self, Allowance, CLOSE_DEAD, CLOSE_GOING_AWAY, CLOSE_POLICY, CLOSE_SIGNED_OUT, CLOSE_TOO_SLOW,
    CallCommand, Gate, Identity, Inbound, Outbound, Timing,
};

struct FakeGate {
    hub: Arc<LocalHub>,
    allowed: HashMap<Topic, ServerId>,
    /// Access checks that pass before access is gone (a removal racing the checks).
    checks_allowed: usize,
    checks: AtomicUsize,
    /// What the session said of this connection's presence, in order.
    presence: Arc<Mutex<Vec<Status>>>,
}

impl Gate for FakeGate {
    async fn authorize(&self, topic: Topic) -> Result<ServerId, String> {
        if self.checks.fetch_add(1, Ordering::SeqCst) >= self.checks_allowed {
            return Err("Not found.".to_owned());
        }
        self.allowed
            .get(&topic)
            .copied()
            .ok_or_else(|| "Not found.".to_owned())
    }

    fn follow(&self, topic: Topic) -> tokio::sync::broadcast::Receiver<Frame> {
        self.hub.follow(topic)
    }

    async fn call(&self, _command: CallCommand) -> Result<Option<ServerEvent>, String> {
        Err("No calls here.".to_owned())
    }

    fn typing(&self, thread: Thread) {
        let profile_id = ProfileId(Uuid::nil());
        self.hub
            .publish(&ServerEvent::Typing { thread, profile_id });
    }

    fn presence(&self, status: Status) {
        self.presence.lock().unwrap().push(status);
    }

    fn gone(&self) {}
}

/// The client's side as writes: what the session feeds is held until it flushes, and each
/// flush arrives as one write.
struct Writes {
    held: Vec<Outbound>,
    to: mpsc::UnboundedSender<Vec<Outbound>>,
}

impl Sink<Outbound> for Writes {
    type Error = ();

    fn poll_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), ()>> {
        Poll::Ready(Ok(()))
    }

    fn start_send(self: Pin<&mut Self>, frame: Outbound) -> Result<(), ()> {
        self.get_mut().held.push(frame);
        Ok(())
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), ()>> {
        let this = self.get_mut();
        if !this.held.is_empty() {
            let write = std::mem::take(&mut this.held);
            if this.to.unbounded_send(write).is_err() {
                return Poll::Ready(Err(()));
            }
        }
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), ()>> {
        self.poll_flush(cx)
    }
}

struct Harness {
    hub: Arc<LocalHub>,
    me: ProfileId,
    connection: Uuid,
    server: ServerId,
    channel: ChannelId,
    to_session: mpsc::UnboundedSender<Inbound>,
    /// Each flush of the session's, in order: what went out in one write.
    from_session: mpsc::UnboundedReceiver<Vec<Outbound>>,
    /// Frames of the writes received, not yet read by the test.
    received: VecDeque<Outbound>,
    writes: usize,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<()>,
    presence: Arc<Mutex<Vec<Status>>>,
}

/// How a test session is set up; `start` takes the defaults for all but capacity and timing.
struct Setup {
    capacity: usize,
    timing: Timing,
    commands_per_second: u32,
    max_follows: usize,
    checks_allowed: usize,
    expires_in: Duration,
}

impl Setup {
    fn new(capacity: usize, timing: Timing) -> Self {
        Self {
            capacity,
            timing,
            commands_per_second: 1_000,
            max_follows: 100,
            checks_allowed: usize::MAX,
            expires_in: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

const SESSION: &str = "this-session";

fn start(capacity: usize, timing: Timing) -> Harness {
    start_with(Setup::new(capacity, timing))
}

fn start_with(setup: Setup) -> Harness {
    let Setup {
        capacity,
        timing,
        commands_per_second,
        max_follows,
        checks_allowed,
        expires_in,
    } = setup;
    let hub = Arc::new(LocalHub::new(capacity));
    let me = ProfileId(Uuid::new_v4());
    let server = ServerId(Uuid::new_v4());
    let channel = ChannelId(Uuid::new_v4());
    let allowed = HashMap::from([
        (Topic::Channel(channel), server),
        (Topic::Server(server), server),
    ]);
    let presence = Arc::new(Mutex::new(Vec::new()));
    let gate = FakeGate {
        hub: hub.clone(),
        allowed,
        checks_allowed,
        checks: AtomicUsize::new(0),
        presence: presence.clone(),
    };
    let allowance = Allowance {
        commands: CommandBudget::new(RateSpec::new(
            commands_per_second,
            Unit::Second,
            commands_per_second,
        )),
        max_follows,
    };
    let connection = Uuid::new_v4();
    let identity = Identity {
        me,
        connection,
        session: SESSION.to_owned(),
        expires: tokio::time::Instant::now() + expires_in,
    };
    let (to_session, inbound) = mpsc::unbounded();
    let (outbound, from_session) = mpsc::unbounded();
    let (stop, stopped) = oneshot::channel::<()>();
    let done = tokio::spawn(async move {
        let sink = Writes {
            held: Vec::new(),
            to: outbound,
        };
        let stop = async move {
            let _ = stopped.await;
        };
        let policy = (timing, allowance);
        session::run(gate, identity, Box::pin(sink), inbound, policy, stop).await;
    });
    Harness {
        hub,
        me,
        connection,
        server,
        channel,
        to_session,
        from_session,
        received: VecDeque::new(),
        writes: 0,
        stop: Some(stop),
        done,
        presence,
    }
}

impl Harness {
    fn send(&self, command: &ClientCommand) {
        self.to_session
            .unbounded_send(Inbound::Text(serde_json::to_string(command).unwrap()))
            .unwrap();
    }

    async fn next(&mut self) -> Outbound {
        self.next_within(Duration::from_secs(5)).await
    }

    async fn next_within(&mut self, limit: Duration) -> Outbound {
        self.try_next_within(limit)
            .await
            .expect("the session answers")
    }

    /// The next frame, unless none comes within `limit` or the session has ended.
    async fn try_next_within(&mut self, limit: Duration) -> Option<Outbound> {
        if self.received.is_empty() {
            let write = tokio::time::timeout(limit, self.from_session.next())
                .await
                .ok()??;
            self.writes += 1;
            self.received.extend(write);
        }
        self.received.pop_front()
    }

    /// Whether nothing more has gone out.
    fn nothing_more(&mut self) -> bool {
        self.received.is_empty() && self.from_session.try_recv().is_err()
    }

    async fn next_event(&mut self) -> ServerEvent {
        match self.next().await {
            Outbound::Text(frame) => serde_json::from_slice(&frame).unwrap(),
            other => panic!("expected an event, got {other:?}"),
        }
    }

    /// Follows `topic`, which the session confirms.
    async fn subscribed(&mut self, topic: Topic) {
        self.send(&ClientCommand::Subscribe { topic });
        assert_eq!(self.next_event().await, ServerEvent::Subscribed { topic });
    }

    /// An event of the server published now does not reach the client: the answer to a ping
    /// is the next thing it gets.
    async fn hears_nothing_of_the_lost_server(&mut self, why: &str) {
        self.hub.publish(&self.message_event());
        self.send(&ClientCommand::Ping);
        assert_eq!(self.next_event().await, ServerEvent::Pong, "{why}");
    }

    fn message_event(&self) -> ServerEvent {
        ServerEvent::ChannelDeleted {
            server_id: self.server,
            channel_id: self.channel,
        }
    }

    /// An event of the server's own topic: the server renamed `name`.
    fn renamed(&self, name: &str) -> ServerEvent {
        ServerEvent::ServerUpdated {
            server: shared::community::ServerSummary {
                id: self.server,
                name: name.to_owned(),
                image_url: None,
            },
        }
    }
}

fn quiet() -> Timing {
    Timing {
        heartbeat: Duration::from_secs(3600),
        timeout: Duration::from_secs(7200),
        send_timeout: Duration::from_secs(5),
    }
}

#[tokio::test]
async fn follows_allowed_topics_and_only_those() {
    let mut h = start(16, quiet());
    let topic = Topic::Channel(h.channel);
    h.subscribed(topic).await;

    let other = Topic::Channel(ChannelId(Uuid::new_v4()));
    h.send(&ClientCommand::Subscribe { topic: other });
    assert!(
        matches!(h.next_event().await, ServerEvent::Error { .. }),
        "refused topics say why"
    );

    // An event on another server's topic never arrives; the channel's does.
    h.hub.publish(&ServerEvent::ServerDeleted {
        server_id: ServerId(Uuid::new_v4()),
    });
    let frame = domain::hub::serialize(&ServerEvent::Pong);
    h.hub.deliver(topic, frame.clone());
    assert_eq!(h.next().await, Outbound::Text(frame));
}

#[tokio::test]
async fn bad_frames_get_an_error_and_the_connection_lives_on() {
    let mut h = start(16, quiet());
    h.to_session
        .unbounded_send(Inbound::Text("{not json".into()))
        .unwrap();
    assert!(matches!(h.next_event().await, ServerEvent::Error { .. }));
    h.to_session.unbounded_send(Inbound::Binary).unwrap();
    assert!(matches!(h.next_event().await, ServerEvent::Error { .. }));
    h.send(&ClientCommand::Ping);
    assert_eq!(h.next_event().await, ServerEvent::Pong);
    h.to_session
        .unbounded_send(Inbound::Broken("message too long".into()))
        .unwrap();
    assert!(
        matches!(h.next().await, Outbound::Close { code: CLOSE_POLICY, reason } if reason.contains("too long"))
    );
    h.done.await.unwrap();
}

#[tokio::test]
async fn a_removed_member_is_unsubscribed_and_told() {
    let mut h = start(16, quiet());
    let channel = Topic::Channel(h.channel);
    h.send(&ClientCommand::Subscribe { topic: channel });
    h.next_event().await;
    // Someone else leaving changes nothing for me (I do not follow the server topic itself).
    h.hub.publish(&ServerEvent::MemberLeft {
        server_id: h.server,
        member_id: MemberId(Uuid::new_v4()),
        profile_id: ProfileId(Uuid::new_v4()),
    });
    h.hub.publish(&ServerEvent::MemberKicked {
        server_id: h.server,
        member_id: MemberId(Uuid::new_v4()),
        profile_id: h.me,
    });
    match h.next_event().await {
        ServerEvent::Unsubscribed { topic, .. } => assert_eq!(topic, channel),
        other => panic!("expected Unsubscribed, got {other:?}"),
    }
    h.hears_nothing_of_the_lost_server("nothing from the lost server came first")
        .await;
}

#[tokio::test]
async fn a_member_following_the_server_hears_each_removal_once_and_loses_every_follow_with_their_own()
 {
    let mut h = start(16, quiet());
    let (server, channel) = (Topic::Server(h.server), Topic::Channel(h.channel));
    for topic in [server, channel] {
        h.subscribed(topic).await;
    }
    let someone_left = ServerEvent::MemberLeft {
        server_id: h.server,
        member_id: MemberId(Uuid::new_v4()),
        profile_id: ProfileId(Uuid::new_v4()),
    };
    h.hub.publish(&someone_left);
    assert_eq!(h.next_event().await, someone_left);
    h.send(&ClientCommand::Ping);
    assert_eq!(h.next_event().await, ServerEvent::Pong, "told once");

    let kicked = ServerEvent::MemberKicked {
        server_id: h.server,
        member_id: MemberId(Uuid::new_v4()),
        profile_id: h.me,
    };
    h.hub.publish(&kicked);
    let mut unsubscribed = HashSet::new();
    while unsubscribed.len() < 2 {
        match h.next_event().await {
            ServerEvent::Unsubscribed { topic, .. } => assert!(unsubscribed.insert(topic)),
            // Heard on the server topic, if that came before the removal itself.
            other => assert_eq!(other, kicked),
        }
    }
    assert_eq!(unsubscribed, HashSet::from([server, channel]));
    h.hears_nothing_of_the_lost_server("nothing more from the server")
        .await;
}

#[tokio::test]
async fn frames_waiting_together_go_out_in_order_in_few_writes() {
    let mut h = start(64, quiet());
    let topic = Topic::Server(h.server);
    h.subscribed(topic).await;
    let writes_before = h.writes;
    let events: Vec<ServerEvent> = (0..40).map(|i| h.renamed(&format!("name {i}"))).collect();
    // Published before the session runs again (one thread): all forty are waiting for it.
    for event in &events {
        h.hub.publish(event);
    }
    for event in &events {
        assert_eq!(&h.next_event().await, event);
    }
    assert_eq!(
        h.writes - writes_before,
        2,
        "32 frames in one write, then the other 8"
    );
}

#[tokio::test]
async fn a_client_that_falls_behind_is_disconnected() {
    let mut h = start(2, quiet());
    let topic = Topic::Server(h.server);
    h.send(&ClientCommand::Subscribe { topic });
    h.next_event().await;
    // Stop reading: keep the session busy so its buffer overflows.
    for _ in 0..50 {
        h.hub.publish(&h.renamed("x"));
    }
    let mut closed = None;
    while let Some(out) = h.try_next_within(Duration::from_secs(5)).await {
        if let Outbound::Close { code, .. } = out {
            closed = Some(code);
            break;
        }
    }
    assert_eq!(closed, Some(CLOSE_TOO_SLOW));
}

#[tokio::test]
async fn shutdown_sends_a_close_frame() {
    let mut h = start(16, quiet());
    h.stop.take().unwrap().send(()).unwrap();
    assert!(matches!(
        h.next().await,
        Outbound::Close {
            code: CLOSE_GOING_AWAY,
            ..
        }
    ));
    h.done.await.unwrap();
}

#[tokio::test]
async fn shutdown_is_heard_while_frames_keep_coming() {
    const WAITING: usize = 1000;
    let mut h = start(WAITING + 8, quiet());
    let topic = Topic::Server(h.server);
    h.subscribed(topic).await;
    // Published, then the stop, before the session runs again (one thread): a session that
    // always looked at its follows first would pass on every waiting frame before the stop.
    let event = h.renamed("busy");
    for _ in 0..WAITING {
        h.hub.publish(&event);
    }
    h.stop.take().unwrap().send(()).unwrap();
    let mut forwarded = 0;
    loop {
        match h.next().await {
            Outbound::Text(_) => forwarded += 1,
            Outbound::Close { code, .. } => {
                assert_eq!(code, CLOSE_GOING_AWAY);
                break;
            }
            Outbound::Ping => {}
        }
    }
    assert!(
        forwarded < WAITING,
        "the stop waited for all {forwarded} waiting frames"
    );
    h.done.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn silent_clients_are_pinged_then_dropped() {
    let mut h = start(
        16,
        Timing {
            heartbeat: Duration::from_secs(10),
            timeout: Duration::from_secs(25),
            send_timeout: Duration::from_secs(5),
        },
    );
    let mut pings = 0;
    loop {
        // Time is paused and jumps to the next timer: the heartbeat, not this limit.
        match h.next_within(Duration::from_secs(120)).await {
            Outbound::Ping => pings += 1,
            Outbound::Close { code, .. } => {
                assert_eq!(code, CLOSE_DEAD);
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(
            pings <= 2,
            "pinged {pings} times: once every 10 s until 25 s of silence"
        );
    }
    // At 10 s and 20 s; at 30 s the silence has lasted longer than 25 s.
    assert_eq!(pings, 2);
}

#[tokio::test(start_paused = true)]
async fn a_session_expiring_between_pings_is_closed_when_it_expires() {
    let mut h = start_with(Setup {
        expires_in: Duration::from_secs(25),
        ..Setup::new(
            16,
            Timing {
                heartbeat: Duration::from_secs(10),
                ..quiet()
            },
        )
    });
    let started = tokio::time::Instant::now();
    for _ in 0..2 {
        assert_eq!(
            h.next_within(Duration::from_secs(120)).await,
            Outbound::Ping
        );
    }
    match h.next_within(Duration::from_secs(120)).await {
        Outbound::Close { code, .. } => assert_eq!(code, CLOSE_SIGNED_OUT),
        other => panic!("expected the close at expiry, got {other:?}"),
    }
    assert_eq!(started.elapsed(), Duration::from_secs(25));
}

#[tokio::test]
async fn a_removal_during_the_access_check_is_not_missed() {
    // The first check passes, then the person is removed before the follow is in place: the
    // check after following sees it, and nothing is followed.
    let mut h = start_with(Setup {
        checks_allowed: 1,
        ..Setup::new(16, quiet())
    });
    let topic = Topic::Channel(h.channel);
    h.send(&ClientCommand::Subscribe { topic });
    assert!(matches!(h.next_event().await, ServerEvent::Error { .. }));
    h.hub.publish(&h.message_event());
    h.hub
        .deliver(topic, domain::hub::serialize(&ServerEvent::Pong));
    h.send(&ClientCommand::Ping);
    assert_eq!(
        h.next_event().await,
        ServerEvent::Pong,
        "no frame of the topic came"
    );
    assert!(h.nothing_more(), "and nothing after");
}

#[tokio::test]
async fn commands_over_the_rate_are_refused_and_the_connection_lives_on() {
    let mut h = start_with(Setup {
        commands_per_second: 3,
        ..Setup::new(16, quiet())
    });
    for _ in 0..3 {
        h.send(&ClientCommand::Ping);
        assert_eq!(h.next_event().await, ServerEvent::Pong);
    }
    h.send(&ClientCommand::Ping);
    match h.next_event().await {
        ServerEvent::Error { message } => assert!(message.starts_with("Slow down"), "{message}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    h.send(&ClientCommand::Ping);
    assert_eq!(h.next_event().await, ServerEvent::Pong);
}

#[tokio::test]
async fn a_socket_follows_at_most_its_share_of_topics() {
    let mut h = start_with(Setup {
        max_follows: 1,
        ..Setup::new(16, quiet())
    });
    let channel = Topic::Channel(h.channel);
    h.subscribed(channel).await;
    h.send(&ClientCommand::Subscribe {
        topic: Topic::Server(h.server),
    });
    match h.next_event().await {
        ServerEvent::Error { message } => assert!(message.contains("at most 1"), "{message}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    // Following the same topic again is not a new one.
    h.subscribed(channel).await;
}

#[tokio::test]
async fn signing_out_closes_that_session_only() {
    let mut h = start(16, quiet());
    let me = h.me;
    let ended = |session: &str| ServerEvent::SessionEnded {
        profile_id: me,
        session: session.to_owned(),
    };
    h.hub.publish(&ended("another-session"));
    h.hub.publish(&ServerEvent::SessionEnded {
        profile_id: ProfileId(Uuid::new_v4()),
        session: SESSION.to_owned(),
    });
    h.send(&ClientCommand::Ping);
    assert_eq!(
        h.next_event().await,
        ServerEvent::Pong,
        "other sessions' ends pass by"
    );
    h.hub.publish(&ended(SESSION));
    assert!(matches!(
        h.next().await,
        Outbound::Close {
            code: CLOSE_SIGNED_OUT,
            ..
        }
    ));
    h.done.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn an_expired_session_is_closed() {
    let mut h = start_with(Setup {
        expires_in: Duration::from_secs(90),
        ..Setup::new(16, quiet())
    });
    match h.next_within(Duration::from_secs(120)).await {
        Outbound::Close { code, reason } => {
            assert_eq!(code, CLOSE_SIGNED_OUT);
            assert!(reason.contains("expired"), "{reason}");
        }
        other => panic!("expected a close, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_client_that_stops_reading_is_dropped() {
    let hub = Arc::new(LocalHub::new(1_000));
    let me = ProfileId(Uuid::new_v4());
    let server = ServerId(Uuid::new_v4());
    let gate = FakeGate {
        hub: hub.clone(),
        allowed: HashMap::from([(Topic::Server(server), server)]),
        checks_allowed: usize::MAX,
        checks: AtomicUsize::new(0),
        presence: Arc::default(),
    };
    // A sink with room for one frame that nobody reads: the second send never completes.
    let (outbound, _unread) = mpsc::channel::<Outbound>(0);
    let (to_session, inbound) = mpsc::unbounded();
    let identity = Identity {
        me,
        connection: Uuid::new_v4(),
        session: SESSION.to_owned(),
        expires: tokio::time::Instant::now() + Duration::from_secs(3600),
    };
    let allowance = Allowance {
        commands: CommandBudget::new(RateSpec::new(100, Unit::Second, 100)),
        max_follows: 10,
    };
    let done = tokio::spawn(session::run(
        gate,
        identity,
        Box::pin(outbound.sink_map_err(|_| ())),
        inbound,
        (quiet(), allowance),
        std::future::pending(),
    ));
    let topic = Topic::Server(server);
    let subscribe = serde_json::to_string(&ClientCommand::Subscribe { topic }).unwrap();
    to_session.unbounded_send(Inbound::Text(subscribe)).unwrap();
    for _ in 0..3 {
        hub.publish(&ServerEvent::ServerDeleted { server_id: server });
    }
    tokio::time::timeout(Duration::from_secs(60), done)
        .await
        .expect("the session ends on its own")
        .unwrap();
}

/// Signalling for a person travels on their own topic, which all their sockets follow: only the
/// socket in the call passes it on, and call commands go to the gate.
#[tokio::test]
async fn call_signals_reach_only_the_socket_in_the_call() {
    let mut h = start(16, quiet());
    // Once it answers, the session follows its person's topic.
    h.send(&ClientCommand::Ping);
    assert_eq!(h.next_event().await, ServerEvent::Pong);
    let signal = |connection| ServerEvent::CallSignal {
        room: CallRoom::Channel(h.channel),
        from: ProfileId(Uuid::new_v4()),
        to: h.me,
        connection,
        signal: Signal::Offer { sdp: "v=0".into() },
    };
    let for_another_tab = signal(Uuid::new_v4());
    let for_this_one = signal(h.connection);
    h.hub.publish(&for_another_tab);
    h.hub.publish(&for_this_one);
    assert_eq!(h.next_event().await, for_this_one);

    h.send(&ClientCommand::LeaveCall {
        room: CallRoom::Channel(h.channel),
    });
    assert_eq!(
        h.next_event().await,
        ServerEvent::Error {
            message: "No calls here.".into()
        }
    );
}

#[tokio::test]
async fn a_connection_is_online_idle_as_the_client_says_and_offline_once_closed() {
    let mut h = start(16, quiet());
    h.send(&ClientCommand::Presence { idle: true });
    h.send(&ClientCommand::Presence { idle: false });
    h.send(&ClientCommand::Ping);
    assert_eq!(
        h.next_event().await,
        ServerEvent::Pong,
        "no answer to presence"
    );
    assert_eq!(
        *h.presence.lock().unwrap(),
        [Status::Online, Status::Idle, Status::Online]
    );
    h.to_session.unbounded_send(Inbound::Close).unwrap();
    (&mut h.done).await.unwrap();
    assert_eq!(h.presence.lock().unwrap().last(), Some(&Status::Offline));
}
