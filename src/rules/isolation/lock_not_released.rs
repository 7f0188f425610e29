use super::{States, compensation_of, declared, forward, reactions_to};
use crate::diagnostic::Diagnostic;
use crate::model::resources::{Actor, Effect};
use crate::model::{Emitter, Saga};
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// A way through the saga (every step succeeds, or a step fails and the saga
    /// compensates) that ends with a record in one of its resource's lock states
    /// (language version 2, isolation). The states are followed along the `create` and
    /// `set` effects in order, the compensations in reverse; in a choreography, a reaction's
    /// effects follow the action whose event it handles, so a reaction that moves the record
    /// out of its lock state releases it.
    ///
    /// ## Why it matters
    /// A lock state (`PENDING`, `CANCEL_PENDING`) is a semantic lock: it tells every other
    /// saga that this one has work in progress on the record, and they wait or refuse. A
    /// saga that ends holding it never releases it: the order stays `PENDING` for good and
    /// every later cancel waits forever. The simulator reports it as `locks_released`
    /// (V712).
    ///
    /// ## Example
    /// ```yaml
    /// trigger:
    ///   effects: [{ create: "order[order_id]", to: PENDING }]
    /// steps:
    ///   - id: approve_order
    ///     kind: retriable
    /// ```
    ///
    /// ## Fix
    /// Release the lock at the end of every way: approve (or reject, in the compensation):
    /// ```yaml
    ///   - id: approve_order
    ///     kind: retriable
    ///     effects:
    ///       - set: order[order_id]
    ///         from: [PENDING]
    ///         to: APPROVED
    /// ```
    pub static RULE = ("I804", "lock-not-released", Error, "A way through the saga that ends with a record in a lock state");
}

pub fn check(saga: &Saga, out: &mut Vec<Diagnostic>) {
    if !saga.resources.any() {
        return;
    }
    let forward = forward(saga);
    let mut reported: Vec<Span> = Vec::new();
    // Completed: every forward action.
    let completed: Vec<&[Effect]> = forward.iter().map(|&a| declared(saga, a)).collect();
    left_locked(saga, &completed, "completes", &mut reported, out);
    // Compensated: the actions before a failing step (with the reactions to their events),
    // the reactions to its failure, then their compensations in reverse, each followed by
    // the reactions to the event it publishes when done.
    for (i, &actor) in forward.iter().enumerate().skip(1) {
        let Actor::Step(id) = actor else { continue };
        let stage = saga.step(id).stage;
        if saga
            .point_of_no_return()
            .is_some_and(|p| saga.step(p).stage < stage)
        {
            continue;
        }
        let done = done_before(saga, &forward[..i], stage);
        let mut run: Vec<&[Effect]> = done.iter().map(|&a| declared(saga, a)).collect();
        let failure = reactions_to(saga, Emitter::StepFailure(id));
        run.extend(failure.iter().map(|&r| declared(saga, r)));
        for undo in done.iter().rev().filter_map(|&a| compensation_of(a)) {
            run.push(saga.resources.of(undo));
            let Actor::Compensation(owner) = undo else {
                continue;
            };
            let reactions = reactions_to(saga, Emitter::CompensationDone(owner));
            run.extend(reactions.iter().map(|&r| declared(saga, r)));
        }
        left_locked(saga, &run, "compensates", &mut reported, out);
    }
}

/// The forward actions (and reactions) that have run when a step of `stage` fails: those
/// of earlier stages, a reaction going with the action whose event it handles (it follows
/// it in `forward`).
fn done_before(saga: &Saga, forward: &[Actor], stage: usize) -> Vec<Actor> {
    let mut emitter_done = true;
    forward
        .iter()
        .copied()
        .filter(|&a| match a {
            Actor::Step(s) => {
                emitter_done = saga.step(s).stage < stage;
                emitter_done
            }
            Actor::Reaction(_) => emitter_done,
            _ => true,
        })
        .collect()
}

/// Reports each record the run leaves in a lock state, at the effect that put it there.
fn left_locked(
    saga: &Saga,
    run: &[&[Effect]],
    ends: &str,
    reported: &mut Vec<Span>,
    out: &mut Vec<Diagnostic>,
) {
    let mut states = States::default();
    let mut last: Vec<&Effect> = Vec::new();
    for effects in run {
        states.apply(effects);
        for e in effects.iter().filter(|e| e.to.is_some()) {
            last.retain(|l| !l.record.same_record(&e.record));
            last.push(e);
        }
    }
    for e in last {
        if !states.locked(saga, &e.record) || reported.contains(&e.span) {
            continue;
        }
        reported.push(e.span);
        let resource = saga.resources.resource(e.record.resource);
        let state = e.to.as_ref().map_or("", |t| t.value.as_str());
        out.push(
            Diagnostic::new(
                &RULE,
                e.span,
                format!(
                    "when the saga {ends}, `{}[{}]` is left `{state}`, a lock state: no other saga can use it again",
                    resource.name.value, e.record.field.value
                ),
            )
            .label(format!("the lock `{state}` is taken here"))
            .help(format!(
                "release the lock on every way the saga ends: a later step (or, when it compensates, the compensation) `set`s `{}[{}]` to a state that is not under `locks`",
                resource.name.value, e.record.field.value
            )),
        );
    }
}
