use super::declared;
use crate::diagnostic::Diagnostic;
use crate::model::Saga;
use crate::model::resources::{Verb, describe_actor};

declare_rule! {
    /// ## What it checks
    /// A `set` without `from` on a record with `states` (language version 2, isolation).
    ///
    /// ## Why it matters
    /// Without a guard the `set` moves the record whatever state it is in. Another saga
    /// may have moved it in between, or a late message may arrive after the record moved
    /// on: FTGO's order taken out of `CANCELLED` by a late event, a cancel that overwrites
    /// a rejection. The simulator reports such moves as `legal_transitions` (V713) or
    /// `no_lost_update` (V709); a guard turns them into a `WrongState` answer the saga
    /// handles.
    ///
    /// ## Example
    /// ```yaml
    ///   - id: begin_cancel
    ///     effects:
    ///       - set: order[order_id]
    ///         to: CANCEL_PENDING
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///       - set: order[order_id]
    ///         from: [APPROVED]
    ///         to: CANCEL_PENDING
    /// ```
    pub static RULE = ("I808", "unguarded-transition", Warning, "A `set` without `from` on a record with states");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    for action in &saga.resources.actions {
        for e in declared(saga, action.actor) {
            let resource = saga.resources.resource(e.record.resource);
            if e.verb != Verb::Set || !e.from.is_empty() || !resource.has_states() {
                continue;
            }
            let to = e.to.as_ref().map_or("", |t| t.value.as_str());
            let legal: Vec<&str> = resource
                .transitions
                .iter()
                .filter(|t| t.to.value == to)
                .map(|t| t.from.value.as_str())
                .collect();
            let help = if legal.is_empty() {
                "add `from:` with the states the record must be in for this move; otherwise the owner answers `WrongState`".to_owned()
            } else {
                format!(
                    "add `from: [{}]` (the states `transitions` allows into `{to}`), so that a record moved meanwhile answers `WrongState` instead of being moved",
                    legal.join(", ")
                )
            };
            out.push(
                Diagnostic::new(
                    &RULE,
                    e.span,
                    format!(
                        "{} sets `{}` to `{to}` whatever state it is in",
                        describe_actor(saga, action.actor),
                        resource.name.value
                    ),
                )
                .label("no `from` guard")
                .help(help),
            );
        }
    }
}
