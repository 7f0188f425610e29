use super::declared;
use crate::diagnostic::Diagnostic;
use crate::model::Saga;
use crate::model::resources::{Verb, describe_actor};

declare_rule! {
    /// ## What it checks
    /// A `write` on a resource declared `commutative: true` (language version 2,
    /// isolation).
    ///
    /// ## Why it matters
    /// `commutative: true` is the countermeasure "commutative updates": every change of the
    /// counter is an atomic delta (`UPDATE stock SET n = n - :qty`), so two sagas changing
    /// it at once both count and neither overwrites the other. A `write` puts back a value
    /// the saga computed from what it read earlier, which loses every change made since:
    /// the lost update the declaration promises cannot happen.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   stock: { participant: inventory, key: item, kind: counter, commutative: true }
    /// steps:
    ///   - id: reserve_inventory
    ///     effects:
    ///       - write: stock[item]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///     effects:
    ///       - decrease: stock[item]
    /// ```
    pub static RULE = ("I805", "commutative-overwritten", Error, "A `write` on a `commutative` resource");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    for action in &saga.resources.actions {
        for e in declared(saga, action.actor) {
            let resource = saga.resources.resource(e.record.resource);
            if e.verb != Verb::Write || !resource.commutative.value {
                continue;
            }
            let mut d = Diagnostic::new(
                &RULE,
                e.span,
                format!(
                    "{} overwrites `{}`, which is declared `commutative`",
                    describe_actor(saga, action.actor),
                    resource.name.value
                ),
            )
            .label("a `write` is not a delta")
            .help("change a commutative counter with `increase` or `decrease` (an atomic `UPDATE ... SET n = n - $1`, never read-modify-write), or remove `commutative: true` and protect the write otherwise (`if_unchanged`, a lock)");
            if let Some(span) = resource.commutative.span() {
                d = d.related(span, "declared here");
            }
            out.push(d);
        }
    }
}
