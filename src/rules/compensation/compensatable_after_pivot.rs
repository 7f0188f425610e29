use super::{PointOfNoReturn, is_unclassified};
use crate::diagnostic::Diagnostic;
use crate::model::{Saga, StepKind};

declare_rule! {
    /// ## What it checks
    /// A compensatable step (declared `kind: compensatable`, or given a `compensation` without
    /// a `kind`) that runs after the pivot. Without a declared pivot, the first `retriable`
    /// step is the point of no return, and a compensatable step after it is reported too.
    /// Branches of one `parallel` group are not "after" each other.
    ///
    /// ## Why it matters
    /// The pivot is the point of no return: once it succeeds, the saga must complete, and no
    /// compensation runs any more. A step after it that can fail for a business reason
    /// (out of stock) leaves the saga with no way forward and no way back: the card is
    /// charged, the stock is missing, and nothing undoes the charge. Its compensation would
    /// never run either.
    ///
    /// ## Example
    /// ```yaml
    /// - id: charge_payment
    ///   action: ChargeCard
    ///   kind: pivot
    /// - id: reserve_inventory
    ///   action: ReserveInventory
    ///   kind: compensatable
    ///   compensation: ReleaseInventory
    /// ```
    ///
    /// ## Fix
    /// Reserve before charging, so a failed reservation can still be undone:
    /// ```yaml
    /// - id: reserve_inventory
    ///   action: ReserveInventory
    ///   kind: compensatable
    ///   compensation: ReleaseInventory
    /// - id: charge_payment
    ///   action: ChargeCard
    ///   kind: pivot
    /// ```
    ///
    /// If the step cannot fail for a business reason and is retried until it succeeds, it is
    /// `kind: retriable` instead, with no compensation.
    pub static RULE = ("C202", "compensatable-after-pivot", Error, "A compensatable step after the pivot (or after the first retriable step when no pivot is declared)");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let Some(no_return) = PointOfNoReturn::of(saga) else {
        return;
    };
    for step in &saga.steps {
        if step.kind != StepKind::Compensatable
            || is_unclassified(step)
            || !no_return.is_before(step)
        {
            continue;
        }
        // Point at what makes the step compensatable: its declared kind, else its compensation.
        let (span, label) = match (&step.declared_kind, &step.compensation) {
            (Some(kind), _) => (kind.span, "compensatable, after the point of no return"),
            (None, Some(c)) => (
                c.action.span,
                "this compensation makes the step compensatable",
            ),
            (None, None) => continue,
        };
        let id = &step.id.value;
        let never_runs = step.compensation.as_ref().map_or_else(String::new, |c| {
            format!(", so `{}` would never run", c.action.value)
        });
        out.push(
            Diagnostic::new(
                &RULE,
                span,
                format!("compensatable step `{id}` runs after {}", no_return.name()),
            )
            .label(label)
            .related(no_return.span(), no_return.label())
            .help(format!(
                "once `{}` succeeds nothing is compensated{never_runs}, and a failure of \
                 `{id}` would leave the saga half done: move `{id}` before `{}`; \
                 or, if `{}` cannot fail for a business reason and is retried until it \
                 succeeds, make it `kind: retriable` without a compensation",
                no_return.step.id.value, no_return.step.id.value, step.action.value
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::compensation::testing::{choreography, orchestration};

    #[test]
    fn a_compensation_without_kind_after_the_pivot() {
        let steps = "- { id: one, participant: a, action: One, kind: pivot, idempotency_key: k }\n\
                     - { id: two, participant: a, action: Two, compensation: Undo, idempotency_key: k }\n";
        assert_eq!(orchestration(steps), [("C202", 2)]);
    }

    #[test]
    fn after_the_first_retriable_step_when_no_pivot_is_declared() {
        let steps = "- { id: one, participant: a, action: One, compensation: Undo, idempotency_key: k }\n\
                     - { id: two, participant: a, action: Two, kind: retriable, idempotency_key: k }\n\
                     - { id: three, participant: a, action: Three, kind: compensatable, compensation: Undo, idempotency_key: k }\n";
        assert_eq!(orchestration(steps), [("C202", 3)]);
    }

    #[test]
    fn branches_of_one_group_are_not_ordered() {
        let steps = "- parallel:\n\
                     \x20   - { id: one, participant: a, action: One, kind: retriable, idempotency_key: k }\n\
                     \x20   - { id: two, participant: a, action: Two, compensation: Undo, idempotency_key: k }\n\
                     - { id: three, participant: a, action: Three, compensation: Undo, idempotency_key: k }\n";
        assert_eq!(orchestration(steps), [("C202", 4)]);
    }

    #[test]
    fn choreography_follows_the_declaration_order() {
        let steps = "- { id: one, participant: a, action: One, kind: pivot, consumes: s.started, idempotency_key: k, emits: { success: one.done, failure: one.failed } }\n\
                     - { id: two, participant: a, action: Two, kind: compensatable, compensation: Undo, consumes: one.done, idempotency_key: k, emits: { success: two.done, failure: two.failed } }\n";
        assert_eq!(choreography(steps), [("C202", 2)]);
    }

    #[test]
    fn declared_compensatable_without_compensation_is_also_c201() {
        // C201 (nothing undoes it) and C202 (it is after the pivot) are both true; both helps
        // lead to `kind: retriable` or to moving it before the pivot.
        let steps = "- { id: one, participant: a, action: One, kind: pivot, idempotency_key: k }\n\
                     - { id: two, participant: a, action: Two, kind: compensatable, idempotency_key: k }\n";
        assert_eq!(orchestration(steps), [("C201", 2), ("C202", 2)]);
    }

    #[test]
    fn a_sibling_of_the_pivot_is_c206_not_c202() {
        let steps = "- parallel:\n\
                     \x20   - { id: one, participant: a, action: One, kind: pivot, idempotency_key: k }\n\
                     \x20   - { id: two, participant: a, action: Two, compensation: Undo, idempotency_key: k }\n";
        assert_eq!(orchestration(steps), [("C206", 2)]);
    }
}
