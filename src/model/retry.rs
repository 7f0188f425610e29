//! Retry policies, resolved: attempts, waits and (version 2) the time budget `within`,
//! from which the attempts that can start are computed here, once, for every part of
//! sagac to read.

use std::time::Duration;

use super::duration;
use crate::source::{Span, Spanned};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backoff {
    Fixed,
    Exponential,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attempts {
    Limited(u64),
    Unlimited,
}

impl Attempts {
    /// The most attempts made, `None` when unlimited.
    pub fn limit(self) -> Option<u64> {
        match self {
            Attempts::Limited(n) => Some(n),
            Attempts::Unlimited => None,
        }
    }
}

/// A retry policy with the defaults applied (see `docs/spec.md`, "Defaults").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retry {
    pub max_attempts: Attempts,
    pub backoff: Backoff,
    pub initial: Duration,
    pub max: Duration,
    /// Where `retry` was written; `None` when the default applies.
    pub span: Option<Span>,
    /// Where `max_attempts` was written.
    pub max_attempts_span: Option<Span>,
    /// Version 2: the time budget and the attempts that start within it (`max_attempts`
    /// is already capped by them).
    pub within: Option<Within>,
    /// Version 2: whether generated waits are random (it changes nothing else).
    pub jitter: Jitter,
}

impl Retry {
    pub const DEFAULT_INITIAL: Duration = Duration::from_secs(1);
    pub const DEFAULT_MAX: Duration = Duration::from_secs(60);

    /// One attempt, no retry: the default of compensatable, pivot and read-only steps.
    pub fn once() -> Self {
        Retry::with_attempts(Attempts::Limited(1))
    }

    /// Retried until it succeeds: the default of retriable steps and compensations.
    pub fn forever() -> Self {
        Retry::with_attempts(Attempts::Unlimited)
    }

    fn with_attempts(max_attempts: Attempts) -> Self {
        Retry {
            max_attempts,
            backoff: Backoff::Exponential,
            initial: Retry::DEFAULT_INITIAL,
            max: Retry::DEFAULT_MAX,
            span: None,
            max_attempts_span: None,
            within: None,
            jitter: Jitter::None,
        }
    }

    /// Whether every attempt can fail, so the action can give up.
    pub fn can_exhaust(&self) -> bool {
        matches!(self.max_attempts, Attempts::Limited(_))
    }

    /// Whether a transient failure is retried at all.
    pub fn retries(&self) -> bool {
        !matches!(self.max_attempts, Attempts::Limited(1))
    }

    /// `3 attempts, exponential 200ms..5s`, or `unlimited attempts, ...`.
    pub fn describe(&self) -> String {
        let attempts = match self.max_attempts {
            Attempts::Unlimited => "unlimited attempts".to_owned(),
            Attempts::Limited(1) => return "1 attempt".to_owned(),
            Attempts::Limited(n) => format!("{n} attempts"),
        };
        let backoff = match self.backoff {
            Backoff::Fixed => format!("fixed {}", duration::format(self.initial)),
            Backoff::Exponential => format!(
                "exponential {}..{}",
                duration::format(self.initial),
                duration::format(self.max)
            ),
        };
        format!("{attempts}, {backoff}")
    }
}

/// Whether generated waits are random.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Jitter {
    /// Each wait is random between zero and the backoff's (AWS's "full jitter").
    Full,
    /// Exact waits (the default).
    None,
}

/// A retry's time budget (Temporal's `scheduleToCloseTimeout`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Within {
    pub budget: Spanned<Duration>,
    /// The attempts that start before the budget runs out, counting each attempt as
    /// failing at once; `None` when every wait is zero (no budget bounds them).
    pub attempts: Option<u64>,
}

impl Retry {
    /// The wait before attempt number `attempt` (counted from 1; nothing before the
    /// first): `initial` each time, or doubling from `initial` up to `max`. The generated
    /// crate's `RetryPolicy::delay_before` is the same function.
    pub fn delay_before(&self, attempt: u64) -> Duration {
        if attempt <= 1 {
            return Duration::ZERO;
        }
        match self.backoff {
            Backoff::Fixed => self.initial,
            Backoff::Exponential => {
                let doublings = u32::try_from(attempt - 2).unwrap_or(u32::MAX).min(31);
                self.initial.saturating_mul(1 << doublings).min(self.max)
            }
        }
    }

    /// How many attempts start before `budget` has passed (language version 2, `within`):
    /// attempt 1 starts at 0 and attempt k+1 at t_k + `delay_before(k+1)`, each attempt
    /// counted as failing at once. At least the first attempt is always made. `None` when
    /// the waits are zero, so that no budget bounds them. Linear in the doublings (at most
    /// 31), then one division: a budget of years costs no more than one of seconds.
    pub fn attempts_within(&self, budget: Duration) -> Option<u64> {
        let budget = budget.as_nanos();
        let mut start: u128 = 0;
        let mut attempts: u64 = 1;
        loop {
            let delay = self.delay_before(attempts + 1);
            let next = self.delay_before(attempts + 2);
            let delay = delay.as_nanos();
            if delay == 0 {
                return None;
            }
            if delay == next.as_nanos() {
                // Every wait from here on is `delay`: the attempts at start + j·delay with
                // j ≥ 1 that start before the budget.
                let more = budget.saturating_sub(start).saturating_sub(1) / delay;
                return Some(attempts.saturating_add(u64::try_from(more).unwrap_or(u64::MAX)));
            }
            start += delay;
            if start >= budget {
                return Some(attempts);
            }
            attempts += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exponential(initial: u64, max: u64) -> Retry {
        let mut r = Retry::forever();
        r.initial = Duration::from_secs(initial);
        r.max = Duration::from_secs(max);
        r
    }

    #[test]
    fn corpus_11_attempts_within_a_budget() {
        // Waits of 1 s, then 2 s: attempts start at 0, 1, 3, 7, ...
        let r = exponential(1, 60);
        assert_eq!(r.attempts_within(Duration::from_secs(3)), Some(2));
        assert_eq!(r.attempts_within(Duration::from_secs(8)), Some(4));
        // The first attempt is always made; one starting exactly at the budget is not.
        assert_eq!(r.attempts_within(Duration::ZERO), Some(1));
        assert_eq!(r.attempts_within(Duration::from_secs(1)), Some(1));
        assert_eq!(r.attempts_within(Duration::from_millis(1001)), Some(2));
    }

    #[test]
    fn waits_capped_by_max_and_fixed_waits() {
        // 0, 1, 3, 7, 15, 31, 61, 91 (+30 each): eight attempts start within 2 minutes.
        let r = exponential(1, 30);
        assert_eq!(r.attempts_within(Duration::from_secs(120)), Some(8));
        let mut fixed = exponential(2, 60);
        fixed.backoff = Backoff::Fixed;
        // 0, 2, 4, 6, 8.
        assert_eq!(fixed.attempts_within(Duration::from_secs(9)), Some(5));
        assert_eq!(fixed.attempts_within(Duration::from_secs(8)), Some(4));
    }

    #[test]
    fn long_budgets_and_zero_waits() {
        let r = exponential(1, 1);
        let days = Duration::from_secs(10_000 * 86_400);
        assert_eq!(r.attempts_within(days), Some(864_000_000));
        let mut zero = exponential(0, 0);
        zero.initial = Duration::ZERO;
        assert_eq!(zero.attempts_within(Duration::from_secs(5)), None);
    }
}
