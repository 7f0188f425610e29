use std::collections::HashMap;

use super::{States, declared, forward};
use crate::diagnostic::Diagnostic;
use crate::model::resources::{Effect, describe_actor};
use crate::model::{ResourceId, Saga};
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// A forward action that overwrites a shared record (a `write`, or a `set` without
    /// `from`) which an earlier action of the saga observed (read, wrote, created or set),
    /// with no lock held from the observation to the overwrite, no `if_unchanged` and no
    /// `version_file` (language version 2, isolation). In a choreography a reaction counts
    /// as an action run just after the step (or trigger) whose event it handles.
    ///
    /// ## Why it matters
    /// Between the two local transactions another instance can change the record: two
    /// orders for one item both read a stock of 10, one writes 9, the other writes 9 over
    /// it, and one reservation is lost (the lost update, Richardson's first anomaly). The
    /// simulator finds it as `no_lost_update` (V709) in the happy run.
    ///
    /// ## Example
    /// ```yaml
    ///   - id: check_stock
    ///     effects: [{ read: "stock[item]" }]
    ///   - id: reserve_inventory
    ///     effects: [{ write: "stock[item]" }]   # the level read, minus the quantity
    /// ```
    ///
    /// ## Fix
    /// Make the change a delta (`decrease`, with `commutative: true`), or check that the
    /// record did not move (`if_unchanged: stock_version`, with the version written by the
    /// step that read), or lock the record in between:
    /// ```yaml
    ///     effects: [{ decrease: "stock[item]" }]
    /// ```
    pub static RULE = ("I801", "read-then-overwrite", Warning, "A shared record overwritten after an earlier action observed it, unprotected");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if !saga.resources.any() {
        return;
    }
    let mut states = States::default();
    // Per record: where the saga last observed it, and whether a lock has been held since.
    let mut observed: HashMap<(ResourceId, &str), (Span, bool)> = HashMap::new();
    for actor in forward(saga) {
        let effects = declared(saga, actor);
        for e in effects {
            let key = (e.record.resource, e.record.field.value.as_str());
            if let Some(&(seen, locked)) = observed.get(&key)
                && !locked
                && unprotected_overwrite(saga, e)
            {
                let resource = saga.resources.resource(e.record.resource);
                out.push(
                    Diagnostic::new(
                        &RULE,
                        e.span,
                        format!(
                            "{} overwrites `{}[{}]`, which another instance may have changed since this saga observed it",
                            describe_actor(saga, actor),
                            resource.name.value,
                            e.record.field.value
                        ),
                    )
                    .label("a lost update if it moved")
                    .related(seen, "observed here")
                    .help("make the change a delta (`increase`/`decrease` with `commutative: true`), guard it with `if_unchanged: <version field>` written by the action that observed it, or hold a lock on the record in between"),
                );
            }
        }
        states.apply(effects);
        for e in effects.iter().filter(|e| e.verb.observes()) {
            let key = (e.record.resource, e.record.field.value.as_str());
            observed.insert(key, (e.span, states.locked(saga, &e.record)));
        }
        for (key, (_, locked)) in observed.iter_mut() {
            let record = effects
                .iter()
                .find(|e| (e.record.resource, e.record.field.value.as_str()) == *key);
            if let Some(e) = record
                && e.to.is_some()
            {
                *locked &= states.locked(saga, &e.record);
            }
        }
    }
}

/// A `write` or unguarded `set` of a shared record, with no version check and no version
/// file.
pub(super) fn unprotected_overwrite(saga: &Saga, e: &Effect) -> bool {
    let resource = saga.resources.resource(e.record.resource);
    e.overwrites()
        && saga.resources.is_shared(&e.record)
        && e.if_unchanged.is_none()
        && !resource.version_file.value
}
