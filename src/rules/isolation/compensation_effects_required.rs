use super::{compensation_of, declared, forward};
use crate::diagnostic::Diagnostic;
use crate::model::Saga;
use crate::model::resources::{Actor, Verb, describe_actor};

declare_rule! {
    /// ## What it checks
    /// An action that `create`s or `set`s a record, whose compensation declares no
    /// `effects` of its own (language version 2, isolation).
    ///
    /// ## Why it matters
    /// A `write` is undone by restoring what was there, and `increase`/`decrease` by the
    /// opposite delta, so sagac knows what their compensation does. A state change has no
    /// such default: undoing `PENDING -> APPROVED` may be `APPROVED -> REJECTED`, or back to
    /// `PENDING`, or nothing. Without it the simulator cannot tell whether the undo
    /// releases the lock the action took, or whether another saga's move is overwritten.
    ///
    /// ## Example
    /// ```yaml
    ///   - id: begin_cancel
    ///     effects:
    ///       - set: order[order_id]
    ///         from: [APPROVED]
    ///         to: CANCEL_PENDING
    ///     compensation: UndoBeginCancel
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///     compensation:
    ///       action: UndoBeginCancel
    ///       effects:
    ///         - set: order[order_id]
    ///           from: [CANCEL_PENDING]
    ///           to: APPROVED
    /// ```
    pub static RULE = ("I810", "compensation-effects-required", Error, "A compensation of a `create` or `set` that declares no `effects`");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    for actor in forward(saga) {
        let Some(state_change) = declared(saga, actor)
            .iter()
            .find(|e| matches!(e.verb, Verb::Create | Verb::Set))
        else {
            continue;
        };
        let Some(Actor::Compensation(owner)) = compensation_of(actor) else {
            continue;
        };
        let Some(compensation) = saga.compensation(owner) else {
            continue;
        };
        let declares = saga
            .resources
            .entry(Actor::Compensation(owner))
            .is_some_and(|e| e.declared.is_some());
        if declares {
            continue;
        }
        let resource = saga.resources.resource(state_change.record.resource);
        out.push(
            Diagnostic::new(
                &RULE,
                compensation.action.span,
                format!(
                    "`{}` undoes {}'s `{}` of `{}`, but declares no `effects`",
                    compensation.action.value,
                    describe_actor(saga, actor),
                    state_change.verb.as_str(),
                    resource.name.value
                ),
            )
            .label("what does the undo do to the record?")
            .related(state_change.span, "the state change to undo")
            .help(format!(
                "write the compensation in the long form with its `effects`, e.g. `compensation: {{ action: {}, effects: [{{ set: \"{}[{}]\", from: [...], to: ... }}] }}`",
                compensation.action.value, resource.name.value, state_change.record.field.value
            )),
        );
    }
}
