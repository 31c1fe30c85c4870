//! The live chat state of the signed-in app: one message cache per thread (kept while the app is
//! open, so returning to a channel only catches up), the topics the open views follow, and the
//! connection state. The browser socket and the 1-second polling feed it; views read the caches
//! and say which threads and servers they show.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::AppError;
use shared::calls::{CallParticipant, CallRoom};
use shared::ids::{MemberId, MessageId, ProfileId, ServerId};
use shared::live::{ClientCommand, ServerEvent, Thread, Topic};

use super::cache::MessageCache;
use super::connection::ConnectionState;
use super::send::{self, Unsent};
use super::thread_api;
use super::typing::Typing;
use crate::communities::Refresh;
use crate::notify::Notifications;
use crate::presence::Presence;
use crate::settings::ProfileChanges;
use crate::unread::UnreadMarks;

/// Hands a command to the open socket.
pub type Outbox = Arc<dyn Fn(ClientCommand) + Send + Sync>;

/// What the open call view hears from the socket.
#[derive(Debug, Clone)]
pub enum CallNotice {
    /// A call event: the answer to a join, roster changes, signalling.
    Event(Box<ServerEvent>),
    /// The socket is back after a drop: the call must be joined again from this connection.
    Reconnected,
}

pub type CallInbox = futures::channel::mpsc::UnboundedSender<CallNotice>;

/// A direct call ringing for this person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingCall {
    pub room: CallRoom,
    pub server_id: ServerId,
    pub caller: CallParticipant,
    pub caller_member: MemberId,
}

/// Every access to `inner` tolerates its disposal: the socket task and requests in flight can
/// outlive the signed-in app (after signing out) by a moment.
#[derive(Clone, Copy)]
pub struct Chat {
    inner: StoredValue<Inner>,
    state: RwSignal<ConnectionState>,
    refresh: Refresh,
    /// The direct call ringing for this person, if any.
    pub ringing: RwSignal<Option<IncomingCall>>,
    /// A ringing call accepted from the banner: the call view of its room joins it.
    pub accepted: RwSignal<Option<CallRoom>>,
    marks: UnreadMarks,
    /// Absent where no one signed in provides it (the list mounted alone in tests).
    notifications: Option<Notifications>,
    /// Absent like `notifications`.
    presence: Option<Presence>,
    /// Absent like `notifications`.
    profile_changes: Option<ProfileChanges>,
    typing: Typing,
    /// The sends not yet delivered (`send`).
    unsent: StoredValue<Unsent>,
}

#[derive(Default)]
struct Inner {
    threads: HashMap<Thread, Entry>,
    /// How many views follow each topic; subscribed while above zero.
    followers: HashMap<Topic, u32>,
    outbox: Option<Outbox>,
    connected_before: bool,
    /// The call view of this page, if one is open.
    call: Option<CallInbox>,
}

struct Entry {
    cache: ArcRwSignal<MessageCache>,
    /// A load or catch-up is on its way.
    syncing: bool,
    /// Another was asked for meanwhile: run one more when it is done.
    again: bool,
}

impl Chat {
    /// The chat state of the signed-in app; in the browser it also opens the live socket and
    /// polls while the socket is down.
    pub fn provide() -> Self {
        let chat = Self {
            inner: StoredValue::new(Inner::default()),
            state: RwSignal::new(ConnectionState::Connecting),
            refresh: Refresh::get(),
            ringing: RwSignal::new(None),
            accepted: RwSignal::new(None),
            marks: UnreadMarks::get(),
            notifications: use_context::<Notifications>(),
            presence: use_context::<Presence>(),
            profile_changes: use_context::<ProfileChanges>(),
            typing: Typing::new(),
            unsent: StoredValue::new(Unsent::default()),
        };
        provide_context(chat);
        #[cfg(feature = "browser")]
        {
            super::socket::start(chat);
            chat.poll_while_not_live();
            let online = window_event_listener(leptos::ev::online, move |_| send::flush(chat));
            on_cleanup(move || online.remove());
        }
        chat
    }

