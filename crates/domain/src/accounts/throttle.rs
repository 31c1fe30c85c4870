//! Slows down repeated sign-in attempts from one address (governor's keyed GCRA limiter).

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::AccountError;

/// A burst of 10 attempts, then one more every 6 seconds, per client address.
pub struct SignInThrottle {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
}

impl SignInThrottle {
    const BURST: NonZeroU32 = NonZeroU32::new(10).unwrap();
    const PER_MINUTE: NonZeroU32 = NonZeroU32::new(10).unwrap();

    pub fn new() -> Self {
        let quota = Quota::per_minute(Self::PER_MINUTE).allow_burst(Self::BURST);
        Self {
            limiter: RateLimiter::keyed(quota),
        }
    }

    /// Takes one attempt from `client`'s budget, or refuses when it is spent.
    pub fn check(&self, client: IpAddr) -> Result<(), AccountError> {
        self.limiter
            .check_key(&client)
            .map_err(|_| AccountError::Throttled)
    }
}

impl Default for SignInThrottle {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_refused_after_its_burst_and_others_are_not() {
        let throttle = SignInThrottle::new();
        let a: IpAddr = [127, 0, 0, 1].into();
        let b: IpAddr = [127, 0, 0, 2].into();
        for _ in 0..10 {
            assert!(throttle.check(a).is_ok());
        }
        assert!(matches!(throttle.check(a), Err(AccountError::Throttled)));
        assert!(throttle.check(b).is_ok());
    }
}
