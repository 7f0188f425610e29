use super::{States, forward};
use crate::diagnostic::Diagnostic;
use crate::model::Saga;
use crate::model::resources::{Actor, Verb, describe_actor};

declare_rule! {
    /// ## What it checks
    /// A compensation that restores a before-image (`write`, declared or the default undo
    /// of its step's `write`) of a shared record, with no lock held on it, no
    /// `if_unchanged` and no `version_file` (language version 2, isolation).
    ///
    /// ## Why it matters
    /// The before-image is what the record held when the step ran. If another instance
    /// changed the record since, restoring it wipes that change out: one saga's undo
    /// cancels another saga's reservation (a lost update made by a compensation, and the
    /// other saga's effect is no longer in place although it completed). The simulator
    /// reports it as `no_lost_update` (V709) with `atomicity` (V701).
    ///
    /// ## Example
    /// ```yaml
    ///   - id: reserve_inventory
    ///     effects: [{ decrease: "stock[item]" }]
    ///     compensation:
    ///       action: ReleaseInventory
    ///       effects: [{ write: "stock[item]" }]   # back to the level read
    /// ```
    ///
    /// ## Fix
    /// Undo by the opposite delta (the default for `decrease`), or check the version:
    /// ```yaml
    ///     compensation: ReleaseInventory            # increase stock[item]
    /// ```
    pub static RULE = ("I802", "compensation-overwrites-shared", Warning, "A compensation restores a before-image of a shared record, unprotected");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if !saga.resources.any() {
        return;
    }
    let mut states = States::default();
    for actor in forward(saga) {
        states.apply(saga.resources.of(actor));
        let owner = match actor {
            Actor::Trigger => crate::model::Owner::Trigger,
            Actor::Step(id) => crate::model::Owner::Step(id),
            _ => continue,
        };
        let Some(compensation) = saga.compensation(owner) else {
            continue;
        };
        let undo = Actor::Compensation(owner);
        for e in saga.resources.of(undo) {
            let resource = saga.resources.resource(e.record.resource);
            if e.verb != Verb::Write
                || !saga.resources.is_shared(&e.record)
                || e.if_unchanged.is_some()
                || resource.version_file.value
                || states.locked(saga, &e.record)
            {
                continue;
            }
            let declared = saga
                .resources
                .entry(undo)
                .is_some_and(|a| a.declared.is_some());
            let span = if declared {
                e.span
            } else {
                compensation.action.span
            };
            let mut d = Diagnostic::new(
                &RULE,
                span,
                format!(
                    "{} restores `{}[{}]` to what it was, over any change another instance made since",
                    describe_actor(saga, undo),
                    resource.name.value,
                    e.record.field.value
                ),
            )
            .label("restores a before-image")
            .help("undo by a delta (`increase`/`decrease`, the default undo of a `decrease`), guard the restore with `if_unchanged`, declare `version_file: true` on the resource, or hold a lock on the record until the saga ends");
            if !declared {
                d = d.related(e.span, "the default undo of this `write`");
            }
            out.push(d);
        }
    }
}
