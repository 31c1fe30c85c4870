//! The socket manager's state machine, without the socket: what state the live connection is in,
//! what to do on each transition, and how long to wait before reconnecting. The browser adapter
//! feeds it open/close events and carries out the actions it returns.

use std::time::Duration;

/// Where the live connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionState {
    /// The first connection is being made.
    Connecting,
    /// Events arrive as they happen.
    Live,
    /// The socket is down; `attempt` reconnects have been scheduled since it was last live.
    Reconnecting { attempt: u32 },
}

impl ConnectionState {
    /// Open threads poll for changes once a second whenever the socket is not live.
    pub fn polling(self) -> bool {
        self != ConnectionState::Live
    }

    /// What the header says.
    pub fn label(self) -> &'static str {
        if self.polling() {
            "Polling every 1s"
        } else {
            "Live: Real-time updates"
        }
    }
}

/// What the adapter must do after a transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Subscribe every open thread again, then ask each for changes since its last sequence.
    ResubscribeAndCatchUp,
    /// Open a new socket after this delay.
    ReconnectAfter(Duration),
}

/// How long to wait before reconnect `attempt` (1, 2, ...): doubling from `BASE` up to `MAX`,
/// scaled by `jitter` in [0, 1) to between half and all of it, so many clients that lost the
/// same server do not come back at the same instant.
pub fn reconnect_delay(attempt: u32, jitter: f64) -> Duration {
    const BASE_MS: u64 = 500;
    const MAX_MS: u64 = 30_000;
    let exponent = attempt.saturating_sub(1).min(16);
    let full = BASE_MS.saturating_mul(1 << exponent).min(MAX_MS);
    let jitter = jitter.clamp(0.0, 1.0);
    // Millisecond precision is plenty; the float product is at most 30 000.
    let scaled = (full as f64) * (0.5 + jitter / 2.0);
    Duration::from_millis(scaled as u64)
}

#[derive(Debug, Clone)]
pub struct Connection {
    state: ConnectionState,
}

impl Default for Connection {
    fn default() -> Self {
        Self {
            state: ConnectionState::Connecting,
        }
    }
}

impl Connection {
    pub fn state(&self) -> ConnectionState {
        self.state
    }

    /// The socket opened.
    pub fn opened(&mut self) -> Step {
        self.state = ConnectionState::Live;
        Step::ResubscribeAndCatchUp
    }

    /// The socket closed or failed (or never opened).
    pub fn closed(&mut self, jitter: f64) -> Step {
        let attempt = match self.state {
            ConnectionState::Reconnecting { attempt } => attempt + 1,
            ConnectionState::Connecting | ConnectionState::Live => 1,
        };
        self.state = ConnectionState::Reconnecting { attempt };
        Step::ReconnectAfter(reconnect_delay(attempt, jitter))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_only_after_opening_and_polling_otherwise() {
        let mut c = Connection::default();
        assert!(c.state().polling());
        assert_eq!(c.opened(), Step::ResubscribeAndCatchUp);
        assert_eq!(c.state(), ConnectionState::Live);
        assert_eq!(c.state().label(), "Live: Real-time updates");
        assert!(matches!(c.closed(0.0), Step::ReconnectAfter(_)));
        assert_eq!(c.state().label(), "Polling every 1s");
    }

    #[test]
    fn attempts_count_up_until_the_socket_is_back() {
        let mut c = Connection::default();
        c.closed(0.0);
        c.closed(0.0);
        assert_eq!(c.state(), ConnectionState::Reconnecting { attempt: 2 });
        c.opened();
        c.closed(0.0);
        assert_eq!(c.state(), ConnectionState::Reconnecting { attempt: 1 });
    }

    #[test]
    fn delays_double_are_capped_and_jittered() {
        assert_eq!(reconnect_delay(1, 1.0), Duration::from_millis(500));
        assert_eq!(reconnect_delay(2, 1.0), Duration::from_millis(1000));
        assert_eq!(reconnect_delay(3, 1.0), Duration::from_millis(2000));
        assert_eq!(reconnect_delay(30, 1.0), Duration::from_secs(30));
        assert_eq!(reconnect_delay(1, 0.0), Duration::from_millis(250));
        assert_eq!(
            reconnect_delay(u32::MAX, 0.5),
            Duration::from_millis(22_500)
        );
        assert_eq!(
            reconnect_delay(1, 7.0),
            Duration::from_millis(500),
            "jitter is clamped"
        );
    }
}
