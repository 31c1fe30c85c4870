//! The client's copy of one thread's messages: pages newest-first as the server sent them, live
//! changes applied in place, and the sends still on their way. The pages reach the present,
//! except when a thread opens at an old unread message: then newer pages load as the reader
//! scrolls down, and what arrives meanwhile is counted for the "Jump to present" bar. Pure data: no signals, no I/O, so
//! it is unit-tested natively and wrapped in a signal by the UI.

use shared::ids::{MessageId, ProfileId};
use shared::messages::{Changes, HistoryPage, Message, Opening};
use uuid::Uuid;

/// A message typed here and not yet stored (or refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub nonce: Uuid,
    pub content: String,
    pub file_url: Option<String>,
    /// The message it answers.
    pub reply_to: Option<MessageId>,
    /// The error of the last attempt; `None` while it is on its way.
    pub failed: Option<String>,
    /// Kept (in the browser's outbox) until the network is back.
    pub waiting: bool,
}

impl Pending {
    /// A send on its way, answering nothing.
    pub fn new(nonce: Uuid, content: String, file_url: Option<String>) -> Self {
        Self {
            nonce,
            content,
            file_url,
            reply_to: None,
            failed: None,
            waiting: false,
        }
    }
}

/// One row of the message list, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row<'a> {
    Pending(&'a Pending),
    Stored(&'a Message),
}

#[derive(Debug, Default, Clone)]
pub struct MessageCache {
    /// Pages newest-first; within a page, newest first.
    pages: Vec<Vec<Message>>,
    /// The cursor for the next older page; `None` once the start is reached (or before loading).
    before: Option<MessageId>,
    loaded: bool,
    /// The highest sequence number seen: the `since` for catching up.
    last_seq: i64,
    /// Sends on their way or failed, newest first.
    pending: Vec<Pending>,
    /// Set while the pages held stop short of the present (opened at an old unread message):
    /// the cursor for the next newer page. Messages created meanwhile are only counted.
    after: Option<MessageId>,
    /// Messages created since, while the pages stop short of the present.
    arrived: u32,
    /// The first message the reader had not read when the thread opened.
    divider: Option<MessageId>,
    /// The message the thread was opened at (a link to it, a notification).
    focus: Option<MessageId>,
    /// Counts the changes that may have altered the thread's pinned messages.
    pin_changes: u32,
    /// Why the first page could not be loaded, until it is tried again.
    load_error: Option<String>,
}

impl MessageCache {
    /// The newest page, replacing whatever was held, except messages newer than the page that
    /// arrived live while it was on its way.
    pub fn load_newest(&mut self, page: HistoryPage) {
        self.last_seq = self.last_seq.max(max_seq(&page.messages));
        self.before = page.before;
        self.after = None;
        self.arrived = 0;
        let newest_in_page = page.messages.first().map(|m| m.id);
        let mut first: Vec<Message> = self
            .pages
            .drain(..)
            .flatten()
            .filter(|m| newest_in_page.is_none_or(|newest| m.id > newest))
            .collect();
        first.sort_by_key(|m| std::cmp::Reverse(m.id));
        first.extend(page.messages);
        self.pages = vec![first];
        self.loaded = true;
        self.load_error = None;
    }

    /// How the thread opens: its page (maybe stopping short of the present) and the divider.
    pub fn load_opening(&mut self, opening: Opening) {
        let after = opening.page.after;
        self.load_newest(opening.page);
        self.divider = opening.first_unread;
        if after.is_some() {
            // Changes from here on are counted, not shown; catching up starts at the present.
            self.after = after;
            self.last_seq = opening.last_seq;
        }
    }

    /// Forgets the pages (the thread opens again from the server, at `focus` if given), keeping
    /// the sends on their way.
    pub fn unload(&mut self, focus: Option<MessageId>) {
        let pending = std::mem::take(&mut self.pending);
        *self = Self {
            pending,
            focus,
            ..Self::default()
        };
    }

    /// The message the thread opens (or was opened) at.
    pub fn focus(&self) -> Option<MessageId> {
        self.focus
    }

    /// The first page could not be loaded: why (the view offers to try again).
    pub fn load_failed(&mut self, error: String) {
        self.load_error = Some(error);
    }

    /// Trying the first page again.
    pub fn clear_load_error(&mut self) {
        self.load_error = None;
    }

    pub fn load_error(&self) -> Option<&str> {
        self.load_error.as_deref()
    }

    /// Whether the newest page has been loaded.
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// A newer page, above the ones held; true once the held pages reach the present.
    pub fn append_newer(&mut self, page: HistoryPage) -> bool {
        for message in page.messages.into_iter().rev() {
            if !self.replace(&message) {
                self.insert_newest(message);
            }
        }
        self.after = page.after;
        if self.after.is_none() {
            self.arrived = 0;
        }
        self.after.is_none()
    }

    /// The cursor for the next newer page, while the pages stop short of the present.
    pub fn after(&self) -> Option<MessageId> {
        self.after
    }

    /// Whether newer messages remain to be loaded.
    pub fn has_newer(&self) -> bool {
        self.after.is_some()
    }

    /// Messages created while the pages stop short of the present.
    pub fn arrived(&self) -> u32 {
        self.arrived
    }

    /// Where the "New messages" divider goes: above this message.
    pub fn divider(&self) -> Option<MessageId> {
        self.divider
    }

    /// The reader marked the thread unread from `message` on: the divider goes above it.
    pub fn set_divider(&mut self, message: MessageId) {
        self.divider = Some(message);
    }

    /// The reader left the thread: the divider and the message opened at are done with.
    pub fn leave(&mut self) {
        self.divider = None;
        self.focus = None;
    }

    /// An older page, below the ones held. Messages already held (after a race) are skipped.
    pub fn append_older(&mut self, page: HistoryPage) {
        self.last_seq = self.last_seq.max(max_seq(&page.messages));
        self.before = page.before;
        let fresh: Vec<Message> = page
            .messages
            .into_iter()
            .filter(|m| self.find(m.id).is_none())
            .collect();
        self.pages.push(fresh);
    }

    /// Whether older messages remain to be loaded.
    pub fn has_older(&self) -> bool {
        self.loaded && self.before.is_some()
    }

    pub fn before(&self) -> Option<MessageId> {
        self.before
    }

    pub fn last_seq(&self) -> i64 {
        self.last_seq
    }

    /// A live "created" event: to the top of the first page, once (replacing this client's
    /// pending row for it, if the event beat the send's answer).
    pub fn created(&mut self, message: Message) {
        self.pending.retain(|p| p.nonce != message.nonce);
        if self.after.is_some() && self.find(message.id).is_none() {
            // Beyond the pages held: counted, and loaded with the newer pages.
            self.arrived += 1;
            return;
        }
        self.note_seq(&message);
        if self.replace(&message) {
            return;
        }
        self.insert_newest(message);
    }

    /// A live "updated" or "deleted" event: replaces the message wherever it is, unless what is
    /// held is already newer. A message on a page not loaded is ignored.
    pub fn changed(&mut self, message: Message) {
        // Short of the present, catching up later starts where the thread opened.
        if self.after.is_none() {
            self.note_seq(&message);
        }
        self.note_pin(&message);
        self.replace(&message);
    }

    /// Someone changed their name or picture: each of their messages held shows it.
    pub fn author_changed(&mut self, profile: ProfileId, name: &str, image_url: Option<&str>) {
        for message in self.pages.iter_mut().flatten() {
            if message.author.profile_id == profile {
                message.author.name = name.to_owned();
                message.author.image_url = image_url.map(str::to_owned);
            }
        }
    }

    /// Goes up with every change that may alter the thread's pinned messages: one pinned, one
    /// that was pinned, or one not held (it may have been).
    pub fn pin_changes(&self) -> u32 {
        self.pin_changes
    }

    /// What changed since `last_seq` (after a reconnect or a poll). Unknown messages newer than
    /// the oldest held are new ones; older unknown ones belong to pages not loaded.
    pub fn caught_up(&mut self, changes: Changes) {
        for message in changes.messages {
            self.note_seq(&message);
            self.note_pin(&message);
            self.pending.retain(|p| p.nonce != message.nonce);
            if self.replace(&message) {
                continue;
            }
            let newer_than_held = self.oldest().is_none_or(|oldest| message.id > oldest);
            if newer_than_held {
                self.insert_newest(message);
            }
        }
        self.last_seq = self.last_seq.max(changes.last_seq);
    }

    /// Shows a send at once, before the server has answered.
    pub fn sending(&mut self, pending: Pending) {
        self.pending.retain(|p| p.nonce != pending.nonce);
        self.pending.insert(0, pending);
    }

    /// The server stored the send: the pending row becomes the stored message.
    pub fn sent(&mut self, nonce: Uuid, message: Message) {
        self.pending.retain(|p| p.nonce != nonce);
        self.created(message);
    }

    /// The send failed: the row stays, marked, for "Retry" (which reuses the nonce).
    pub fn send_failed(&mut self, nonce: Uuid, error: String) {
        if let Some(p) = self.pending.iter_mut().find(|p| p.nonce == nonce) {
            p.failed = Some(error);
            p.waiting = false;
        }
    }

    /// The send could not reach the server: it waits for the network.
    pub fn send_waiting(&mut self, nonce: Uuid) {
        if let Some(p) = self.pending.iter_mut().find(|p| p.nonce == nonce) {
            p.waiting = true;
        }
    }

    /// Marks a failed send as on its way again and returns what to resend.
    pub fn retry(&mut self, nonce: Uuid) -> Option<Pending> {
        let p = self.pending.iter_mut().find(|p| p.nonce == nonce)?;
        p.failed = None;
        p.waiting = false;
        Some(p.clone())
    }

    /// Every row, newest first: sends on their way, then stored messages.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.pending
            .iter()
            .map(Row::Pending)
            .chain(self.pages.iter().flatten().map(Row::Stored))
    }

    pub fn find(&self, id: MessageId) -> Option<&Message> {
        self.pages.iter().flatten().find(|m| m.id == id)
    }

    /// Keeps the highest sequence number seen.
    fn note_seq(&mut self, message: &Message) {
        self.last_seq = self.last_seq.max(message.seq);
    }

    fn note_pin(&mut self, message: &Message) {
        let held = self.find(message.id).map(|m| m.pinned);
        if message.pinned || held != Some(false) {
            self.pin_changes += 1;
        }
    }

    /// Replaces a held copy if the incoming one is newer; true when the message was held.
    fn replace(&mut self, message: &Message) -> bool {
        for page in &mut self.pages {
            if let Some(held) = page.iter_mut().find(|m| m.id == message.id) {
                if message.seq > held.seq {
                    *held = message.clone();
                }
                return true;
            }
        }
        false
    }

    /// Puts a message into the first page at its place by id (ids sort by time).
    fn insert_newest(&mut self, message: Message) {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        if let Some(first) = self.pages.first_mut() {
            let at = first
                .iter()
                .position(|m| m.id < message.id)
                .unwrap_or(first.len());
            first.insert(at, message);
        }
    }

    fn oldest(&self) -> Option<MessageId> {
        self.pages.iter().rev().find_map(|p| p.last()).map(|m| m.id)
    }
}

fn max_seq(messages: &[Message]) -> i64 {
    messages.iter().map(|m| m.seq).max().unwrap_or(0)
}
