//! The grader's bound on simulation work, so that any submission inside the size limits
//! is graded in about a second and a few hundred MiB, whatever its saga: a long chain of
//! steps, a wide parallel group or events with many consumers all make the simulator's
//! states many, and all are counted by [`Budget`] as the runs are explored. What the
//! budget does not cover is not simulated: the criterion that needed it fails with a note
//! that says so, and the rest of the submission (and of a batch) is graded as usual.
//! The count is a function of the saga, so the same submission always stops at the same
//! point (figures in docs/performance.md).

use crate::check::Checked;
use crate::diagnostic;
use crate::rules;
use crate::scenario::Budget;

use super::text::code;

/// Work units for the simulation rules (V7xx) of `sagac check`, which enumerate every
/// single fault: a few hundred milliseconds on the project's machine.
pub const RULES_WORK: u64 = 10_000_000;

/// Work units for the runs the criteria explore (`flow`, `scenario`, `outbox`), shared by
/// all of them. The largest input inside the limits spends about a second on it.
pub const CRITERIA_WORK: u64 = 20_000_000;

/// Adds the V7xx diagnostics to a spec checked without them, as `sagac check` would, when
/// the budget covers them; otherwise says why they are missing.
pub fn simulate_rules(checked: &mut Checked) -> Option<String> {
    let saga = checked.model()?;
    let budget = Budget::new(RULES_WORK);
    match rules::simulation::check_within(saga, &checked.source.name(), &budget) {
        Some(found) => {
            checked.diagnostics.extend(found);
            diagnostic::sort(&mut checked.diagnostics);
            checked.diagnostics.dedup();
            None
        }
        None => Some(format!(
            "the saga has too many runs to simulate every single fault within the grader's limits, so the simulation rules of {} (V7xx) were not run",
            code("sagac check")
        )),
    }
}

/// The budget of one submission's criteria.
pub fn criteria_budget() -> Budget {
    Budget::new(CRITERIA_WORK)
}

/// Why a criterion that simulates was not judged: its runs would cost more than is left.
pub fn too_large(steps: usize) -> String {
    format!(
        "Your saga ({steps} steps) has too many runs for the grader to simulate within its limits, so this was not judged. The assignment's saga has a handful of steps: remove what it does not ask for (long chains, wide `parallel` groups), or ask your instructor to look at it."
    )
}
