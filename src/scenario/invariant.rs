//! The correctness properties every run must keep, named as machine-readable output names
//! them.

use super::action::Action;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Invariant {
    Atomicity,
    NoCompensationAfterPivot,
    ReverseOrder,
    Termination,
    AtMostOnce,
    NoLostEvent,
    NoPhantomCompensation,
    /// Version 2: every ended run delivers exactly one outcome, the one its end maps to,
    /// and every cancel gets at most one answer, consistent with the end.
    ExactlyOneOutcome,
}

impl Invariant {
    pub const ALL: [Invariant; 8] = [
        Invariant::Atomicity,
        Invariant::NoCompensationAfterPivot,
        Invariant::ReverseOrder,
        Invariant::Termination,
        Invariant::AtMostOnce,
        Invariant::NoLostEvent,
        Invariant::NoPhantomCompensation,
        Invariant::ExactlyOneOutcome,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Invariant::Atomicity => "atomicity",
            Invariant::NoCompensationAfterPivot => "no_compensation_after_pivot",
            Invariant::ReverseOrder => "reverse_order",
            Invariant::Termination => "termination",
            Invariant::AtMostOnce => "at_most_once",
            Invariant::NoLostEvent => "no_lost_event",
            Invariant::NoPhantomCompensation => "no_phantom_compensation",
            Invariant::ExactlyOneOutcome => "exactly_one_outcome",
        }
    }
}

/// A broken invariant with the shortest run that breaks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub invariant: Invariant,
    pub message: String,
    /// A minimal counterexample: the fewest actions from the start to the violation.
    pub trace: Vec<Action>,
}
