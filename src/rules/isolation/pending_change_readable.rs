use super::{States, compensation_of, declared, forward, pending};
use crate::diagnostic::Diagnostic;
use crate::model::Saga;
use crate::model::resources::{Effect, Verb, describe_actor};

declare_rule! {
    /// ## What it checks
    /// A pending change of a shared record (made before the point of no return, and undone
    /// by its compensation) that some action of the saga reads, where the record is not in
    /// a lock state and the change is not the direction the resource's
    /// `pessimistic_view` accepts (language version 2, isolation).
    ///
    /// ## Why it matters
    /// Another instance can read the record after the change and before the compensation
    /// takes it back, and act on a value that never became true: it refuses an order for
    /// lack of stock that was only tentatively reserved, or spends credit that is then
    /// withdrawn (the dirty read). The simulator finds it as `no_dirty_read` (V710) in the
    /// scenario where this saga compensates.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   stock: { participant: inventory, key: item, kind: counter, commutative: true }
    /// steps:
    ///   - id: check_stock
    ///     effects: [{ read: "stock[item]" }]
    ///   - id: reserve_inventory
    ///     effects: [{ decrease: "stock[item]" }]
    ///     compensation: ReleaseInventory
    /// ```
    ///
    /// ## Fix
    /// Accept the safe direction (a reader that sees less stock errs on the safe side), or
    /// lock the record while the change is pending:
    /// ```yaml
    ///   stock: { participant: inventory, key: item, kind: counter, commutative: true,
    ///            pessimistic_view: decrease }
    /// ```
    pub static RULE = ("I803", "pending-change-readable", Warning, "A pending change of a shared record that another instance can read");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if !saga.resources.any() {
        return;
    }
    let reads: Vec<&Effect> = saga
        .resources
        .effects()
        .map(|(_, e)| e)
        .filter(|e| e.verb == Verb::Read)
        .collect();
    let mut states = States::default();
    for actor in forward(saga) {
        let effects = declared(saga, actor);
        states.apply(effects);
        if !pending(saga, actor) {
            continue;
        }
        let undo = compensation_of(actor).map_or(&[][..], |c| saga.resources.of(c));
        for e in effects.iter().filter(|e| e.verb.changes()) {
            let resource = saga.resources.resource(e.record.resource);
            let accepted = resource
                .pessimistic_view
                .as_ref()
                .is_some_and(|v| Some(v.value) == e.verb.direction());
            let undone = undo
                .iter()
                .any(|u| u.verb.changes() && u.record.same_record(&e.record));
            if accepted
                || !undone
                || !saga.resources.is_shared(&e.record)
                || states.locked(saga, &e.record)
            {
                continue;
            }
            let Some(reader) = reads.iter().find(|r| r.record.same_record(&e.record)) else {
                continue;
            };
            let help = match e.verb.direction() {
                Some(d) => format!(
                    "if seeing the `{}` early is safe (a reader sees less, and errs on the safe side), declare `pessimistic_view: {}` on `{}`; otherwise lock the record while the change is pending, or make the change at or after the point of no return",
                    d.as_str(),
                    d.as_str(),
                    resource.name.value
                ),
                None => "move the record to a lock state while the change is pending (`locks`), so that readers see \"pending\", or make the change at or after the point of no return".to_owned(),
            };
            out.push(
                Diagnostic::new(
                    &RULE,
                    e.span,
                    format!(
                        "another instance can read `{}[{}]` while {}'s `{}` is pending, and act on it after it is undone",
                        resource.name.value,
                        e.record.field.value,
                        describe_actor(saga, actor),
                        e.verb.as_str()
                    ),
                )
                .label("pending until the point of no return")
                .related(reader.span, "read here")
                .help(help),
            );
        }
    }
}
