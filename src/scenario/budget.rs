//! A bound on the work of exploring runs, for callers that must stay within a time and
//! memory limit whatever saga they are given (the grader). The work of an exploration is
//! counted as it goes, in units: each state expanded costs its size (its steps, its messages
//! in flight, and a fixed part) once for itself and once for each state it leads to. Time
//! and memory both grow with these units, whatever makes the states many: a long saga, a
//! wide parallel group, events with many consumers. The count is a function of the saga,
//! so a bounded exploration stops at the same point on every machine.

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The fixed part of a state's size, in units.
const STATE_OVERHEAD: u64 = 16;

/// Work units left, shared by the explorations made with it.
#[derive(Debug)]
pub struct Budget {
    left: Cell<u64>,
    /// Set by another thread when the work is no longer wanted (the language server's
    /// next edit): the exploration stops as if the budget were spent.
    stop: Option<Arc<AtomicBool>>,
}

impl Budget {
    pub fn new(units: u64) -> Budget {
        Budget {
            left: Cell::new(units),
            stop: None,
        }
    }

    /// No bound on the work, but it stops (as a spent budget does) once `stop` is set.
    pub fn until(stop: Arc<AtomicBool>) -> Budget {
        Budget {
            left: Cell::new(u64::MAX),
            stop: Some(stop),
        }
    }

    /// No bound: what `run` and `enumerate` explore with.
    pub fn unlimited() -> Budget {
        Budget::new(u64::MAX)
    }

    pub fn left(&self) -> u64 {
        self.left.get()
    }

    /// Takes `units` of work done (or about to be done) elsewhere: false (and nothing
    /// left) when the budget does not cover it, or the work is no longer wanted.
    pub fn take(&self, units: u64) -> bool {
        self.charge(0, 0) && {
            match self.left.get().checked_sub(units) {
                Some(left) => {
                    self.left.set(left);
                    true
                }
                None => {
                    self.left.set(0);
                    false
                }
            }
        }
    }

    /// Takes the work of expanding one state of `size` steps and messages into `next`
    /// states; false (and nothing left) when the budget does not cover it.
    pub(super) fn charge(&self, size: usize, next: usize) -> bool {
        if self
            .stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
        {
            self.left.set(0);
            return false;
        }
        let cost = (size as u64)
            .saturating_add(STATE_OVERHEAD)
            .saturating_mul(next as u64 + 1);
        match self.left.get().checked_sub(cost) {
            Some(left) => {
                self.left.set(left);
                true
            }
            None => {
                self.left.set(0);
                false
            }
        }
    }
}
