//! Which data fields are known when each step runs: the trigger's `data`, plus the
//! `writes` of every step that has certainly completed before it.
//!
//! Orchestration: the steps of earlier stages (a parallel branch does not see its
//! siblings' writes). Choreography: the steps upstream in the event chain; when an event
//! has several publishers, only what all of them guarantee. Each set is moved, not copied,
//! along a chain, so a long chain costs linear time.

use std::collections::HashSet;

use crate::model::{Coordination, Emitter, Owner, Saga, StepId};

pub(super) type Fields<'a> = HashSet<&'a str>;

/// Per step: the fields available before it runs, or `None` when the step is not reached
/// by any event chain (reported by the choreography rules, not guessed at here).
pub(super) fn before_each_step(saga: &Saga) -> Vec<Option<Fields<'_>>> {
    match saga.coordination {
        Coordination::Orchestration => orchestration(saga),
        Coordination::Choreography => choreography(saga),
    }
}

/// The fields a step's compensation may read: those before the step plus its own writes
/// (the compensation runs after the step).
pub(super) fn for_compensation<'a>(
    saga: &'a Saga,
    owner: Owner,
    before: &[Option<Fields<'a>>],
) -> Option<Fields<'a>> {
    match owner {
        Owner::Trigger => Some(trigger_data(saga)),
        Owner::Step(id) => before[id.0].as_ref().map(|f| {
            let mut f = f.clone();
            f.extend(saga.step(id).writes.iter().map(|w| w.value.as_str()));
            f
        }),
    }
}

fn trigger_data(saga: &Saga) -> Fields<'_> {
    saga.trigger.data.iter().map(|d| d.value.as_str()).collect()
}

fn orchestration(saga: &Saga) -> Vec<Option<Fields<'_>>> {
    let mut out = vec![None; saga.steps.len()];
    let mut known = trigger_data(saga);
    for stage in &saga.stages {
        for &id in stage.steps() {
            out[id.0] = Some(known.clone());
        }
        for &id in stage.steps() {
            known.extend(saga.step(id).writes.iter().map(|w| w.value.as_str()));
        }
    }
    out
}

fn choreography(saga: &Saga) -> Vec<Option<Fields<'_>>> {
    let n = saga.steps.len();
    // For each step, the publishers of the event that starts it.
    let starters: Vec<Vec<Emitter>> = saga
        .steps
        .iter()
        .map(|s| {
            s.consumes
                .as_ref()
                .and_then(|e| saga.event_id(&e.value))
                .map(|e| saga.event(e).emitted_by.iter().map(|(em, _)| *em).collect())
                .unwrap_or_default()
        })
        .collect();
    // How many steps wait on each step's fields, so the last one can take them.
    let mut waiting = vec![0usize; n];
    for emitters in &starters {
        for em in emitters {
            if let Some(p) = source_step(*em) {
                waiting[p.0] += 1;
            }
        }
    }
    // Kahn's order over "step P's outcome starts step S".
    let mut pending: Vec<usize> = starters
        .iter()
        .map(|ems| ems.iter().filter(|em| source_step(**em).is_some()).count())
        .collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (s, emitters) in starters.iter().enumerate() {
        for em in emitters {
            if let Some(p) = source_step(*em) {
                dependents[p.0].push(s);
            }
        }
    }
    let mut ready: Vec<usize> = (0..n).filter(|&s| pending[s] == 0).collect();
    ready.reverse();
    // Fields known after each step has run (success) or failed, kept until consumed.
    let mut after_success: Vec<Option<Fields<'_>>> = vec![None; n];
    let mut after_failure: Vec<Option<Fields<'_>>> = vec![None; n];
    let mut out: Vec<Option<Fields<'_>>> = vec![None; n];
    while let Some(s) = ready.pop() {
        let mut known: Option<Fields<'_>> = None;
        let mut reachable = !starters[s].is_empty();
        for em in &starters[s] {
            let fields = match *em {
                Emitter::Trigger | Emitter::CompensationDone(Owner::Trigger) => {
                    Some(trigger_data(saga))
                }
                Emitter::StepSuccess(p) => take(&mut after_success[p.0], &mut waiting[p.0]),
                Emitter::StepFailure(p) | Emitter::CompensationDone(Owner::Step(p)) => {
                    take(&mut after_failure[p.0], &mut waiting[p.0])
                }
            };
            match fields {
                None => reachable = false,
                Some(f) => {
                    known = Some(match known {
                        None => f,
                        Some(k) => k.intersection(&f).copied().collect(),
                    })
                }
            }
        }
        if reachable {
            let known = known.unwrap_or_default();
            let mut success = known.clone();
            success.extend(saga.steps[s].writes.iter().map(|w| w.value.as_str()));
            after_failure[s] = Some(known.clone());
            after_success[s] = Some(success);
            out[s] = Some(known);
        }
        for &d in &dependents[s] {
            pending[d] -= 1;
            if pending[d] == 0 {
                ready.push(d);
            }
        }
    }
    out
}

/// The step whose fields an emitter carries forward.
fn source_step(emitter: Emitter) -> Option<StepId> {
    match emitter {
        Emitter::Trigger | Emitter::CompensationDone(Owner::Trigger) => None,
        Emitter::StepSuccess(p)
        | Emitter::StepFailure(p)
        | Emitter::CompensationDone(Owner::Step(p)) => Some(p),
    }
}

/// The last dependent takes the set; earlier ones get a copy.
fn take<'a>(slot: &mut Option<Fields<'a>>, waiting: &mut usize) -> Option<Fields<'a>> {
    *waiting = waiting.saturating_sub(1);
    if *waiting == 0 {
        slot.take()
    } else {
        slot.clone()
    }
}
