//! How a limit is written in settings: `RATE/UNIT` or `RATE/UNIT:BURST`, e.g. `5/s:10` (five a
//! second once a burst of ten is spent), `10/h` (ten an hour, all at once if need be).

use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::time::Duration;

use governor::Quota;

/// A rate with a burst, parsed from settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateSpec {
    pub rate: NonZeroU32,
    pub per: Unit,
    pub burst: NonZeroU32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Second,
    Minute,
    Hour,
}

impl Unit {
    fn duration(self) -> Duration {
        Duration::from_secs(match self {
            Unit::Second => 1,
            Unit::Minute => 60,
            Unit::Hour => 3_600,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Unit::Second => "s",
            Unit::Minute => "min",
            Unit::Hour => "h",
        }
    }
}

impl RateSpec {
    /// `rate` per `per`, with a burst of `burst`. Only for constants: panics on zero.
    pub const fn new(rate: u32, per: Unit, burst: u32) -> Self {
        match (NonZeroU32::new(rate), NonZeroU32::new(burst)) {
            (Some(rate), Some(burst)) => Self { rate, per, burst },
            _ => panic!("a rate and a burst are at least 1"),
        }
    }

    pub fn quota(self) -> Quota {
        // One cell comes back every `per / rate`; `rate` ≥ 1, so the period is never zero.
        let period = self.per.duration() / self.rate.get();
        Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(self.rate))
            .allow_burst(self.burst)
    }
}

impl fmt::Display for RateSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.rate, self.per.name())?;
        if self.burst != self.rate {
            write!(f, ":{}", self.burst)?;
        }
        Ok(())
    }
}

impl FromStr for RateSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wrong =
            || format!("'{text}' is not a rate like 5/s, 10/min or 5/s:10 (rate/unit:burst)");
        let (rate, rest) = text.trim().split_once('/').ok_or_else(wrong)?;
        let (unit, burst) = match rest.split_once(':') {
            Some((unit, burst)) => (unit, Some(burst)),
            None => (rest, None),
        };
        let per = match unit {
            "s" | "sec" => Unit::Second,
            "m" | "min" => Unit::Minute,
            "h" | "hour" => Unit::Hour,
            _ => return Err(wrong()),
        };
        let count = |s: &str| s.parse::<NonZeroU32>().map_err(|_| wrong());
        let rate = count(rate)?;
        let burst = burst.map(count).transpose()?.unwrap_or(rate);
        Ok(Self { rate, per, burst })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_and_print_back() {
        for (text, spec) in [
            ("5/s:10", RateSpec::new(5, Unit::Second, 10)),
            ("10/min", RateSpec::new(10, Unit::Minute, 10)),
            ("1/h:3", RateSpec::new(1, Unit::Hour, 3)),
        ] {
            assert_eq!(text.parse::<RateSpec>(), Ok(spec));
            assert_eq!(spec.to_string(), text);
        }
    }

    #[test]
    fn malformed_rates_are_refused() {
        for text in [
            "", "5", "0/s", "5/day", "5/s:0", "-1/s", "5/s:", "a/s", "5/s:x:y",
        ] {
            assert!(text.parse::<RateSpec>().is_err(), "{text}");
        }
    }
}
