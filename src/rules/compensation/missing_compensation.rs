use super::{PointOfNoReturn, is_unclassified, kind_span};
use crate::diagnostic::Diagnostic;
use crate::model::{Saga, StepKind};

declare_rule! {
    /// ## What it checks
    /// A step that has neither a `compensation` nor a `kind`, and a step declared
    /// `kind: compensatable` that has no `compensation`.
    ///
    /// ## Why it matters
    /// When a step before the pivot fails, the saga undoes every effect applied so far, in
    /// reverse order, by running their compensations. A compensatable step without one leaves
    /// its effect in place: the stock stays reserved for an order that was rejected.
    ///
    /// A step with neither key could be many things: an undoable effect whose compensation was
    /// forgotten, a check that changes nothing, the go/no-go step, or a step after the pivot
    /// that is retried until it succeeds. sagac does not guess; say which it is.
    ///
    /// ## Example
    /// ```yaml
    /// - id: reserve_inventory
    ///   participant: inventory
    ///   action: ReserveInventory
    /// - id: charge_payment
    ///   participant: payment
    ///   action: ChargeCard
    ///   kind: pivot
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - id: reserve_inventory
    ///   participant: inventory
    ///   action: ReserveInventory
    ///   kind: compensatable
    ///   compensation: ReleaseInventory
    /// - id: charge_payment
    ///   participant: payment
    ///   action: ChargeCard
    ///   kind: pivot
    /// ```
    ///
    /// A step that only checks something is `kind: read_only`; a step after the pivot that
    /// is retried until it succeeds (an email) is `kind: retriable`.
    pub static RULE = ("C201", "missing-compensation", Error, "A step with neither `compensation` nor `kind`, or compensatable without `compensation`");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    let no_return = PointOfNoReturn::of(saga);
    for step in &saga.steps {
        let declared_compensatable = step
            .declared_kind
            .as_ref()
            .is_some_and(|k| k.value == StepKind::Compensatable)
            && step.compensation.is_none();
        if !is_unclassified(step) && !declared_compensatable {
            continue;
        }
        let after = no_return.as_ref().filter(|p| p.is_before(step));
        let id = &step.id.value;
        let action = &step.action.value;
        let mut d = if declared_compensatable {
            Diagnostic::new(
                &RULE,
                kind_span(step),
                format!("step `{id}` is `kind: compensatable` but has no `compensation`"),
            )
            .label("compensatable, but nothing undoes it")
        } else {
            Diagnostic::new(
                &RULE,
                step.id.span,
                format!("step `{id}` has neither a `compensation` nor a `kind`"),
            )
            .label("what undoes this step when the saga fails?")
        };
        d = match after {
            Some(p) => d.related(p.span(), p.label()).help(format!(
                "`{id}` runs after {}, where the saga only moves forward: if `{action}` is \
                 retried until it succeeds, declare `kind: retriable`; if it can fail for a \
                 business reason, move it before the pivot and add `compensation: <UndoAction>` \
                 (or `kind: read_only` for a check with no effect)",
                p.name()
            )),
            None if declared_compensatable => d.help(format!(
                "add `compensation: <UndoAction>`, the action that undoes `{action}` when a \
                 later step fails; if its effect cannot be undone it is the go/no-go step \
                 (`kind: pivot`), and a check with no effect is `kind: read_only`"
            )),
            None => d.help(format!(
                "if `{action}` has an effect that can be undone, add `compensation: \
                 <UndoAction>`; otherwise declare its kind: `kind: read_only` for a check with \
                 no effect, `kind: pivot` for the go/no-go step, `kind: retriable` for a step \
                 after the pivot that is retried until it succeeds"
            )),
        };
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::compensation::testing::{choreography, first, orchestration};

    #[test]
    fn a_step_with_neither_kind_nor_compensation() {
        let steps = "- { id: one, participant: a, action: One, idempotency_key: k }\n\
                     - { id: two, participant: a, action: Two, kind: pivot, idempotency_key: k }\n";
        assert_eq!(orchestration(steps), [("C201", 1)]);
        let help = first("C201", steps).help.unwrap_or_default();
        assert!(help.contains("`compensation: <UndoAction>`"), "{help}");
        assert!(help.contains("`kind: read_only`"), "{help}");
    }

    #[test]
    fn a_compensatable_step_without_compensation() {
        let steps =
            "- { id: one, participant: a, action: One, kind: compensatable, idempotency_key: k }\n";
        assert_eq!(orchestration(steps), [("C201", 1)]);
    }

    #[test]
    fn a_compensation_without_kind_is_enough() {
        let steps =
            "- { id: one, participant: a, action: One, compensation: Undo, idempotency_key: k }\n";
        assert_eq!(orchestration(steps), []);
    }

    #[test]
    fn after_the_pivot_it_suggests_retriable_and_is_not_also_c202() {
        let steps = "- { id: one, participant: a, action: One, kind: pivot, idempotency_key: k }\n\
                     - { id: two, participant: a, action: Two, idempotency_key: k }\n";
        assert_eq!(orchestration(steps), [("C201", 2)]);
        let d = first("C201", steps);
        assert!(
            d.help
                .unwrap_or_default()
                .contains("declare `kind: retriable`")
        );
        assert_eq!(d.related.len(), 1);
    }

    #[test]
    fn after_the_first_retriable_step_without_a_pivot() {
        let steps = "- { id: one, participant: a, action: One, compensation: Undo, idempotency_key: k }\n\
                     - { id: two, participant: a, action: Two, kind: retriable, idempotency_key: k }\n\
                     - { id: three, participant: a, action: Three, idempotency_key: k }\n";
        assert_eq!(orchestration(steps), [("C201", 3)]);
        assert!(
            first("C201", steps)
                .help
                .unwrap_or_default()
                .contains("declare `kind: retriable`")
        );
    }

    #[test]
    fn choreography_steps_are_classified_the_same_way() {
        let steps = "- { id: one, participant: a, action: One, consumes: s.started, idempotency_key: k, emits: { success: one.done, failure: one.failed } }\n";
        assert_eq!(choreography(steps), [("C201", 1)]);
    }
}
