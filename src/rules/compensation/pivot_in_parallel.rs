use super::kind_span;
use crate::diagnostic::Diagnostic;
use crate::model::{Saga, Stage, StepKind};

declare_rule! {
    /// ## What it checks
    /// A `kind: pivot` step that is a branch of a `parallel` group.
    ///
    /// ## Why it matters
    /// The branches of a group run at the same time, and when one fails the group waits for
    /// the others and then compensates the ones that applied. A pivot among them could
    /// succeed while a sibling branch fails: the saga would then have to compensate (the
    /// sibling failed) and could not (the pivot succeeded). The point of no return must be
    /// one moment in the saga, after everything that can still fail has finished.
    ///
    /// ## Example
    /// ```yaml
    /// - parallel:
    ///     - id: reserve_inventory
    ///       action: ReserveInventory
    ///       kind: compensatable
    ///       compensation: ReleaseInventory
    ///     - id: charge_payment
    ///       action: ChargeCard
    ///       kind: pivot
    /// ```
    ///
    /// ## Fix
    /// Take the pivot out of the group and run it after it:
    /// ```yaml
    /// - parallel:
    ///     - id: reserve_inventory
    ///       action: ReserveInventory
    ///       kind: compensatable
    ///       compensation: ReleaseInventory
    ///     - id: reserve_courier
    ///       action: ReserveCourier
    ///       kind: compensatable
    ///       compensation: ReleaseCourier
    /// - id: charge_payment
    ///   action: ChargeCard
    ///   kind: pivot
    /// ```
    pub static RULE = ("C206", "pivot-in-parallel", Error, "A pivot inside a parallel group");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    for stage in &saga.stages {
        let Stage::Parallel { branches, .. } = stage else {
            continue;
        };
        for &branch in branches {
            let step = saga.step(branch);
            if step.kind != StepKind::Pivot {
                continue;
            }
            let id = &step.id.value;
            let mut siblings = branches.iter().filter(|&&b| b != branch);
            let first = siblings.next().map(|&b| saga.step(b));
            let beside = match (first, siblings.next()) {
                (Some(s), None) => format!("`{}`", s.id.value),
                (Some(s), Some(_)) => format!("`{}` or another branch", s.id.value),
                (None, _) => "another branch".to_owned(),
            };
            let mut d = Diagnostic::new(
                &RULE,
                kind_span(step),
                format!("the pivot `{id}` runs in a `parallel` group"),
            )
            .label("pivot inside a parallel group");
            if let Some(sibling) = first {
                d = d.related(
                    sibling.id.span,
                    "runs at the same time, and may fail after the pivot succeeded",
                );
            }
            out.push(d.help(format!(
                "`{id}` could succeed while {beside} fails, and the saga could then \
                     neither compensate nor complete: move `{id}` out of the group, after it, \
                     so that the point of no return comes once everything before it has \
                     finished"
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::compensation::testing::orchestration;

    #[test]
    fn a_pivot_among_branches() {
        let steps = "- parallel:\n\
                     \x20   - { id: one, participant: a, action: One, compensation: Undo, idempotency_key: k }\n\
                     \x20   - { id: two, participant: a, action: Two, kind: pivot, idempotency_key: k }\n\
                     - { id: three, participant: a, action: Three, kind: retriable, idempotency_key: k }\n";
        assert_eq!(orchestration(steps), [("C206", 3)]);
    }
}
