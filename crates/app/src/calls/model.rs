//! What a call view shows, without the media: the phase of the call, the other participants in
//! the order they came, how the link to each stands, and what each event asks of the transport.
//! Pure (natively tested); the browser transport carries out the actions.

use shared::calls::{CallParticipant, CallRoom, MediaState, RingOutcome};
use shared::ids::ProfileId;

/// Which local source a track comes from; also the order of the media lines in an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    Microphone,
    Camera,
    Screen,
}

impl Source {
    /// Whether `media` says this source is sent.
    pub fn is_on(self, media: MediaState) -> bool {
        match self {
            Source::Microphone => media.microphone,
            Source::Camera => media.camera,
            Source::Screen => media.screen,
        }
    }

    pub fn set(self, media: &mut MediaState, on: bool) {
        match self {
            Source::Microphone => media.microphone = on,
            Source::Camera => media.camera = on,
            Source::Screen => media.screen = on,
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Source::Microphone => "microphone",
            Source::Camera => "camera",
            Source::Screen => "screen",
        }
    }
}

/// A device the person can pick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    pub label: String,
}

/// Where this browser stands in the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Asked to join; the server has not answered.
    Joining,
    In,
    /// The server refused the join (the room is full, or no access), in its words.
    Refused(String),
    /// The call ended for this browser from elsewhere (left from another tab, removed).
    Ended(String),
}

/// How the media link to one other participant stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Connected,
    Reconnecting,
    Failed,
}

impl Link {
    pub fn words(self) -> &'static str {
        match self {
            Link::Connecting => "Connecting…",
            Link::Connected => "Connected",
            Link::Reconnecting => "Reconnecting…",
            Link::Failed => "Could not reach the other side: check your network",
        }
    }
}

/// Another participant as the view shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub participant: CallParticipant,
    pub link: Link,
    pub speaking: bool,
}

/// What the transport must do after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Open a link to this participant and send them an offer (the newcomer offers).
    Offer(ProfileId),
    /// Close the link to this participant (they left, or joined again and will offer anew).
    Close(ProfileId),
}

/// What a room carries: the microphone only in audio channels; camera and screen too in video
/// channels and direct calls. Also the order of the media lines of every link.
pub fn sources(video: bool) -> &'static [Source] {
    if video {
        &[Source::Microphone, Source::Camera, Source::Screen]
    } else {
        &[Source::Microphone]
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub room: CallRoom,
    me: ProfileId,
    pub phase: Phase,
    pub people: Vec<Person>,
    /// Someone else has been in the call with this browser (a direct call was answered).
    met: bool,
}

impl Call {
    pub fn new(room: CallRoom, me: ProfileId) -> Self {
        Self {
            room,
            me,
            phase: Phase::Joining,
            people: Vec::new(),
            met: false,
        }
    }

    /// The call's state in words, for the status line.
    pub fn status(&self) -> String {
        match &self.phase {
            Phase::Joining => "Connecting…".into(),
            Phase::In if self.people.is_empty() && self.direct() && !self.met => "Calling…".into(),
            Phase::In if self.people.is_empty() => "Connected: waiting for others to join".into(),
            Phase::In => "Connected".into(),
            Phase::Refused(words) | Phase::Ended(words) => words.clone(),
        }
    }

    /// A call in a direct conversation (it rings for the other person).
    pub fn direct(&self) -> bool {
        matches!(self.room, CallRoom::Conversation(_))
    }

    /// The ringing of this direct call stopped; declined or unanswered, the call ends here.
    pub fn ring_ended(&mut self, outcome: RingOutcome) -> Vec<Action> {
        match outcome.to_caller() {
            Some(words) if self.phase == Phase::In => {
                self.phase = Phase::Ended(words.into());
                self.close_all()
            }
            _ => Vec::new(),
        }
    }

    /// Whether this browser is in the call or on its way in.
    pub fn active(&self) -> bool {
        matches!(self.phase, Phase::Joining | Phase::In)
    }

    /// The server let this browser in with `others` already there: every earlier link is
    /// closed (after a reconnect the others drop theirs too) and each of them gets an offer.
    pub fn entered(&mut self, others: Vec<CallParticipant>) -> Vec<Action> {
        let mut actions: Vec<Action> = self
            .people
            .drain(..)
            .map(|p| Action::Close(p.participant.profile_id))
            .collect();
        self.phase = Phase::In;
        for participant in others.into_iter().filter(|p| p.profile_id != self.me) {
            self.met = true;
            actions.push(Action::Offer(participant.profile_id));
            self.people.push(Person {
                participant,
                link: Link::Connecting,
                speaking: false,
            });
        }
        actions
    }

