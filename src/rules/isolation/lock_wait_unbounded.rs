use super::declared;
use crate::diagnostic::Diagnostic;
use crate::model::Saga;
use crate::model::resources::{Actor, OnLocked};
use crate::rules::compensation::deadline_reaches;

declare_rule! {
    /// ## What it checks
    /// A step with an effect that waits for another instance's lock (`on_locked: wait`,
    /// the default, on a shared record of a resource with `locks`), with no `timeout` and
    /// no deadline reaching it (language version 2, isolation).
    ///
    /// ## Why it matters
    /// A command parked behind a lock is not answered until the lock is released. If the
    /// holder never releases it (it is itself waiting, for a lock this saga holds, or it
    /// crashed), the step waits forever: two sagas each holding what the other waits for
    /// are a deadlock, which nothing in the spec ends.
    ///
    /// ## Example
    /// ```yaml
    ///   - id: reserve_ticket
    ///     participant: kitchen
    ///     effects:
    ///       - set: ticket[restaurant_id]
    ///         from: [OPEN]
    ///         to: RESERVING
    /// ```
    ///
    /// ## Fix
    /// Bound the wait (then the step is in doubt and handled), or refuse at once:
    /// ```yaml
    ///     timeout: 5s
    /// ```
    pub static RULE = ("I806", "lock-wait-unbounded", Warning, "A step that waits for a lock with no timeout and no deadline");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    for id in saga.step_ids() {
        let step = saga.step(id);
        if step.timeout.is_some() || deadline_reaches(saga, step) {
            continue;
        }
        let waits = declared(saga, Actor::Step(id)).iter().find(|e| {
            let resource = saga.resources.resource(e.record.resource);
            !resource.locks.is_empty()
                && saga.resources.is_shared(&e.record)
                && e.on_locked(resource) == OnLocked::Wait
        });
        let Some(effect) = waits else { continue };
        let resource = saga.resources.resource(effect.record.resource);
        out.push(
            Diagnostic::new(
                &RULE,
                step.id.span,
                format!(
                    "`{}` waits for another instance's lock on `{}` with nothing to end the wait",
                    step.id.value, resource.name.value
                ),
            )
            .label("no `timeout`, no deadline")
            .related(effect.span, "parked while another instance holds the lock")
            .help("give the step a `timeout` (a parked command then ends in doubt and is handled), give the saga a `deadline`, or refuse at once with `on_locked: fail` (the step fails with `Locked`)"),
        );
    }
}
