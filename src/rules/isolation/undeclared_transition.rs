use super::declared;
use crate::diagnostic::Diagnostic;
use crate::model::Saga;
use crate::model::resources::{Verb, describe_actor};

declare_rule! {
    /// ## What it checks
    /// A `set` with `from` whose move (`from` state to `to`) is not among the resource's
    /// `transitions` (language version 2, isolation). A move to the state the record is
    /// already in is a repeat, not a move; a `create` may enter any state.
    ///
    /// ## Why it matters
    /// `transitions` is the record's life cycle as the design intends it. A guard that
    /// lets a move through which the life cycle forbids is a bug in one of the two: the
    /// simulator would report the move as `legal_transitions` (V713) on the first run that
    /// makes it.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   order:
    ///     states: [PENDING, APPROVED, CANCELLED]
    ///     transitions: [PENDING -> APPROVED, APPROVED -> CANCELLED]
    /// ...
    ///       - set: order[order_id]
    ///         from: [PENDING, APPROVED]
    ///         to: CANCELLED
    /// ```
    ///
    /// ## Fix
    /// Guard with the states the life cycle allows, or add the move to `transitions`:
    /// ```yaml
    ///       - set: order[order_id]
    ///         from: [APPROVED]
    ///         to: CANCELLED
    /// ```
    pub static RULE = ("I809", "undeclared-transition", Error, "A guarded `set` whose move is not among the resource's `transitions`");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    for action in &saga.resources.actions {
        for e in declared(saga, action.actor) {
            let resource = saga.resources.resource(e.record.resource);
            let Some(to) = &e.to else { continue };
            if e.verb != Verb::Set || !resource.has_states() {
                continue;
            }
            for from in &e.from {
                if from.value == to.value || resource.can_move(&from.value, &to.value) {
                    continue;
                }
                let mut d = Diagnostic::new(
                    &RULE,
                    from.span,
                    format!(
                        "{} may move `{}` from `{}` to `{}`, which `transitions` does not allow",
                        describe_actor(saga, action.actor),
                        resource.name.value,
                        from.value,
                        to.value
                    ),
                )
                .label(format!("`{} -> {}` is not a transition", from.value, to.value))
                .help(format!(
                    "remove `{}` from `from`, or add `{} -> {}` to `transitions` of `{}` if the life cycle allows it",
                    from.value, from.value, to.value, resource.name.value
                ));
                if let Some(span) = resource.transitions_written {
                    d = d.related(span, "the legal moves");
                }
                out.push(d);
            }
        }
    }
}