    pub fn refused(&mut self, message: String) -> Vec<Action> {
        self.phase = Phase::Refused(message);
        self.close_all()
    }

    /// Someone entered the room: they will send an offer. Entering again from a new connection
    /// (a new seat) closes the old link first; the announcement of a seat already known (it can
    /// arrive after this browser's own entry listed them) changes nothing.
    pub fn joined(&mut self, participant: CallParticipant) -> Vec<Action> {
        if participant.profile_id == self.me || self.phase != Phase::In {
            return Vec::new();
        }
        let id = participant.profile_id;
        self.met = true;
        let person = Person {
            participant,
            link: Link::Connecting,
            speaking: false,
        };
        match self.position(id) {
            Some(i) if self.people[i].participant.seat == person.participant.seat => Vec::new(),
            Some(i) => {
                self.people[i] = person;
                vec![Action::Close(id)]
            }
            None => {
                self.people.push(person);
                Vec::new()
            }
        }
    }

    /// Someone left; when it is this person (from another tab, removed from the server, the
    /// channel deleted, or a seat lost after a long disconnect) the call ends here.
    pub fn left(&mut self, profile_id: ProfileId) -> Vec<Action> {
        // A direct call nobody answered ends with the ringing's outcome (declined, no answer),
        // which can arrive after this on its own topic.
        if profile_id == self.me && self.direct() && !self.met {
            return Vec::new();
        }
        if profile_id == self.me {
            if self.phase == Phase::In {
                self.phase = Phase::Ended("You are no longer in this call.".into());
                return self.close_all();
            }
            return Vec::new();
        }
        match self.position(profile_id) {
            Some(i) => {
                self.people.remove(i);
                vec![Action::Close(profile_id)]
            }
            None => Vec::new(),
        }
    }

    pub fn media_changed(&mut self, profile_id: ProfileId, media: MediaState) {
        if let Some(i) = self.position(profile_id) {
            self.people[i].participant.media = media;
        }
    }

    pub fn set_link(&mut self, profile_id: ProfileId, link: Link) {
        if let Some(i) = self.position(profile_id) {
            self.people[i].link = link;
        }
    }

    pub fn set_speaking(&mut self, profile_id: ProfileId, speaking: bool) {
        if let Some(i) = self.position(profile_id) {
            self.people[i].speaking = speaking;
        }
    }

    /// Leaving: every link closes.
    pub fn close_all(&mut self) -> Vec<Action> {
        self.people
            .drain(..)
            .map(|p| Action::Close(p.participant.profile_id))
            .collect()
    }