    /// The signed-in person is known: the sends kept in this browser for them go out.
    pub fn signed_in(self, me: ProfileId) {
        send::restore(self, me);
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// The connection state (reactive).
    pub fn state(self) -> ConnectionState {
        self.state.get()
    }

    /// The cache of `thread`, created empty the first time.
    pub fn cache(self, thread: Thread) -> RwSignal<MessageCache> {
        let cache = self
            .inner
            .try_update_value(|inner| inner.entry(thread).cache.clone());
        RwSignal::from(cache.unwrap_or_default())
    }

    /// A view shows `thread`: follow it live and bring its cache up to date. Asked to open at
    /// a message, or with something unread in it, it opens afresh there.
    pub fn open_thread(self, thread: Thread, at: Option<MessageId>) {
        let unread = self.marks.unread_untracked(thread) > 0;
        self.inner.try_update_value(|inner| {
            inner.entry(thread);
        });
        if let (true, Some(cache)) = (at.is_some() || unread, self.held(thread)) {
            cache.update(|c| c.unload(at));
        }
        self.follow(thread.topic());
        self.sync(thread);
    }

    /// Opens a thread already shown afresh, at `at` (or the first unread message).
    pub fn reopen(self, thread: Thread, at: Option<MessageId>) {
        if let Some(cache) = self.held(thread) {
            cache.update(|c| c.unload(at));
        }
        self.sync(thread);
    }

    pub fn close_thread(self, thread: Thread) {
        if let Some(cache) = self.held(thread) {
            cache.update(MessageCache::leave);
        }
        self.unfollow(thread.topic());
    }

    /// Follows `topic` (ref-counted): subscribed on the socket while anyone follows it.
    pub fn follow(self, topic: Topic) {
        let outbox = self.inner.try_update_value(|inner| {
            let count = inner.followers.entry(topic).or_default();
            *count += 1;
            (*count == 1).then(|| inner.outbox.clone()).flatten()
        });
        if let Some(send) = outbox.flatten() {
            send(ClientCommand::Subscribe { topic });
        }
    }

    pub fn unfollow(self, topic: Topic) {
        let outbox = self.inner.try_update_value(|inner| {
            let count = inner.followers.get_mut(&topic)?;
            *count = count.saturating_sub(1);
            if *count > 0 {
                return None;
            }
            inner.followers.remove(&topic);
            inner.outbox.clone()
        });
        if let Some(send) = outbox.flatten() {
            send(ClientCommand::Unsubscribe { topic });
        }
    }

    /// Loads the newest page of `thread`, or asks for what changed since its last sequence
    /// number; one request at a time per thread.
    pub fn sync(self, thread: Thread) {
        let cache = self.inner.try_update_value(|inner| {
            let entry = inner.threads.get_mut(&thread)?;
            if entry.syncing {
                entry.again = true;
                return None;
            }
            entry.syncing = true;
            Some(entry.cache.clone())
        });
        let Some(cache) = cache.flatten() else {
            return;
        };
        spawn_local(async move {
            loop {
                if let Err(e) = sync_once(thread, &cache).await {
                    leptos::logging::warn!("could not bring {thread:?} up to date: {e}");
                }
                let again = self.inner.try_update_value(|inner| {
                    let entry = inner.threads.get_mut(&thread)?;
                    entry.syncing = entry.again;
                    entry.again = false;
                    Some(entry.syncing)
                });
                if again.flatten() != Some(true) {
                    break;
                }
            }
        });
    }

    /// Every thread a view shows, brought up to date (the polling step).
    pub fn sync_open(self) {
        let open: Vec<Thread> = self
            .inner
            .try_with_value(|inner| inner.threads.keys().copied().collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .filter(|thread| self.is_followed(thread.topic()))
            .collect();
        for thread in open {
            self.sync(thread);
        }
    }

    fn is_followed(self, topic: Topic) -> bool {
        self.inner
            .try_with_value(|inner| inner.followers.contains_key(&topic))
            .unwrap_or(false)
    }

    /// A new message somewhere: maybe a desktop notification.
    fn notify(self, event: &ServerEvent) {
        if let Some(n) = self.notifications {
            n.consider(event);
        }
    }

    /// An event from the socket.
    pub fn receive(self, event: ServerEvent) {
        match event {
            ServerEvent::MessageCreated { thread, message } => {
                self.typing.sent(thread, message.author.profile_id);
                if let Some(cache) = self.held(thread) {
                    cache.update(|c| c.created(message));
                }
            }
            ServerEvent::Typing { thread, profile_id } => {
                let me = self.notifications.and_then(|n| n.me());
                self.typing.heard(thread, profile_id, me);
            }
            ServerEvent::MessageUpdated { thread, message }
            | ServerEvent::MessageDeleted { thread, message } => {
                if let Some(cache) = self.held(thread) {
                    cache.update(|c| c.changed(message));
                }
            }
            // From here on every change arrives live: catch up on what came before.
            ServerEvent::Subscribed { topic } => match topic {
                Topic::Channel(id) => self.sync(Thread::Channel(id)),
                Topic::Conversation(id) => self.sync(Thread::Conversation(id)),
                // Its messages' announcements arrive from now on: count what came before.
                // ...and who is here (what was said while the socket was down is missed).
                Topic::Server(_) => {
                    self.marks.changed();
                    if let Some(p) = self.presence {
                        p.mark_stale();
                    }
                }
                Topic::Account(_) | Topic::Access(_) => {}
            },
            ServerEvent::ChannelCreated { .. }
            | ServerEvent::ChannelUpdated { .. }
            | ServerEvent::ChannelDeleted { .. }
            | ServerEvent::MemberJoined { .. }
            | ServerEvent::MemberLeft { .. }
            | ServerEvent::MemberRoleChanged { .. }
            | ServerEvent::MemberKicked { .. }
            | ServerEvent::ServerUpdated { .. }
            | ServerEvent::OwnerChanged { .. }
            | ServerEvent::ServerDeleted { .. }
            | ServerEvent::Unsubscribed { .. } => self.refresh.bump(),
            // Once per server the person is in: every message of theirs held shows the new
            // name and picture, member lists reload, and their own app shows it too.
            ServerEvent::ProfileUpdated {
                profile_id,
                name,
                image_url,
                ..
            } => {
                let held: Vec<_> = self
                    .inner
                    .try_with_value(|inner| {
                        inner.threads.values().map(|e| e.cache.clone()).collect()
                    })
                    .unwrap_or_default();
                for cache in held {
                    cache.update(|c| c.author_changed(profile_id, &name, image_url.as_deref()));
                }
                if self.notifications.and_then(|n| n.me()) == Some(profile_id)
                    && let Some(changes) = self.profile_changes
                {
                    changes.bump();
                }
                self.refresh.bump();
            }
            ServerEvent::SessionEnded { .. } => {}
            ServerEvent::PresenceChanged {
                profile_id, status, ..
            } => {
                if let Some(p) = self.presence {
                    p.heard(profile_id, status);
                }
            }
            // A read on another device; a new message anywhere this person reads.
            ServerEvent::ReadUpTo { .. } => self.marks.changed(),
            ServerEvent::ChannelActivity { .. } | ServerEvent::DirectActivity { .. } => {
                self.marks
                    .arrived(&event, self.notifications.and_then(|n| n.me()));
                self.notify(&event);
            }
            ServerEvent::NotifySettingsChanged { .. } => {
                if let Some(n) = self.notifications {
                    n.changed();
                }
            }
            // Who is in which call shows in the server view, reloaded like its member list, and
            // in the open call view.
            ServerEvent::CallJoined { .. }
            | ServerEvent::CallLeft { .. }
            | ServerEvent::CallMediaChanged { .. } => {
                self.refresh.bump();
                self.to_call(CallNotice::Event(Box::new(event)));
            }
            ServerEvent::CallEntered { .. }
            | ServerEvent::CallRefused { .. }
            | ServerEvent::CallSignal { .. } => self.to_call(CallNotice::Event(Box::new(event))),
            ServerEvent::CallRinging {
                room,
                server_id,
                caller,
                caller_member,
                ..
            } => self.ringing.set(Some(IncomingCall {
                room,
                server_id,
                caller,
                caller_member,
            })),
            ServerEvent::CallRingEnded { room, .. } => {
                if self
                    .ringing
                    .with_untracked(|r| r.as_ref().is_some_and(|r| r.room == room))
                {
                    self.ringing.set(None);
                }
                self.to_call(CallNotice::Event(Box::new(event)));
            }
            ServerEvent::Error { message } => {
                leptos::logging::warn!("live feed: {message}");
            }
            ServerEvent::Pong => {}
        }
    }

    pub(super) fn unsent(self) -> StoredValue<Unsent> {
        self.unsent
    }

    /// Who is typing where.
    pub fn typing(self) -> Typing {
        self.typing
    }

    /// The reader is writing in `thread`: its other followers are told, every few seconds.
    pub fn say_typing(self, thread: Thread) {
        if self.typing.time_to_say(thread) {
            self.command(ClientCommand::Typing { thread });
        }
    }

    /// Sends `command` on the open socket; false when there is none (the caller says so).
    pub fn command(self, command: ClientCommand) -> bool {
        let outbox = self
            .inner
            .try_with_value(|inner| inner.outbox.clone())
            .flatten();
        match outbox {
            Some(send) => {
                send(command);
                true
            }
            None => false,
        }
    }

    /// The call view of this page listens from now on (replacing any earlier one).
    pub fn attach_call(self, inbox: CallInbox) {
        self.inner
            .try_update_value(|inner| inner.call = Some(inbox));
    }

    pub fn detach_call(self) {
        self.inner.try_update_value(|inner| inner.call = None);
    }

    fn to_call(self, notice: CallNotice) {
        self.inner.try_update_value(|inner| {
            if let Some(inbox) = &inner.call
                && inbox.unbounded_send(notice).is_err()
            {
                inner.call = None;
            }
        });
    }

    fn held(self, thread: Thread) -> Option<ArcRwSignal<MessageCache>> {
        self.inner
            .try_with_value(|inner| inner.threads.get(&thread).map(|e| e.cache.clone()))
            .flatten()
    }

    /// The socket is open: every followed topic is subscribed again (each `Subscribed` reply
    /// starts that thread's catch-up); after a reconnect the server view reloads too.
    pub fn connected(self, outbox: Outbox) {
        let (topics, reconnect) = self
            .inner
            .try_update_value(|inner| {
                inner.outbox = Some(outbox.clone());
                let reconnect = std::mem::replace(&mut inner.connected_before, true);
                (
                    inner.followers.keys().copied().collect::<Vec<_>>(),
                    reconnect,
                )
            })
            .unwrap_or_default();
        for topic in topics {
            outbox(ClientCommand::Subscribe { topic });
        }
        // The server is reachable again: what waits goes out.
        send::flush(self);
        if reconnect {
            self.refresh.bump();
            self.marks.changed();
            self.to_call(CallNotice::Reconnected);
        }
    }

    /// The socket closed: commands wait for the next one.
    pub fn disconnected(self) {
        self.inner.try_update_value(|inner| inner.outbox = None);
    }

    /// False once the signed-in app that owned this state has been torn down.
    pub fn is_alive(self) -> bool {
        self.inner.try_with_value(|_| ()).is_some()
    }

    pub fn set_state(self, state: ConnectionState) {
        self.state.set(state);
    }

    /// Once a second while the socket is not live, every open thread asks for its changes.
    #[cfg(feature = "browser")]
    fn poll_while_not_live(self) {
        let polling = Memo::new(move |_| self.state.get().polling());
        Effect::new(move |_| {
            if !polling.get() {
                return;
            }
            let tick = move || self.sync_open();
            if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_secs(1)) {
                on_cleanup(move || handle.clear());
            }
        });
    }
}

impl Inner {
    fn entry(&mut self, thread: Thread) -> &mut Entry {
        self.threads.entry(thread).or_insert_with(|| Entry {
            cache: ArcRwSignal::new(MessageCache::default()),
            syncing: false,
            again: false,
        })
    }
}

async fn sync_once(thread: Thread, cache: &ArcRwSignal<MessageCache>) -> Result<(), AppError> {
    if !cache.with_untracked(MessageCache::is_loaded) {
        let at = cache.with_untracked(MessageCache::focus);
        let opening = match thread_api::opening(thread, at).await {
            Ok(opening) => opening,
            Err(e) => {
                cache.update(|c| c.load_failed(e.to_string()));
                return Err(e);
            }
        };
        cache.update(|c| c.load_opening(opening));
        return Ok(());
    }
    if cache.with_untracked(MessageCache::has_newer) {
        // Short of the present: newer pages load as the reader scrolls down, then it catches up.
        return Ok(());
    }
    loop {
        let since = cache.with_untracked(MessageCache::last_seq);
        let changes = thread_api::changes(thread, since).await?;
        let more = changes.more;
        if !changes.messages.is_empty() {
            cache.update(|c| c.caught_up(changes));
        }
        if !more {
            return Ok(());
        }
    }
}