    fn position(&self, profile_id: ProfileId) -> Option<usize> {
        self.people
            .iter()
            .position(|p| p.participant.profile_id == profile_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ids::ChannelId;
    use uuid::Uuid;

    fn person(n: u128) -> CallParticipant {
        CallParticipant {
            profile_id: ProfileId(Uuid::from_u128(n)),
            seat: Uuid::from_u128(n + 1000),
            name: format!("P{n}"),
            image_url: None,
            media: MediaState::default(),
        }
    }

    fn call() -> Call {
        Call::new(
            CallRoom::Channel(ChannelId(Uuid::from_u128(99))),
            person(1).profile_id,
        )
    }

    #[test]
    fn the_newcomer_offers_to_everyone_already_there() {
        let mut c = call();
        assert_eq!(c.phase, Phase::Joining);
        assert_eq!(c.status(), "Connecting…");
        assert!(c.active());
        let actions = c.entered(vec![person(2), person(3)]);
        assert_eq!(
            actions,
            vec![
                Action::Offer(person(2).profile_id),
                Action::Offer(person(3).profile_id)
            ]
        );
        assert_eq!(c.phase, Phase::In);
        assert_eq!(c.people.len(), 2);
        assert_eq!(c.people[0].link.words(), "Connecting…");
    }

    #[test]
    fn those_already_there_wait_for_the_newcomers_offer() {
        let mut c = call();
        c.entered(vec![]);
        assert_eq!(c.joined(person(2)), vec![]);
        assert_eq!(c.people[0].participant.profile_id, person(2).profile_id);
        // My own announcement is not a person.
        assert_eq!(c.joined(person(1)), vec![]);
        assert_eq!(c.people.len(), 1);
        c.set_link(person(2).profile_id, Link::Connected);
        // Their announcement again (the same seat) changes nothing.
        assert_eq!(c.joined(person(2)), vec![]);
        assert_eq!(c.people[0].link, Link::Connected);
        // They come back from a new connection: the old link goes, they offer again.
        let again = CallParticipant {
            seat: Uuid::from_u128(7),
            ..person(2)
        };
        assert_eq!(c.joined(again), vec![Action::Close(person(2).profile_id)]);
        assert_eq!(c.people[0].link, Link::Connecting);
    }

    #[test]
    fn a_late_announcement_of_someone_listed_on_entry_keeps_the_link() {
        // Their join came first; its announcement reached this browser after its own entry.
        let mut c = call();
        assert_eq!(
            c.entered(vec![person(2)]),
            vec![Action::Offer(person(2).profile_id)]
        );
        assert_eq!(c.joined(person(2)), vec![]);
        assert_eq!(c.people.len(), 1);
    }

    #[test]
    fn entering_again_closes_every_earlier_link_first() {
        let mut c = call();
        c.entered(vec![person(2)]);
        let actions = c.entered(vec![person(2), person(3)]);
        assert_eq!(
            actions,
            vec![
                Action::Close(person(2).profile_id),
                Action::Offer(person(2).profile_id),
                Action::Offer(person(3).profile_id)
            ]
        );
    }

    #[test]
    fn leaving_removes_the_person_and_my_own_departure_ends_the_call() {
        let mut c = call();
        c.entered(vec![person(2), person(3)]);
        assert_eq!(
            c.left(person(2).profile_id),
            vec![Action::Close(person(2).profile_id)]
        );
        assert_eq!(c.left(person(2).profile_id), vec![]);
        assert_eq!(
            c.left(person(1).profile_id),
            vec![Action::Close(person(3).profile_id)]
        );
        assert!(matches!(c.phase, Phase::Ended(_)));
        assert!(c.people.is_empty());
    }

    #[test]
    fn a_refusal_is_kept_in_the_servers_words() {
        let mut c = call();
        c.refused("This room is full.".into());
        assert_eq!(c.phase, Phase::Refused("This room is full.".into()));
        assert_eq!(c.status(), "This room is full.");
        assert!(!c.active());
        // Announcements for a call this browser is not in change nothing.
        assert_eq!(c.joined(person(2)), vec![]);
        assert!(c.people.is_empty());
    }

    #[test]
    fn a_direct_call_says_calling_and_ends_when_declined_or_unanswered() {
        use shared::ids::ConversationId;
        let room = CallRoom::Conversation(ConversationId(Uuid::from_u128(5)));
        let mut c = Call::new(room, person(1).profile_id);
        c.entered(vec![]);
        assert_eq!(c.status(), "Calling…");
        assert_eq!(c.ring_ended(RingOutcome::Answered), vec![]);
        assert!(c.active());
        // Answered, then left alone again: no longer "Calling…".
        let mut answered = c.clone();
        answered.joined(person(2));
        answered.left(person(2).profile_id);
        assert_eq!(answered.status(), "Connected: waiting for others to join");
        c.ring_ended(RingOutcome::Missed);
        assert_eq!(c.status(), "No answer.");
        assert!(!c.active());
        // The caller's seat taken away can be heard of before why: the why decides.
        let mut c = Call::new(room, person(1).profile_id);
        c.entered(vec![]);
        assert_eq!(c.left(person(1).profile_id), vec![]);
        assert!(c.active());
        c.ring_ended(RingOutcome::Declined);
        assert_eq!(c.status(), "The call was declined.");
    }

    #[test]
    fn media_and_speaking_follow_the_person() {
        let mut c = call();
        c.entered(vec![person(2)]);
        let media = MediaState {
            microphone: false,
            camera: true,
            screen: false,
        };
        c.media_changed(person(2).profile_id, media);
        c.set_speaking(person(2).profile_id, true);
        assert_eq!(c.people[0].participant.media, media);
        assert!(c.people[0].speaking);
        assert_eq!(
            Link::Failed.words(),
            "Could not reach the other side: check your network"
        );
    }
}
